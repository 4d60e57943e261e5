"""What happens when a deadline falls due: a registry of named actions.

An action takes the locked Deadline and the sweep's `now`, does its work inside the caller's
transaction (deadlines.services.run_deadline) and returns a short Spanish note of what it did.
It must be idempotent: if the row says it already happened, it does nothing. It raises
SkipDeadline when there is nothing to do (the case moved on, data is missing) and Reschedule when
the term turns out to end later. Any other exception is recorded and retried with back-off.

Other apps add their own actions with the decorator, e.g. the citizen portal:

    @deadline_action("expire_activation_code")
    def expire_activation_code(deadline: Deadline, now: datetime) -> str: ...

and register them when their app is ready (import the module in AppConfig.ready()).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from deadlines import rules
from deadlines.models import Deadline
from procedures.models import Case
from registry.models import Registrant
from registry.services.provisional_nit import lapse_provisional_nit, provisional_nit_expires_on

logger = logging.getLogger(__name__)

Action = Callable[[Deadline, datetime], str]
_ACTIONS: dict[str, Action] = {}


class SkipDeadline(Exception):  # noqa: N818 (a signal, not an error)
    """Nothing to do when due; the reason is recorded on the deadline."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Reschedule(Exception):  # noqa: N818
    """The term ends later than the row said (e.g. the configuration changed)."""

    def __init__(self, due_at: datetime, reason: str) -> None:
        super().__init__(reason)
        self.due_at = due_at
        self.reason = reason


def deadline_action(name: str) -> Callable[[Action], Action]:
    """Register `function` as the action called `name`."""

    def register(function: Action) -> Action:
        if _ACTIONS.get(name, function) is not function:
            raise ValueError(f"deadline action {name!r} is already registered")
        _ACTIONS[name] = function
        return function

    return register


def action_for(name: str) -> Action | None:
    return _ACTIONS.get(name)


def registered_actions() -> list[str]:
    return sorted(_ACTIONS)


# --- Built-in actions -------------------------------------------------------------------------


def escalation_recipients(case: Case) -> list[User]:
    """Whom to tell when a case's term runs out: its official and the seccional's director;
    the central level when the seccional has no director with an email."""
    users = User.objects.filter(is_active=True).exclude(email="")
    directors = list(
        users.filter(
            official_profile__role=Role.DIRECTOR, official_profile__seccional_id=case.seccional_id
        ).order_by("pk")
    )
    if not directors:
        directors = list(users.filter(official_profile__role=Role.CENTRAL).order_by("pk"))
    recipients = {user.pk: user for user in directors}
    official = case.assigned_to
    if official is not None and official.is_active and official.email:
        recipients.setdefault(official.pk, official)
    return list(recipients.values())


@deadline_action(rules.ESCALATE)
def escalate(deadline: Deadline, now: datetime) -> str:
    """A case term ran out and its duty is not done: tell the director and the official."""
    from deadlines.services import schedule_notice

    if deadline.case_id is None:
        raise SkipDeadline(_("El término no está asociado a un trámite."))
    case = Case.objects.select_related("seccional", "assigned_to").get(pk=deadline.case_id)
    if rules.is_met(deadline.rule, case):
        raise SkipDeadline(
            _("El trámite %(number)s ya avanzó (estado «%(state)s»): no se escala.")
            % {"number": case.number, "state": case.get_state_display()}
        )
    recipients = escalation_recipients(case)
    subject = _("Término vencido: trámite %(number)s") % {"number": case.number}
    body = _(
        "El término para «%(rule)s» del trámite %(number)s (%(type)s) venció el %(due)s "
        "sin cumplirse.\n\nPlazo: %(term)s. Fundamento: %(basis)s.\nSeccional: %(seccional)s."
        "\n\nPor favor, tome las medidas necesarias."
    ) % {
        "rule": deadline.get_rule_display().lower(),
        "number": case.number,
        "type": case.get_case_type_display().lower(),
        "due": deadline.due_on.strftime("%d/%m/%Y") if deadline.due_on else "",
        "term": deadline.term,
        "basis": deadline.legal_basis,
        "seccional": case.seccional.name,
    }
    for user in recipients:
        schedule_notice(
            key=f"deadline:{deadline.pk}:{user.email}",
            to=user.email,
            subject=subject,
            body=body,
            case=case,
        )
    if not recipients:
        logger.warning("Deadline %s: nobody with an email to escalate to", deadline.pk)
        return _("Vencido sin cumplir; no hay director ni funcionario con correo para avisar.")
    return _("Vencido sin cumplir; escalado a %(who)s.") % {
        "who": ", ".join(user.get_full_name() or user.username for user in recipients)
    }


@deadline_action(rules.LAPSE_PROVISIONAL_NIT)
def lapse(deadline: Deadline, now: datetime) -> str:
    """Fifteen days without the bank certificate: the provisional NIT loses validity (art. 10)."""
    from deadlines.services import schedule_notice

    if deadline.registrant_id is None:
        raise SkipDeadline(_("El término no está asociado a un inscrito."))
    registrant = Registrant.objects.get(pk=deadline.registrant_id)
    today = timezone.localdate(now)
    if not lapse_provisional_nit(registrant, today=today):
        registrant.refresh_from_db()
        if registrant.state != Registrant.State.PROVISIONAL:
            raise SkipDeadline(
                _("El inscrito ya no tiene NIT provisional (estado «%(state)s»).")
                % {"state": registrant.get_state_display()}
            )
        expires = provisional_nit_expires_on(registrant)
        if expires is None:
            raise SkipDeadline(_("El inscrito no tiene fecha de expedición del NIT provisional."))
        raise Reschedule(
            rules.end_of_day(expires),
            _("El NIT provisional vence el %(date)s.") % {"date": expires.strftime("%d/%m/%Y")},
        )
    registrant.refresh_from_db()
    if registrant.email:
        schedule_notice(
            key=f"deadline:{deadline.pk}:{registrant.email}",
            to=registrant.email,
            subject=_("Su NIT provisional %(nit)s perdió validez") % {"nit": registrant.nit},
            body=_(
                "Señores %(name)s:\n\nEl NIT provisional %(nit)s se expidió el %(issued)s y "
                "debía activarse dentro de los %(term)s siguientes con la certificación de la "
                "cuenta bancaria (Decreto 2460 de 2013, art. 10 lit. a). Como no se presentó, "
                "el NIT provisional perdió validez. Para operar debe inscribirse de nuevo."
            )
            % {
                "name": registrant.display_name,
                "nit": registrant.formatted_nit,
                "issued": deadline.starts_on.strftime("%d/%m/%Y") if deadline.starts_on else "",
                "term": deadline.term,
            },
            registrant=registrant,
        )
        return _("NIT provisional sin validez; se avisó a %(email)s.") % {"email": registrant.email}
    return _("NIT provisional sin validez; el inscrito no tiene correo para avisarle.")


@deadline_action(rules.NOTIFY_LIFT_ELIGIBLE)
def notify_lift_eligible(deadline: Deadline, now: datetime) -> str:
    """Five years of suspension for a fictitious supplier or exporter are over (art. 15 par. 1)."""
    from deadlines.services import schedule_notice

    if deadline.registrant_id is None:
        raise SkipDeadline(_("El término no está asociado a un inscrito."))
    registrant = Registrant.objects.get(pk=deadline.registrant_id)
    if registrant.state != Registrant.State.SUSPENDED:
        raise SkipDeadline(
            _("El inscrito ya no está suspendido (estado «%(state)s»).")
            % {"state": registrant.get_state_display()}
        )
    if not registrant.email:
        return _("Ya puede levantarse la suspensión; el inscrito no tiene correo para avisarle.")
    schedule_notice(
        key=f"deadline:{deadline.pk}:{registrant.email}",
        to=registrant.email,
        subject=_("Ya puede solicitar el levantamiento de la suspensión del RUT"),
        body=_(
            "Señores %(name)s:\n\nSe cumplieron cinco años de la suspensión de su inscripción en "
            "el RUT (NIT %(nit)s) por %(cause)s. Desde el %(date)s puede solicitar el "
            "levantamiento acreditando los documentos para la actualización (Decreto 2460 de "
            "2013, art. 15 par. 1)."
        )
        % {
            "name": registrant.display_name,
            "nit": registrant.formatted_nit,
            "cause": deadline.case.get_cause_display().lower() if deadline.case else "",
            "date": deadline.due_on.strftime("%d/%m/%Y") if deadline.due_on else "",
        },
        registrant=registrant,
    )
    return _("Ya puede levantarse la suspensión; se avisó a %(email)s.") % {
        "email": registrant.email
    }


@deadline_action(rules.SEND_EMAIL)
def send_email(deadline: Deadline, now: datetime) -> str:
    """Send the email stored in the payload (notices, reminders)."""
    to, subject, body = (deadline.payload.get(k) for k in ("to", "subject", "body"))
    if not to or not subject:
        raise SkipDeadline(_("El aviso no tiene destinatario o asunto."))
    # Sent inside the deadline's transaction: if the commit is lost, the email goes out again
    # (at least once); it is never lost.
    send_mail(subject, body or "", None, [to])
    return _("Enviado a %(to)s.") % {"to": to}
