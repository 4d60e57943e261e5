"""The officials' side of videoatención: the seccional's agenda, attendance, and the case
started from an appointment.

Assisted attention by video is one of the channels by which an official attends a citizen
(procedure, "Atención asistida por servidor público"; DIAN self-service bulletin, 2022). Each
appointment an official closes (attended or no-show) and each case started from one is audited.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import can_act_in, scope_to_seccional
from portal.models import Appointment, AppointmentReason
from procedures.models import Case, CaseType, Cause, Channel, Mode, RequesterKind
from registry.models import PersonType, RegistrantKind
from registry.responsibilities import CONSUMPTION_TAX, VAT
from registry.services.common import record_audit
from rut_portal.errors import Conflict, DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

LEGAL_BASIS = "Procedimiento RUT: atención asistida por servidor público (video atención)"
PROCESS = "procedures.process_case"

# The case an official starts from an appointment, by its reason (the bulletin's cases). A
# retiro de IVA or del impuesto al consumo is an actualización marked as that withdrawal.
CASE_TYPE_BY_REASON: dict[str, tuple[str, str]] = {
    AppointmentReason.INSCRIPTION: (CaseType.REGISTRATION, ""),
    AppointmentReason.TECHNICAL_FAILURE: (CaseType.REGISTRATION, ""),
    AppointmentReason.IDENTIFICATION: (CaseType.UPDATE, ""),
    AppointmentReason.RESPONSIBILITIES: (CaseType.UPDATE, ""),
    AppointmentReason.CUSTOMS: (CaseType.UPDATE, ""),
    AppointmentReason.VAT_WITHDRAWAL: (CaseType.UPDATE, VAT),
    AppointmentReason.CONSUMPTION_WITHDRAWAL: (CaseType.UPDATE, CONSUMPTION_TAX),
    AppointmentReason.CANCELLATION: (CaseType.CANCELLATION_ON_REQUEST, ""),
    AppointmentReason.ACCOUNT_ACCESS: (CaseType.UPDATE, ""),
}


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def agenda_of(user: User | AnonymousUser, *, day: date, days: int = 1) -> QuerySet[Appointment]:
    """The appointments of the official's seccional from `day` on, for `days` days."""
    start = _day_start(day)
    rows = Appointment.objects.filter(
        slot__starts_at__gte=start, slot__starts_at__lt=start + timedelta(days=days)
    ).exclude(state=Appointment.State.CANCELLED)
    return (
        scope_to_seccional(rows, user, field="slot__seccional_id")
        .select_related("slot__seccional", "account__registrant", "account__document_type", "case")
        .order_by("slot__starts_at", "id")
    )


def _lock_in_scope(appointment: Appointment, by: User) -> Appointment:
    locked = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot__seccional", "account__registrant")
        .get(pk=appointment.pk)
    )
    if not (can_act_in(by, locked.slot.seccional_id) and by.has_perm(PROCESS)):
        raise NotAllowed(
            _("La cita es de la %(s)s; solo la atienden funcionarios de esa seccional.")
            % {"s": locked.slot.seccional.name}
        )
    return locked


def _audit(appointment: Appointment, *, action: str, by: User, reason: str, case: str = "") -> None:
    record_audit(
        appointment.account.registrant,
        action=action,
        by=by,
        from_state="",
        to_state="",
        reason=reason,
        legal_basis=LEGAL_BASIS,
        case_number=case,
        changes={"appointment": appointment.pk, "state": appointment.state},
    )


@transaction.atomic
def close_appointment(
    appointment: Appointment, *, by: User, attended: bool, note: str = ""
) -> Appointment:
    """Mark a booked appointment attended or no-show (audited).

    No-show only once its time has come; attended from the start of its day (an official may
    take the call early). Refuses another seccional's appointment and one already closed.
    """
    appointment = _lock_in_scope(appointment, by)
    if appointment.state != Appointment.State.BOOKED:
        raise Conflict(
            _("La cita ya está «%(state)s».") % {"state": appointment.get_state_display()}
        )
    now = timezone.now()
    starts_at = appointment.slot.starts_at
    if not attended and now < starts_at:
        raise DomainError(
            _("La cita es a las %(t)s: solo puede marcarse como no asistida desde esa hora.")
            % {"t": timezone.localtime(starts_at).strftime("%H:%M")}
        )
    if attended and now < _day_start(timezone.localdate(starts_at)):
        raise DomainError(_("La cita es de otro día: se atiende el día en que está agendada."))
    appointment.state = Appointment.State.ATTENDED if attended else Appointment.State.NO_SHOW
    appointment.closed_by, appointment.closed_at = by, now
    appointment.save(update_fields=["state", "closed_by", "closed_at"])
    action = "appointment_attended" if attended else "appointment_no_show"
    _audit(appointment, action=action, by=by, reason=note)
    return appointment


@transaction.atomic
def link_case(appointment: Appointment, *, case: Case, by: User) -> Appointment:
    """Record the case started from an appointment; a booked one becomes attended (audited)."""
    appointment = _lock_in_scope(appointment, by)
    if appointment.state not in (Appointment.State.BOOKED, Appointment.State.ATTENDED):
        raise Conflict(
            _("La cita está «%(state)s»: no se inicia un trámite desde ella.")
            % {"state": appointment.get_state_display()}
        )
    if appointment.case_id is not None:
        raise Conflict(
            _("Desde esta cita ya se inició el trámite %(n)s.") % {"n": appointment.case}
        )
    registrant = appointment.account.registrant
    if registrant is not None and case.registrant_id != registrant.pk:
        raise DomainError(
            _("El trámite no es del inscrito de la cita (%(who)s).")
            % {"who": registrant.display_name},
            field="registrant_nit",
        )
    fields = ["case"]
    appointment.case = case
    if appointment.state == Appointment.State.BOOKED:
        appointment.state = Appointment.State.ATTENDED
        appointment.closed_by, appointment.closed_at = by, timezone.now()
        fields += ["state", "closed_by", "closed_at"]
    appointment.save(update_fields=fields)
    _audit(
        appointment,
        action="appointment_case_started",
        by=by,
        reason=_("Trámite iniciado desde la cita de videoatención."),
        case=case.number,
    )
    return appointment


def case_prefill(appointment: Appointment) -> dict[str, str]:
    """What "Recibir un trámite" starts with for an appointment: the citizen, the video
    channel and the case type its reason asks for."""
    case_type, withdrawal = CASE_TYPE_BY_REASON[appointment.reason]
    account = appointment.account
    registrant = account.registrant
    return {
        "case_type": case_type,
        "mode": Mode.ASSISTED,
        "channel": Channel.VIDEO,
        "cause": Cause.INSCRITO_REQUEST if case_type != CaseType.CANCELLATION_ON_REQUEST else "",
        "registrant_nit": registrant.formatted_nit if registrant else "",
        "requester_kind": RequesterKind.USER,
        "requester_name": account.full_name,
        "requester_email": account.email,
        "withdrawal": withdrawal,
        "facts": appointment.notes,
    }


def starts_inscription(appointment: Appointment) -> bool:
    """Whether the appointment's reason asks for an inscription (received on the assisted
    inscription page, the whole Formulario 001, not on "Recibir un trámite")."""
    return CASE_TYPE_BY_REASON[appointment.reason][0] == CaseType.REGISTRATION


def inscription_prefill(appointment: Appointment) -> dict[str, str]:
    """What the assisted inscription starts with for an appointment: the citizen's account as a
    persona natural (document, names and surnames, email and mobile), who files it, and the
    detail the citizen wrote when booking. The official confirms or changes every field."""
    account = appointment.account
    first_name, _space, other_names = account.first_name.strip().partition(" ")
    first_surname, _space, second_surname = account.last_name.strip().partition(" ")
    return {
        "kind": RegistrantKind.NATURAL_PERSON,
        "person_type": PersonType.NATURAL,
        "document_type": account.document_type_id,
        "document_number": account.document_number,
        "first_name": first_name.upper(),
        "other_names": other_names.strip().upper(),
        "first_surname": first_surname.upper(),
        "second_surname": second_surname.strip().upper(),
        "email": account.email,
        "phone_1": account.mobile,
        "requester_name": account.full_name,
        "requester_email": account.email,
    }
