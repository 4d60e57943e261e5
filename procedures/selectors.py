"""Named reads of the procedures app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.scope import can_act_in, is_central, scope_to_seccional, seccional_of
from deadlines.rules import update_due_on
from procedures.models import NOTICE_KINDS, Case, CaseType, Communication, Petition, Referral
from procedures.services.assignment import OPEN_STATES
from registry.models import Registrant
from registry.services.registration import registration_due_on

# --- Which official may see what (one function per rule; every channel calls them) ------------


def scope_cases(queryset: QuerySet[Case], user: Any) -> QuerySet[Case]:
    """The cases an official may see: their seccional's; the central level and superusers: all."""
    return scope_to_seccional(queryset, user)


def scope_petitions(queryset: QuerySet[Petition], user: Any) -> QuerySet[Petition]:
    """The petitions an official may see: those filed in their seccional; central: all."""
    return scope_to_seccional(queryset, user)


def scope_referrals(queryset: QuerySet[Referral], user: Any) -> QuerySet[Referral]:
    """Referrals of their seccional's cases, or without a case, of their seccional's inscritos."""
    if is_central(user):
        return queryset
    code = seccional_of(user)
    if not code:
        return queryset.none()
    return queryset.filter(
        Q(case__seccional_id=code) | Q(case__isnull=True, registrant__seccional_id=code)
    )


def registrant_visible_to(user: Any, registrant: Registrant) -> bool:
    """Their seccional's inscritos, or one with an open case there (a reactivation received)."""
    if can_act_in(user, registrant.seccional_id):
        return True
    code = seccional_of(user)
    if not code:
        return False
    return Case.objects.filter(
        registrant=registrant, seccional_id=code, state__in=OPEN_STATES
    ).exists()


# The registrant transition each kind of request leads to when it is granted: a request is open
# to an inscrito only when its state allows that transition (Decreto 2460 de 2013, art. 13-17;
# a cancelled RUT comes back only by reactivation, procedure 3.2).
REQUEST_TRANSITIONS: dict[str, str] = {
    CaseType.UPDATE: "update",
    CaseType.SUSPENSION: "suspend",
    CaseType.LIFT_SUSPENSION: "lift_suspension",
    CaseType.CANCELLATION_ON_REQUEST: "cancel",
    CaseType.CANCELLATION_EX_OFFICIO: "cancel",
    CaseType.REACTIVATION: "reactivate",
}


def requests_open_to(registrant: Registrant) -> frozenset[str]:
    """The case types this inscrito may request in its present state (withdrawals are updates)."""
    return frozenset(
        case_type
        for case_type, name in REQUEST_TRANSITIONS.items()
        if can_proceed(getattr(registrant, name))
    )


def case_in_scope(user: Any, case: Case) -> bool:
    """The case page's rule, for everything that shows a case or its documents: officials see
    their seccional's cases; the central level and superusers see all."""
    return can_act_in(user, case.seccional_id)


def seccional_notices(user: Any) -> QuerySet[Communication]:
    """The notices addressed to the official's seccional (every seccional's for the central
    level), unacknowledged first, newest first."""
    rows = Communication.objects.filter(kind__in=NOTICE_KINDS, seccional__isnull=False)
    return (
        scope_to_seccional(rows, user)
        .select_related(
            "case__registrant",
            "case__seccional",
            "case__received_at_seccional",
            "seccional",
            "acknowledgment__by",
        )
        .order_by(F("acknowledgment__id").asc(nulls_first=True), "-created_at", "-id")
    )


def notice_in_scope(user: Any, communication: Communication) -> bool:
    """A notice may also be opened by the seccional it is addressed to."""
    return (
        communication.kind in NOTICE_KINDS
        and communication.seccional_id is not None
        and can_act_in(user, communication.seccional_id)
    )


@dataclass(frozen=True)
class Indicator:
    code: str
    message: str
    days: int


def sanction_indicators(registrant: Registrant) -> list[Indicator]:
    """Facts the tax statute sanctions, computed from the record (never stored by hand).

    - Late update: the update was filed (or is still unfiled) after the month following the fact
      (Decreto 2460 de 2013, art. 13; sanction of Estatuto Tributario art. 658-3).
    - Inscription after starting activity: an activity began before the record was formalised.
    """
    indicators: list[Indicator] = []
    updates = Case.objects.filter(
        registrant=registrant, case_type=CaseType.UPDATE, fact_date__isnull=False
    ).order_by("received_at")
    for case in updates:
        assert case.fact_date is not None
        limit = update_due_on(case.fact_date)
        filed = timezone.localdate(case.received_at)
        if filed > limit:
            indicators.append(
                Indicator(
                    "late_update",
                    _(
                        "Actualización extemporánea (trámite %(n)s): radicada %(d)s días después "
                        "del mes siguiente al hecho del %(f)s."
                    )
                    % {
                        "n": case.number,
                        "d": (filed - limit).days,
                        "f": case.fact_date.strftime("%d/%m/%Y"),
                    },
                    (filed - limit).days,
                )
            )
    if registrant.inscribed_at is not None:
        formalized = timezone.localdate(registrant.inscribed_at)
        started = [a.started_on for a in registrant.activities.all() if a.started_on]
        first = min(started) if started else None
        due = (
            registration_due_on(
                person_type=registrant.person_type,
                responsibilities=set(registrant.responsibilities.values_list("code", flat=True)),
                activity_started_on=first,
            )
            if first
            else None
        )
        if first and due and due < formalized:
            if due == first:
                message = _("Se inscribió %(d)s días después de iniciar la actividad (%(f)s).") % {
                    "d": (formalized - first).days,
                    "f": first.strftime("%d/%m/%Y"),
                }
            else:
                message = _(
                    "Se inscribió %(d)s días después del vencimiento de la declaración de renta "
                    "del año en que inició la actividad (%(f)s; Decreto 2460 de 2013, art. 7)."
                ) % {"d": (formalized - due).days, "f": due.strftime("%d/%m/%Y")}
            indicators.append(Indicator("late_registration", message, (formalized - due).days))
    return indicators
