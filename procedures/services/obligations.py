"""The obligations that motivated a reactivation, checked again by a new cancellation request."""

from __future__ import annotations

from django.utils.translation import gettext as _

from procedures.models import CaseType, PendingObligation
from registry.models import Registrant
from rut_portal.errors import Conflict


def reactivation_obligations_pending(registrant: Registrant) -> list[PendingObligation]:
    """Obligations recorded on a reactivation of this inscrito and not yet met."""
    return list(
        PendingObligation.objects.filter(
            registrant=registrant,
            case__case_type=CaseType.REACTIVATION,
            resolved_at__isnull=True,
        )
        .select_related("case")
        .order_by("recorded_at", "id")
    )


def require_reactivation_obligations_met(registrant: Registrant) -> None:
    """Procedure of cancelación de oficio y reactivación, 3.2: once the obligations that
    motivated the reactivation are met, the user asks for the cancellation again; not before."""
    pending = reactivation_obligations_pending(registrant)
    if not pending:
        return
    listed = "; ".join(
        f"{o.description} ({o.period})" if o.period else o.description for o in pending
    )
    raise Conflict(
        _(
            "El RUT fue reactivado en el trámite %(case)s por obligaciones que siguen "
            "pendientes: %(list)s. Cuando estén cumplidas puede pedir de nuevo la cancelación "
            "(procedimiento de cancelación de oficio y reactivación, numeral 3.2)."
        )
        % {"case": pending[0].case.number if pending[0].case else "", "list": listed},
        field="registrant",
    )
