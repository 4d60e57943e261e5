"""Pieces every procedures service uses: locking, scope, the case timeline, numbering."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from accounts.scope import can_act_in
from procedures.models import Case, CaseStep
from registry.nit import check_digit, next_value
from registry.services.common import acting_user
from rut_portal.errors import Conflict, NotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CASE_SEQUENCE = "procedures_case_seq"
FORMAT_SEQUENCE = "procedures_format_seq"


def lock_case(case: Case | int) -> Case:
    """Re-read the case under a row lock: a second official acting at once waits here."""
    pk = case if isinstance(case, int) else case.pk
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("registrant", "seccional")
        .get(pk=pk)
    )


def require_transition(case: Case, name: str, by: User | None) -> None:
    """The transition must be possible from the current state, for this actor, in their scope."""
    method = getattr(case, name)
    if not can_proceed(method):
        raise Conflict(
            _(
                "El trámite %(number)s ya está en estado «%(state)s»: la acción no procede. "
                "Actualice la página para ver su estado actual."
            )
            % {"number": case.number, "state": case.get_state_display()}
        )
    if by is None:
        return
    if not has_transition_perm(method, by):
        raise NotAllowed(_("No tiene permiso para esta acción sobre el trámite."))
    require_scope(case, by)


def require_scope(case: Case, by: User) -> None:
    if not can_act_in(by, case.seccional_id):
        raise NotAllowed(
            _("El trámite %(number)s pertenece a la %(seccional)s; usted no puede actuar sobre él.")
            % {"number": case.number, "seccional": case.seccional.name}
        )


def record_step(
    case: Case,
    *,
    kind: str,
    by: User | None,
    from_state: str = "",
    reason: str = "",
    legal_basis: str = "",
    details: dict[str, Any] | None = None,
) -> CaseStep:
    return CaseStep.objects.create(
        case=case,
        kind=kind,
        from_state=from_state,
        to_state=case.state,
        actor=acting_user(by),
        reason=reason,
        legal_basis=legal_basis,
        details=details or {},
    )


def save_case(case: Case, fields: list[str]) -> None:
    """Save a transition and bring the case's legal deadlines in line with its new state."""
    from deadlines.services import sync_case_deadlines

    case.save(update_fields=fields)
    sync_case_deadlines(case)


def next_case_number(year: int) -> str:
    return f"{year}-{next_value(CASE_SEQUENCE):07d}"


def next_case_numbers(count: int, year: int) -> list[str]:
    """`count` case numbers from next_case_number's sequence, in increasing order, in one round
    trip (bulk_intake)."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [CASE_SEQUENCE, count])
            values = sorted(int(row[0]) for row in cursor.fetchall())
        else:  # SQLite: the counter row registry.nit.next_value keeps (created on first use)
            cursor.execute(
                "INSERT INTO registry_counter (name, value) VALUES (%s, %s) "
                "ON CONFLICT (name) DO UPDATE SET value = value + %s RETURNING value",
                [CASE_SEQUENCE, count, count],
            )
            last = int(cursor.fetchone()[0])
            values = list(range(last - count + 1, last + 1))
    return [f"{year}-{value:07d}" for value in values]


def next_format_number(kind: str) -> str:
    body = f"{kind}{next_value(FORMAT_SEQUENCE):08d}"
    return f"{body}{check_digit(body)}"
