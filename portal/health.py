"""'Salud de mi RUT': warnings shown on the Mi RUT home before DIAN's own rules hit the citizen.

`rut_health(account, today=...)` reads the record and returns the checks that fail, each with
its one-click fix or the procedure to follow. It writes nothing and reads no clock: "today" is
passed in. One function per check, in the order the panel shows them (most urgent first).

Why these five: a RUT without a confirmed email cannot receive DIAN's electronic notices (the
cause the issue cites of 3.96 million suspensions in 2024); an update is due within the month
after the fact (Decreto 2460 de 2013, art. 13); a provisional NIT lapses after its term (art. 10
lit. a); obligations found pending stay due after a reactivation; and a suspension is lifted
only by the procedure its cause sets (art. 15 and 16).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deadlines.rules import FICTITIOUS_CAUSES, fictitious_suspension_ends, update_due_on
from portal.models import AppointmentReason, CitizenAccount, PendingFiling
from procedures.models import Case, CaseType, Cause, Decision, PendingObligation
from registry.models import FormVersion, Registrant
from registry.services.provisional_nit import provisional_nit_expires_on

DANGER = "danger"
WARNING = "warning"
INFO = "info"


@dataclass(frozen=True)
class HealthCheck:
    """A failed check: what is wrong, what follows if nothing is done, and how to fix it."""

    code: str
    level: str
    title: str
    message: str
    action_label: str
    action_url: str
    # "post": a one-click fix (a form button); "get": a page with the procedure.
    action_method: str = "get"
    legal_basis: str = ""


def _appointment(reason: str) -> str:
    return f"{reverse('portal:appointment_new')}?motivo={reason}"


def _days(n: int) -> str:
    return ngettext("%(n)s día", "%(n)s días", n) % {"n": n}


def email_check(account: CitizenAccount, registrant: Registrant, today: date) -> HealthCheck | None:
    """The RUT's email must be the one the citizen confirmed: DIAN notifies there."""
    if registrant.state in (Registrant.State.CANCELLED, Registrant.State.LAPSED):
        return None  # no record left to notify about
    registered = registrant.email.strip().lower()
    if account.is_activated and registered and registered == account.email.strip().lower():
        return None
    if not account.is_activated:
        return HealthCheck(
            "email",
            DANGER,
            _("Su correo electrónico no está confirmado"),
            _("Confirme el correo de su cuenta para recibir las notificaciones de la DIAN."),
            _("Confirmar mi correo"),
            reverse("portal:email_change"),
        )
    message = (
        _(
            "El RUT registra el correo %(rut)s, que usted no ha confirmado. La DIAN le notifica "
            "sus actos y la suspensión del RUT a ese correo: regístrele el correo confirmado de "
            "su cuenta, %(mine)s."
        )
        if registered
        else _(
            "Su RUT no tiene correo electrónico. La DIAN le notifica sus actos y la suspensión "
            "del RUT por correo: regístrele el correo confirmado de su cuenta, %(mine)s."
        )
    ) % {"rut": registrant.email, "mine": account.email}
    return HealthCheck(
        "email",
        DANGER,
        _("Su RUT no tiene un correo electrónico confirmado"),
        message,
        _("Registrar %(email)s en el RUT") % {"email": account.email},
        reverse("portal:health_email_fix"),
        action_method="post",
        legal_basis="Estatuto Tributario, art. 565 y 566-1",
    )


def _failed_updates(registrant: Registrant) -> list[Case]:
    """Update cases about a dated fact that did not change the record, with no later update."""
    updates = list(
        Case.objects.filter(registrant=registrant, case_type=CaseType.UPDATE).order_by(
            "-received_at", "-id"
        )
    )
    failed = []
    for position, case in enumerate(updates):
        taken = case.decision == Decision.GRANTED or case.state not in (
            Case.State.REJECTED,
            Case.State.DECIDED,
            Case.State.COMMUNICATED,
            Case.State.CLOSED,
        )
        later = updates[:position]
        if case.fact_date and not taken and not any(u.decision == Decision.GRANTED for u in later):
            failed.append(case)
    return failed


def update_due_check(
    account: CitizenAccount, registrant: Registrant, today: date
) -> HealthCheck | None:
    """An update refused or rejected still has to be made within the month after the fact."""
    failed = _failed_updates(registrant)
    if not failed:
        return None
    case = min(failed, key=lambda c: c.fact_date or today)
    assert case.fact_date is not None
    due = update_due_on(case.fact_date)
    if due >= today:
        level, message = (
            WARNING,
            _(
                "Su actualización %(n)s no se aplicó. El hecho del %(fact)s debe quedar en el "
                "RUT a más tardar el %(due)s (quedan %(left)s)."
            ),
        )
    else:
        level, message = (
            DANGER,
            _(
                "Su actualización %(n)s no se aplicó y el plazo para registrar el hecho del "
                "%(fact)s venció el %(due)s: actualice cuanto antes, la demora se sanciona."
            ),
        )
    return HealthCheck(
        "update_due",
        level,
        _("Tiene una actualización pendiente"),
        message
        % {
            "n": case.number,
            "fact": case.fact_date.strftime("%d/%m/%Y"),
            "due": due.strftime("%d/%m/%Y"),
            "left": _days((due - today).days),
        },
        _("Actualizar el RUT"),
        reverse("portal:update"),
        legal_basis="Decreto 2460 de 2013, art. 13; Estatuto Tributario, art. 658-3",
    )


def unsigned_filing_check(
    account: CitizenAccount, registrant: Registrant, today: date
) -> HealthCheck | None:
    """A request filled in but never signed was not filed: it changes nothing yet."""
    filing = (
        PendingFiling.objects.filter(account=account, signed_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    if filing is None:
        return None
    return HealthCheck(
        "unsigned_filing",
        WARNING,
        _("Tiene una solicitud sin firmar"),
        _(
            "«%(kind)s», diligenciada el %(on)s, no se ha radicado: sin la firma con el código "
            "que le enviamos al correo, la DIAN no la recibe."
        )
        % {
            "kind": filing.get_kind_display(),
            "on": timezone.localdate(filing.created_at).strftime("%d/%m/%Y"),
        },
        _("Firmar la solicitud"),
        reverse("portal:sign", args=[filing.pk]),
    )


def provisional_nit_check(
    account: CitizenAccount, registrant: Registrant, today: date
) -> HealthCheck | None:
    """A provisional NIT lapses unless the bank account is proved within its term."""
    if registrant.state != Registrant.State.PROVISIONAL:
        return None
    expires = provisional_nit_expires_on(registrant)
    if expires is None:
        return None
    left = (expires - today).days
    return HealthCheck(
        "provisional_nit",
        DANGER if left <= 5 else WARNING,
        _("Su NIT provisional vence el %(date)s") % {"date": expires.strftime("%d/%m/%Y")},
        _(
            "Le quedan %(left)s para acreditar la cuenta bancaria con la certificación de su "
            "banco. Si no lo hace, el NIT pierde su validez y debe inscribirse de nuevo."
        )
        % {"left": _days(max(left, 0))},
        _("Agendar la acreditación con un funcionario"),
        _appointment(AppointmentReason.INSCRIPTION),
        legal_basis="Decreto 2460 de 2013, art. 10 lit. a",
    )


def obligations_check(
    account: CitizenAccount, registrant: Registrant, today: date
) -> HealthCheck | None:
    """Obligations an official found pending stay due, also after a reactivation."""
    pending = list(
        registrant.pending_obligations.filter(resolved_at__isnull=True).order_by("recorded_at")
    )
    if not pending:
        return None
    reactivated = registrant.form_versions.filter(concept=FormVersion.Concept.REACTIVATION).exists()
    items = "; ".join(f"{o.description} {o.period}".strip() for o in pending)
    message = (
        _("Su RUT se reactivó, pero siguen pendientes: %(items)s.")
        if reactivated
        else _("La DIAN registró como pendientes: %(items)s.")
    ) % {"items": items}
    return HealthCheck(
        "pending_obligations",
        WARNING,
        ngettext(
            "Tiene %(n)s obligación pendiente",
            "Tiene %(n)s obligaciones pendientes",
            len(pending),
        )
        % {"n": len(pending)},
        message
        + " "
        + _("Cúmplalas y lleve los soportes a una videoatención para que se registren."),
        _("Agendar videoatención"),
        _appointment(AppointmentReason.IDENTIFICATION),
    )


def _suspension_case(registrant: Registrant) -> Case | None:
    return (
        Case.objects.filter(
            registrant=registrant, case_type=CaseType.SUSPENSION, decision=Decision.GRANTED
        )
        .order_by("-decided_at", "-id")
        .first()
    )


def suspension_check(
    account: CitizenAccount, registrant: Registrant, today: date
) -> HealthCheck | None:
    """A suspended RUT, and how its cause says it is lifted (art. 15 and 16)."""
    if registrant.state != Registrant.State.SUSPENDED:
        return None
    case = _suspension_case(registrant)
    cause = case.cause if case else ""
    url, label = _appointment(AppointmentReason.IDENTIFICATION), _("Agendar videoatención")
    if cause == Cause.ADDRESS_NOT_FOUND:
        how = _(
            "Se suspendió porque en la visita de verificación no se encontró su dirección. "
            "Para levantarla, acredite su dirección real con un funcionario, que actualiza el "
            "RUT y levanta la suspensión."
        )
    elif cause in FICTITIOUS_CAUSES and case is not None and case.decided_at is not None:
        eligible = fictitious_suspension_ends(case)
        how = _(
            "Se suspendió por la declaratoria de %(cause)s. Puede pedir el levantamiento desde "
            "el %(date)s, cuando se cumplen los cinco años de la sanción, con los documentos de "
            "la actualización."
        ) % {"cause": case.get_cause_display().lower(), "date": eligible.strftime("%d/%m/%Y")}
    elif cause == Cause.AUTHORITY_ORDER:
        how = _(
            "Se suspendió por orden de una autoridad. Se levanta cuando esa autoridad envíe a la "
            "DIAN la orden de levantamiento; la DIAN la aplica a más tardar el día hábil "
            "siguiente."
        )
        url, label = (
            reverse("portal:case", args=[case.number]) if case else url,
            _("Ver el trámite de la suspensión"),
        )
    else:
        how = _("Un funcionario le indica qué acreditar para levantarla.")
    if case is not None and cause != Cause.AUTHORITY_ORDER:
        how += " " + _("Trámite de la suspensión: %(n)s.") % {"n": case.number}
    return HealthCheck(
        "suspended",
        DANGER,
        _("Su RUT está suspendido"),
        how,
        label,
        url,
        legal_basis="Decreto 2460 de 2013, art. 15 y 16",
    )


CHECKS: list[Callable[[CitizenAccount, Registrant, date], HealthCheck | None]] = [
    suspension_check,
    email_check,
    provisional_nit_check,
    update_due_check,
    obligations_check,
    unsigned_filing_check,
]


def possible_failures() -> dict[str, Exists]:
    """For each check that reads a table, an EXISTS over the account's row (``pk`` and
    ``registrant_id``) that is false whenever the check passes: a page evaluates them in a
    statement it makes anyway (portal.selectors.home_facts), and a healthy RUT then costs no
    statement per check."""
    return {
        update_due_check.__name__: Exists(
            Case.objects.filter(
                registrant_id=OuterRef("registrant_id"),
                case_type=CaseType.UPDATE,
                fact_date__isnull=False,
            )
        ),
        obligations_check.__name__: Exists(
            PendingObligation.objects.filter(
                registrant_id=OuterRef("registrant_id"), resolved_at__isnull=True
            )
        ),
        unsigned_filing_check.__name__: Exists(
            PendingFiling.objects.filter(account_id=OuterRef("pk"), signed_at__isnull=True)
        ),
    }


@cache
def probed_checks() -> tuple[str, ...]:
    """The names of possible_failures(), in its order, built once: building its querysets on
    every Mi RUT home cost more than the checks it spares."""
    return tuple(possible_failures())


def rut_health(
    account: CitizenAccount, *, today: date, possible: frozenset[str] | None = None
) -> list[HealthCheck]:
    """The checks that fail for the account's RUT, most urgent first; [] when all is well.

    ``possible``: the names of possible_failures() found true; the other checks of that
    dictionary are passed without running them. None runs every check."""
    registrant = account.registrant
    if registrant is None:
        return []
    skipped = set() if possible is None else set(probed_checks()) - possible
    found = (check(account, registrant, today) for check in CHECKS if check.__name__ not in skipped)
    return [check for check in found if check is not None]
