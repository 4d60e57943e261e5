"""PDF downloads for the citizen: their RUT copy, form versions, letters and resolutions.

The documents app renders and stores each PDF once per content; the first download of a
version renders it (about half a second a page), later ones serve the stored file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal import selectors
from portal.models import CitizenAccount
from portal.views.common import add_domain_error, citizen_required
from procedures.models import Case, CaseType, Decision, OfficialFormat
from rut_portal.errors import DomainError

if TYPE_CHECKING:
    from documents.models import StoredDocument

# Formats a citizen receives; 1767 and 1271 are internal working papers.
CITIZEN_FORMATS = (OfficialFormat.Kind.F1529,)
# How often the "preparando" page asks again for a PDF being rendered (about a second a page).
PREPARING_REFRESH_SECONDS = 2


def _serve(document: StoredDocument, filename: str) -> FileResponse:
    handle = document.file.open("rb")
    return FileResponse(
        handle, content_type="application/pdf", as_attachment=False, filename=filename
    )


@require_GET
@citizen_required
def rut_pdf(request: HttpRequest, account: CitizenAccount) -> HttpResponseBase:
    """Copia del RUT: the current Formulario 001 with the "Copia Certificado" legend (art. 19).

    Never rendered inside the request: each new version is rendered ahead on the pdf queue
    (documents.signals). One not rendered yet (a bulk batch's) is queued now, and a page that
    reloads itself every few seconds waits for it (a meta refresh: the CSP allows no script).
    """
    from documents.services import stored_formulario_001_pdf
    from documents.tasks import request_formulario_001

    registrant = account.registrant
    if registrant is None:
        raise Http404
    version = selectors.current_form_version(registrant)
    if version is None:
        raise Http404
    document = stored_formulario_001_pdf(version, copy=True)
    if document is None:
        request_formulario_001(version.pk, copy=True)
        # Rendered already when tasks run in-process (no worker: the embedded default).
        document = stored_formulario_001_pdf(version, copy=True)
    if document is None:
        return render(
            request,
            "portal/preparing_pdf.html",
            {"account": account, "refresh_seconds": PREPARING_REFRESH_SECONDS},
            status=202,
        )
    return _serve(document, f"RUT-{registrant.nit or version.form_number}.pdf")


@require_GET
@citizen_required
def form_version_pdf(
    request: HttpRequest, account: CitizenAccount, form_number: str
) -> FileResponse:
    from documents.services import formulario_001_pdf

    registrant = account.registrant
    if registrant is None:
        raise Http404
    version = registrant.form_versions.filter(form_number=form_number).first()
    if version is None:
        raise Http404
    return _serve(formulario_001_pdf(version, copy=True), f"formulario-001-{form_number}.pdf")


@require_GET
@citizen_required
def rut_as_of(request: HttpRequest, account: CitizenAccount) -> HttpResponseBase:
    """The RUT as it stood on a chosen day: a certificate of the version then in force."""
    from documents.services import rut_as_of_pdf
    from portal.verification.forms import AsOfDateForm

    registrant = account.registrant
    if registrant is None:
        return render(request, "portal/no_rut.html", {"account": account})
    form = AsOfDateForm(request.GET if "fecha" in request.GET else None)
    if form.is_valid():
        day = form.cleaned_data["fecha"]
        try:
            document = rut_as_of_pdf(registrant, on=day, today=timezone.localdate())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _serve(document, f"RUT-{registrant.nit or 'sin-nit'}-al-{day:%Y-%m-%d}.pdf")
    versions = selectors.form_versions(registrant)
    return render(
        request,
        "portal/rut_as_of.html",
        {"account": account, "registrant": registrant, "form": form, "versions": versions},
    )


@require_GET
@citizen_required
def communication_pdf(request: HttpRequest, account: CitizenAccount, pk: int) -> FileResponse:
    from documents.services import communication_pdf as render

    communication = next((c for c in selectors.inbox(account) if c.pk == pk), None)
    if communication is None:
        raise Http404
    return _serve(render(communication), f"comunicacion-{communication.case.number}.pdf")


@require_GET
@citizen_required
def resolution_pdf(request: HttpRequest, account: CitizenAccount, number: str) -> FileResponse:
    from documents.services import cancellation_resolution_pdf

    case = selectors.cases_of(account).filter(number=number).first()
    if case is None or not is_granted_cancellation(case):
        raise Http404
    return _serve(cancellation_resolution_pdf(case), f"resolucion-{case.number}.pdf")


@require_GET
@citizen_required
def format_pdf(request: HttpRequest, account: CitizenAccount, number: str) -> FileResponse:
    from documents.services import official_format_pdf

    official_format = OfficialFormat.objects.filter(
        number=number, kind__in=CITIZEN_FORMATS, case__in=selectors.cases_of(account).values("pk")
    ).first()
    if official_format is None:
        raise Http404
    return _serve(official_format_pdf(official_format), f"formato-{number}.pdf")


def is_granted_cancellation(case: Case) -> bool:
    return (
        case.case_type
        in (
            CaseType.CANCELLATION_ON_REQUEST,
            CaseType.CANCELLATION_EX_OFFICIO,
        )
        and case.decision == Decision.GRANTED
    )
