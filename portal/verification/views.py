"""Public verification of documents by code, and the download of stored PDFs for officials."""

from __future__ import annotations

import logging

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from documents.codes import display_code
from documents.models import StoredDocument
from documents.selectors import (
    Verification,
    can_download,
    document_by_code,
    verifiable_document,
    verify_document,
)
from portal.shells import PagePart, PageShell
from portal.verification.forms import AsOfDateForm, VerificationCodeForm
from procedures.selectors import registrant_visible_to
from registry.models import Registrant
from registry.services.data_access import log_data_access
from rut_portal.errors import DomainError
from rut_portal.security_headers import never_cache

logger = logging.getLogger(__name__)


@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    """Type the code printed on the document; a valid code goes to its verification page."""
    form = VerificationCodeForm(request.GET if "codigo" in request.GET else None)
    if form.is_valid():
        return redirect("documents:verify", code=form.cleaned_data["codigo"])
    return render(request, "documents/verify_form.html", {"form": form})


VERIFICATION_PAGE = PageShell("documents/verify.html")
VERIFICATION_PART = PagePart("documents/_verification.html")


def _verification_page(
    request: HttpRequest,
    document: StoredDocument,
    *,
    state_today: str = "",
    verification: Verification | None = None,
    status: int = 200,
) -> HttpResponse:
    """The verification page: its frame and its part's text as rendered once per language, the
    document's facts put in their places."""
    download_url = (
        reverse("documents:download", args=[document.code])
        if verification is None and can_download(request.user, document)
        else ""
    )
    part = VERIFICATION_PART.render(
        {"integrity": verification.integrity if verification else ""},
        {
            # The kind's label, without get_kind_display's hashing of every choice.
            "kind": str(StoredDocument.Kind(document.kind).label),
            "number": document.number,
            "nit": document.nit,
            "name": document.name,
            "state_label": document.state_label,
            "current_state": state_today,
            "issued_on": f"{document.issued_on:%d/%m/%Y}",
            "validity": document.validity,
            "code_display": display_code(document.code),
            "sha256": document.sha256,
            "download_url": download_url,
        },
    )
    return VERIFICATION_PAGE.response(request, part, status=status)


@require_GET
@never_cache
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """The page the QR code opens: the public facts recorded when the document was issued.

    It reads no file: the facts and the file's SHA-256 were stored at render time, and the
    stored file is checked against that hash before it is ever served (download).
    """
    found = verifiable_document(code)
    if found is None:
        return render(
            request,
            "documents/not_found.html",
            {"code": code[:30], "form": VerificationCodeForm()},
            status=404,
        )
    document, state_today = found
    if document.code != code:  # typed by hand: show the canonical address
        return redirect("documents:verify", code=document.code)
    return _verification_page(request, document, state_today=state_today)


@require_GET
def download(request: HttpRequest, code: str) -> HttpResponseBase:
    """The stored PDF, for officials who may see its source; never a tampered file."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    document = document_by_code(code)
    if document is None or not can_download(request.user, document):
        raise PermissionDenied
    verification = verify_document(document)
    if not verification.is_intact:
        logger.warning("documents: stored file of %s is %s", document.code, verification.integrity)
        return _verification_page(request, document, verification=verification, status=409)
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=request.GET.get("descargar") == "1",
        filename=f"{document.kind}-{document.number}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def official_rut_as_of(request: HttpRequest, registrant_id: int) -> HttpResponseBase:
    """For officials: the RUT of an inscrito as it stood on a date, within their scope.

    Scope is the case page's: the official's seccional, or an open case there. Each certificate
    an official draws is a view of personal data and goes to the data-access log.
    """
    from django.contrib import admin

    from documents.services import rut_as_of_pdf

    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return redirect_to_login(request.get_full_path(), login_url="admin:login")
    if not user.has_perm("registry.view_formversion"):
        raise PermissionDenied
    registrant = get_object_or_404(Registrant.objects.select_related("seccional"), pk=registrant_id)
    context = {**admin.site.each_context(request), "registrant": registrant}
    if not registrant_visible_to(user, registrant):
        message = _(
            "El inscrito pertenece a la %(seccional)s y no tiene trámites abiertos en la suya: "
            "no puede consultar sus datos."
        ) % {"seccional": registrant.seccional.name}
        return render(
            request, "admin/rut_refused.html", {**context, "message": message}, status=403
        )
    form = AsOfDateForm(request.GET if "fecha" in request.GET else None)
    if form.is_valid():
        day = form.cleaned_data["fecha"]
        try:
            document = rut_as_of_pdf(registrant, on=day, today=timezone.localdate())
        except DomainError as exc:
            form.add_error("fecha", exc.message)
        else:
            log_data_access(
                user=user,
                registrant=registrant,
                what=_("Certificado del RUT al %(on)s") % {"on": day.strftime("%d/%m/%Y")},
            )
            response = FileResponse(
                document.file.open("rb"),
                content_type="application/pdf",
                filename=f"RUT-{registrant.nit or registrant.pk}-al-{day:%Y-%m-%d}.pdf",
            )
            response["Cache-Control"] = "private, no-store"
            return response
    return render(request, "documents/official_rut_as_of.html", {**context, "form": form})
