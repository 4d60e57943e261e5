"""The case page: facts, deadlines, timeline, documents, communications; and receiving a case."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scope import can_act_in
from backoffice import forms as f
from backoffice.views.actions import attach_if_given, offered_actions
from backoffice.views.agenda import appointment_for_intake, intake_initial, link_received
from backoffice.views.common import (
    UNDECIDED_STATES,
    actor,
    admin_context,
    case_url,
    load_case,
    put_errors_on_form,
    refused,
    scope_refusal,
)
from deadlines.selectors import due_day
from procedures.models import (
    Case,
    CaseDocument,
    CaseType,
    Communication,
    Mode,
    OfficialFormat,
    Petition,
    Referral,
    VerificationVisit,
)
from procedures.selectors import registrant_visible_to
from procedures.services import (
    intake,
    petitions,
    requirements,
)
from registry.models import Registrant
from registry.nit import InvalidNit
from registry.selectors import registrant_by_nit
from registry.validation import RegistrantData, data_from_registrant
from rut_portal.errors import DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

# --- The case page -----------------------------------------------------------------------------


def _stored_documents(case: Case) -> dict[str, dict[int, Any]]:
    """Rendered PDFs of the case by source, when the documents app is installed."""
    from django.apps import apps

    found: dict[str, dict[int, Any]] = {"format": {}, "communication": {}}
    if not apps.is_installed("documents"):
        return found
    from documents.selectors import documents_of_case

    for document in documents_of_case(case.pk):
        if document.official_format_id:
            found["format"].setdefault(document.official_format_id, document)
        elif document.communication_id:
            found["communication"].setdefault(document.communication_id, document)
    return found


def _deadlines(case: Case) -> tuple[list[Any], bool]:
    """The case's legal terms from the deadlines app, or (None) when it is not installed."""
    from django.apps import apps

    if not apps.is_installed("deadlines"):
        return [], False
    from deadlines.selectors import case_deadlines

    return case_deadlines(case), True


def case_page_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    user = request.user
    offered = offered_actions(case, user)
    stored = _stored_documents(case)
    deadlines, has_deadlines_app = _deadlines(case)
    registrant = case.registrant

    return {
        "case": case,
        "actions": [a for a in offered if "case" in a.groups],
        "assignment_actions": [a for a in offered if "assignment" in a.groups],
        "record_actions": [a for a in offered if "record" in a.groups],
        "steps": [
            (step, _state_label(step.from_state), _state_label(step.to_state), _step_details(step))
            for step in case.steps.select_related("actor").order_by("at", "id")
        ],
        "documents": case.documents.select_related("uploaded_by").order_by("uploaded_at", "id"),
        "formats": [
            (fmt, stored["format"].get(fmt.pk))
            for fmt in case.formats.select_related("created_by").order_by("created_at", "id")
        ],
        "communications": [
            (c, stored["communication"].get(c.pk))
            for c in case.communications.select_related("seccional").order_by("id")
        ],
        "pdf_available": _documents_installed(),
        "deadlines": deadlines,
        "has_deadlines_app": has_deadlines_app,
        "due": due_day(case.due_on),
        "is_undecided": case.state in UNDECIDED_STATES,
        "checklist": requirements.checklist(case) if requirements.needs_checklist(case) else [],
        "visits": case.visits.order_by("id"),
        "referrals": case.referrals.order_by("-created_at"),
        "obligations": (
            registrant.pending_obligations.order_by("resolved_at", "recorded_at")
            if registrant is not None and case.case_type == CaseType.CANCELLATION_ON_REQUEST
            else []
        ),
        "registrant_visible": registrant is not None and registrant_visible_to(user, registrant),
        "prepared_by_me": case.state == Case.State.AWAITING_APPROVAL
        and case.prepared_by_id == user.pk
        and user.has_perm("procedures.approve_cancellation"),
        "in_scope": can_act_in(user, case.seccional_id),
        "appointments": case.appointments.select_related("slot").order_by("id"),
    }


def _state_label(value: str) -> str:
    return str(Case.State(value).label) if value in Case.State.values else value


# How the timeline reads the details the services record with a step.
_DETAIL_LABELS = {
    "channel": gettext_lazy("canal"),
    "refiled_from": gettext_lazy("radicado antes como"),
    "from": gettext_lazy("de"),
    "to": gettext_lazy("a"),
    "format_1767": gettext_lazy("Formato 1767"),
    "format": gettext_lazy("formato"),
    "kind": gettext_lazy("tipo"),
    "code": gettext_lazy("requisito"),
    "status": gettext_lazy("resultado"),
    "result": gettext_lazy("resultado"),
    "scheduled_for": gettext_lazy("programada para"),
}
_DETAIL_VALUES = {
    "channel": dict(Case._meta.get_field("channel").choices or []),
    "kind": {**dict(CaseDocument.Kind.choices), **dict(Referral.Kind.choices)},
    "status": {"met": gettext_lazy("cumplido"), "not_met": gettext_lazy("no cumplido")},
    "result": dict(VerificationVisit.Result.choices),
}


def _step_details(step: Any) -> str:
    parts = []
    for key, label in _DETAIL_LABELS.items():
        value = step.details.get(key)
        if value in (None, "", []):
            continue
        shown = _DETAIL_VALUES.get(key, {}).get(value, value)
        parts.append(f"{label}: {shown}")
    if step.details.get("communications"):
        parts.append(_("%(n)s comunicación(es)") % {"n": len(step.details["communications"])})
    return "; ".join(parts)


def _documents_installed() -> bool:
    from django.apps import apps

    return apps.is_installed("documents")


def case_document_view(
    model_admin: ModelAdmin[Case], request: HttpRequest, object_id: str, document_id: str
) -> HttpResponseBase:
    """A supporting document of a case, for officials who may see the case."""
    case = load_case(object_id)
    if not can_act_in(request.user, case.seccional_id):
        return refused(request, scope_refusal(case), case=case)
    document = get_object_or_404(CaseDocument, pk=document_id, case=case)
    name = (document.file.name or "").rsplit("/", 1)[-1]
    response = FileResponse(document.file.open("rb"), filename=name)
    response["Cache-Control"] = "private, no-store"
    return response


def case_pdf_view(
    model_admin: ModelAdmin[Case],
    request: HttpRequest,
    object_id: str,
    source: str,
    source_id: str,
) -> HttpResponse:
    """Render (once) the PDF of a format or a communication of the case and open it."""
    if request.method != "POST":
        return HttpResponseRedirect(case_url(int(object_id)))
    if not _documents_installed():
        raise Http404
    from documents import services as documents

    case = load_case(object_id)
    if not can_act_in(request.user, case.seccional_id):
        return refused(request, scope_refusal(case), case=case)
    if source == "formato":
        fmt = get_object_or_404(OfficialFormat, pk=source_id, case=case)
        stored = documents.official_format_pdf(fmt)
    elif source == "comunicacion":
        communication = get_object_or_404(Communication, pk=source_id, case=case)
        stored = documents.communication_pdf(communication)
    else:
        raise Http404
    return HttpResponseRedirect(reverse("documents:download", args=[stored.code]))


# --- Receiving a case (the admin's "add") --------------------------------------------------


def receive_case_view(model_admin: ModelAdmin[Case], request: HttpRequest) -> HttpResponse:
    """Activity 1: receive a request; an unauthorised channel makes it a PQSRD petition."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    appointment = appointment_for_intake(request)
    if isinstance(appointment, HttpResponse):
        return appointment
    posted = request.method == "POST"
    form = f.ReceiveCaseForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=intake_initial(appointment),
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                received = _receive(request, data)
                link_received(request, appointment, received)
        except InvalidNit as error:
            form.add_error("registrant_nit", error.message)
        except NotAllowed as error:
            return refused(request, error.message)
        except DomainError as error:
            put_errors_on_form(form, error)
            messages.error(request, error.message)
        else:
            if isinstance(received, Petition):
                messages.warning(
                    request,
                    _(
                        "El canal no está autorizado para ese trámite: se radicó como la petición "
                        "%(n)s y se le avisó al solicitante."
                    )
                    % {"n": received.number},
                )
                return HttpResponseRedirect(
                    reverse("admin:procedures_petition_change", args=[received.pk])
                )
            assert isinstance(received, Case)
            messages.success(request, _("Trámite %(n)s recibido.") % {"n": received.number})
            return HttpResponseRedirect(case_url(received))
    return TemplateResponse(
        request,
        "admin/procedures/case/receive.html",
        {
            **admin_context(request),
            "title": _("Recibir un trámite"),
            "form": form,
            "appointment": appointment,
            "media": model_admin.media + form.media,
        },
    )


def _update_proposal(data: dict[str, Any], registrant: Registrant) -> RegistrantData | None:
    """An actualización received at the desk starts from the record as it is: the official
    changes it on the case page (Formato 1767), with the inscrito's support in hand."""
    if data["case_type"] != CaseType.UPDATE or data["withdrawal"]:
        return None
    return data_from_registrant(registrant)


def _receive(request: HttpRequest, data: dict[str, Any]) -> Case | Petition:
    registrant = registrant_by_nit(data["registrant_nit"])
    if registrant is None:
        raise DomainError(_("No hay un inscrito con ese NIT."), field="registrant_nit")
    received = petitions.receive_request(
        intake.CaseRequest(
            case_type=data["case_type"],
            channel=data["channel"],
            cause=data["cause"],
            requester_kind=data["requester_kind"],
            requester_name=data["requester_name"],
            requester_email=data["requester_email"],
            registrant=registrant,
            mode=data["mode"] or Mode.EX_OFFICIO,
            act_number=data["act_number"],
            act_date=data["act_date"],
            act_issuer=data["act_issuer"],
            act_is_final=data["act_is_final"],
            act_term_days=data["act_term_days"],
            facts=data["facts"],
            fact_date=data["fact_date"],
            withdrawal=data["withdrawal"],
            data=_update_proposal(data, registrant),
        ),
        by=actor(request),
    )
    if isinstance(received, Case):
        attach_if_given(request, received, data)
    return received
