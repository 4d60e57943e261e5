"""The videoatención agenda of the official's seccional: the days' appointments, one
appointment's page, attended / no-show, and the case started from an appointment."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scope import can_act_in, is_central
from backoffice.views.common import PROCESS, actor, admin_site_context, refused
from portal.models import Appointment
from portal.services import agenda
from portal.services.appointments import DAYS_AHEAD
from registry.services.data_access import log_data_access
from rut_portal.errors import DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    from procedures.models import Case, Petition


class CloseAppointmentForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Observación (opcional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )


def agenda_url(appointment: Appointment | None = None) -> str:
    if appointment is None:
        return reverse("admin:portal_appointment_changelist")
    return reverse("admin:portal_appointment_change", args=[appointment.pk])


def agenda_view(model_admin: ModelAdmin[Appointment], request: HttpRequest) -> HttpResponse:
    """Today's and the coming days' appointments of the official's seccional, by day."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    today = timezone.localdate()
    rows = list(agenda.agenda_of(request.user, day=today, days=DAYS_AHEAD + 1))
    days = [
        (day, list(items))
        for day, items in groupby(rows, key=lambda a: timezone.localdate(a.slot.starts_at))
    ]
    return TemplateResponse(
        request,
        "admin/portal/appointment/agenda.html",
        {
            **admin_site_context(request, Appointment),
            "title": _("Agenda de videoatención"),
            "today": today,
            "days": days,
            "central": is_central(request.user),
            "can_attend": request.user.has_perm(PROCESS),
        },
    )


def _load(request: HttpRequest, object_id: str) -> Appointment | HttpResponse:
    appointment = get_object_or_404(
        Appointment.objects.select_related(
            "slot__seccional", "account__registrant", "account__document_type", "case", "closed_by"
        ),
        pk=object_id,
    )
    if not can_act_in(request.user, appointment.slot.seccional_id):
        return refused(
            request,
            _("La cita es de la %(s)s; usted no puede verla ni atenderla.")
            % {"s": appointment.slot.seccional.name},
            opts=Appointment._meta,
        )
    return appointment


def appointment_view(
    model_admin: ModelAdmin[Appointment], request: HttpRequest, object_id: str
) -> HttpResponse:
    """One appointment: the citizen, the reason, the call, and what the official may do."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    loaded = _load(request, object_id)
    if isinstance(loaded, HttpResponse):
        return loaded
    appointment = loaded
    registrant = appointment.account.registrant
    if registrant is not None:
        log_data_access(
            user=actor(request),
            registrant=registrant,
            what=_("Cita de videoatención %(n)s") % {"n": appointment.pk},
        )
    can_attend = request.user.has_perm(PROCESS)
    booked = appointment.state == Appointment.State.BOOKED
    return TemplateResponse(
        request,
        "admin/portal/appointment/appointment.html",
        {
            **admin_site_context(request, Appointment),
            "title": _("Cita de videoatención"),
            "appointment": appointment,
            "account": appointment.account,
            "registrant": registrant,
            "case_type_label": _case_type_label(appointment),
            "can_close": can_attend and booked,
            "can_start_case": can_attend
            and appointment.case_id is None
            and appointment.state in (Appointment.State.BOOKED, Appointment.State.ATTENDED),
            "close_form": CloseAppointmentForm(),
            "start_url": start_url(appointment),
            "starts_inscription": agenda.starts_inscription(appointment),
        },
    )


def start_url(appointment: Appointment) -> str:
    """Where "Iniciar trámite" leads: the assisted inscription for an inscription, else
    "Recibir un trámite"; both receive the appointment as ?cita= and link the case to it."""
    name = (
        "admin:procedures_case_inscription"
        if agenda.starts_inscription(appointment)
        else "admin:procedures_case_add"
    )
    return f"{reverse(name)}?cita={appointment.pk}"


def _case_type_label(appointment: Appointment) -> str:
    from procedures.models import CaseType

    case_type, withdrawal = agenda.CASE_TYPE_BY_REASON[appointment.reason]
    label = str(CaseType(case_type).label)
    return f"{label} ({_('retiro')} {withdrawal})" if withdrawal else label


def close_appointment_view(
    model_admin: ModelAdmin[Appointment], request: HttpRequest, object_id: str, outcome: str
) -> HttpResponse:
    """POST: mark the appointment attended ("atendida") or no-show ("no-asistio")."""
    back = reverse("admin:portal_appointment_change", args=[object_id])
    if request.method != "POST":
        return HttpResponseRedirect(back)
    loaded = _load(request, object_id)
    if isinstance(loaded, HttpResponse):
        return loaded
    if not request.user.has_perm(PROCESS):
        return refused(request, _("Su rol no atiende citas."), opts=Appointment._meta)
    form = CloseAppointmentForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        agenda.close_appointment(
            loaded, by=actor(request), attended=outcome == "atendida", note=note
        )
    except NotAllowed as error:
        return refused(request, error.message, opts=Appointment._meta)
    except DomainError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(back)
    if outcome == "atendida":
        messages.success(request, _("Cita marcada como atendida."))
    else:
        messages.success(request, _("Cita marcada como no asistida."))
    return HttpResponseRedirect(back)


# --- "Recibir un trámite" started from an appointment --------------------------------------


def appointment_for_intake(request: HttpRequest) -> Appointment | HttpResponse | None:
    """The appointment named by ?cita= on "Recibir un trámite", if any and in scope."""
    value = request.GET.get("cita", "")
    if not value:
        return None
    if not value.isdigit():
        return refused(request, _("La cita indicada no existe."), opts=Appointment._meta)
    return _load(request, value)


def intake_initial(appointment: Appointment | None) -> dict[str, Any] | None:
    return agenda.case_prefill(appointment) if appointment is not None else None


def inscription_initial(appointment: Appointment | None) -> dict[str, Any] | None:
    return agenda.inscription_prefill(appointment) if appointment is not None else None


def link_received(
    request: HttpRequest, appointment: Appointment | None, received: Case | Petition
) -> None:
    """Record on the appointment the case received from it (a petition links nothing)."""
    from procedures.models import Case

    if appointment is not None and isinstance(received, Case):
        agenda.link_case(appointment, case=received, by=actor(request))
