"""Public verification of documents by code, and the download of stored PDFs for officials."""

from __future__ import annotations

import logging

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from documents.codes import display_code
from documents.forms import VerificationCodeForm
from documents.selectors import (
    can_download,
    current_state_label,
    document_by_code,
    verify_document,
)

logger = logging.getLogger(__name__)


@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    """Type the code printed on the document; a valid code goes to its verification page."""
    form = VerificationCodeForm(request.GET if "codigo" in request.GET else None)
    if form.is_valid():
        return redirect("documents:verify", code=form.cleaned_data["codigo"])
    return render(request, "documents/verify_form.html", {"form": form})


@require_GET
@never_cache
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """The page the QR code opens: public facts of the document and whether its file is intact."""
    document = document_by_code(code)
    if document is None:
        return render(
            request,
            "documents/not_found.html",
            {"code": code[:30], "form": VerificationCodeForm()},
            status=404,
        )
    if document.code != code:  # typed by hand: show the canonical address
        return redirect("documents:verify", code=document.code)
    verification = verify_document(document)
    if not verification.is_intact:
        logger.warning("documents: stored file of %s is %s", document.code, verification.integrity)
    return render(
        request,
        "documents/verify.html",
        {
            "document": document,
            "verification": verification,
            "code_display": display_code(document.code),
            "can_download": can_download(request.user, document),
            "current_state": current_state_label(document),
        },
    )


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
        return render(
            request,
            "documents/verify.html",
            {
                "document": document,
                "verification": verification,
                "code_display": display_code(document.code),
                "can_download": False,
            },
            status=409,
        )
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=request.GET.get("descargar") == "1",
        filename=f"{document.kind}-{document.number}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
