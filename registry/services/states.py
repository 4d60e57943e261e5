"""State changes driven by cases: suspensión, levantamiento, cancelación, reactivación."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from registry.models import FormVersion, Registrant
from registry.services.common import (
    issue_form_version,
    lock_registrant,
    record_audit,
    require_perm,
    require_state,
    save_registrant,
    settle_deadlines,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


# Decreto 2460 de 2013, art. 15 par. 2: told to the suspended inscrito wherever the suspension
# shows (Mi RUT, the decision's communication, the Formulario 001 legend).
SUSPENSION_KEEPS_OBLIGATIONS = _lazy(
    "La suspensión no lo exime de cumplir sus deberes formales y sustanciales con la DIAN "
    "(Decreto 2460 de 2013, art. 15 par. 2)."
)


_CONCEPT_FOR = {
    "suspend": FormVersion.Concept.SUSPENSION,
    "lift_suspension": FormVersion.Concept.LIFT_SUSPENSION,
    "cancel": FormVersion.Concept.CANCELLATION,
    "reactivate": FormVersion.Concept.REACTIVATION,
}


@transaction.atomic
def change_state(
    registrant: Registrant,
    *,
    transition_name: str,
    by: User | None,
    reason: str = "",
    legal_basis: str = "",
    act_reference: str = "",
    case_number: str = "",
) -> Registrant:
    """Apply suspend / lift_suspension / cancel / reactivate with its form version and audit."""
    if transition_name not in _CONCEPT_FOR:
        raise ValueError(transition_name)
    registrant = lock_registrant(registrant)
    require_state(registrant, transition_name)
    require_perm(registrant, transition_name, by)
    before = registrant.state
    getattr(registrant, transition_name)()
    registrant.state_changed_at = timezone.now()
    save_registrant(registrant, ["state", "state_changed_at"])
    version = issue_form_version(registrant, concept=_CONCEPT_FOR[transition_name], by=by)
    settle_deadlines(registrant)
    record_audit(
        registrant,
        action=transition_name,
        by=by,
        from_state=before,
        to_state=registrant.state,
        reason=reason,
        legal_basis=legal_basis,
        act_reference=act_reference,
        case_number=case_number,
        form_version=version,
    )
    return registrant
