"""Named reads of the procedures app."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from procedures.deadlines import add_months
from procedures.models import Case, CaseType
from registry.models import Registrant
from registry.services.registration import registration_due_on


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
