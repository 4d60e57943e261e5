"""The inbox of notices of the official's seccional: open each one (its PDF) and acknowledge it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.scope import is_central
from backoffice.views.common import PROCESS, actor, admin_site_context, refused
from procedures.models import NOTICE_KINDS, Communication
from procedures.selectors import notice_in_scope, seccional_notices
from procedures.services import notices
from rut_portal.errors import DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

NOTICES_URL = "admin:procedures_communication_changelist"


def notices_view(model_admin: ModelAdmin[Communication], request: HttpRequest) -> HttpResponse:
    """Notices addressed to the seccional, those still to acknowledge first."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    rows = list(seccional_notices(request.user)[:200])
    return TemplateResponse(
        request,
        "admin/procedures/communication/notices.html",
        {
            **admin_site_context(request, Communication),
            "title": _("Avisos de seccionales"),
            "notices": rows,
            "pending": sum(1 for n in rows if not hasattr(n, "acknowledgment")),
            "central": is_central(request.user),
            "can_acknowledge": request.user.has_perm(PROCESS),
            "pdf_available": apps.is_installed("documents"),
        },
    )


def _load(request: HttpRequest, object_id: str) -> Communication | HttpResponse:
    notice = get_object_or_404(
        Communication.objects.select_related("case", "seccional"),
        pk=object_id,
        kind__in=NOTICE_KINDS,
    )
    if not notice_in_scope(request.user, notice):
        return refused(
            request,
            _("El aviso está dirigido a la %(s)s; usted no puede abrirlo.")
            % {"s": notice.seccional.name if notice.seccional else "—"},
            opts=Communication._meta,
        )
    return notice


def notice_pdf_view(
    model_admin: ModelAdmin[Communication], request: HttpRequest, object_id: str
) -> HttpResponse:
    """POST: render (once) the notice's PDF and open it."""
    if request.method != "POST":
        return HttpResponseRedirect(reverse(NOTICES_URL))
    if not apps.is_installed("documents"):
        raise Http404
    from documents import services as documents

    loaded = _load(request, object_id)
    if isinstance(loaded, HttpResponse):
        return loaded
    stored = documents.communication_pdf(loaded)
    return HttpResponseRedirect(reverse("documents:download", args=[stored.code]))


def acknowledge_notice_view(
    model_admin: ModelAdmin[Communication], request: HttpRequest, object_id: str
) -> HttpResponse:
    """POST: acknowledge the notice on behalf of the seccional."""
    back = reverse(NOTICES_URL)
    if request.method != "POST":
        return HttpResponseRedirect(back)
    loaded = _load(request, object_id)
    if isinstance(loaded, HttpResponse):
        return loaded
    try:
        notices.acknowledge_notice(loaded, by=actor(request))
    except NotAllowed as error:
        return refused(request, error.message, opts=Communication._meta)
    except DomainError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(back)
    messages.success(
        request,
        _("Acusó recibo del aviso del trámite %(n)s.") % {"n": loaded.case.number},
    )
    return HttpResponseRedirect(f"{back}#aviso-{loaded.pk}")
