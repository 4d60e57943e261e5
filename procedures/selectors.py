"""Named reads of the procedures app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import can_act_in, seccional_of
from procedures.deadlines import add_months
from procedures.models import Case, CaseType
from registry.models import Registrant

# --- Scope: what an official may see -------------------------------------------------------


def case_in_scope(user: Any, case: Case) -> bool:
    """The case page's rule, for everything that shows a case or its documents: officials see
    their seccional's cases; the central level and superusers see all."""
    return can_act_in(user, case.seccional_id)


def registrant_in_scope(user: Any, registrant: Registrant) -> bool:
    """Their seccional's inscritos, or one with an open case there (a reactivation received)."""
    if can_act_in(user, registrant.seccional_id):
        return True
    code = seccional_of(user)
    if not code:
        return False
    from procedures.services.assignment import OPEN_STATES

    return Case.objects.filter(
        registrant=registrant, seccional_id=code, state__in=OPEN_STATES
    ).exists()


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
        limit = add_months(case.fact_date, 1)
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
    if registrant.formalized_at is not None:
        formalized = timezone.localdate(registrant.formalized_at)
        started = [a.started_on for a in registrant.activities.all() if a.started_on]
        if started and min(started) < formalized:
            first = min(started)
            indicators.append(
                Indicator(
                    "late_registration",
                    _("Se inscribió %(d)s días después de iniciar la actividad (%(f)s).")
                    % {"d": (formalized - first).days, "f": first.strftime("%d/%m/%Y")},
                    (formalized - first).days,
                )
            )
    return indicators
