"""Mass actualización de oficio (Decreto 2460 de 2013, art. 14): one responsibility added to or
withdrawn from every inscrito of a batch.

Art. 14 lets the DIAN update the RUT by itself when one of its areas finds the record outdated,
when an act of the DIAN or an authority's order requires it, or on information from an entity
with an exchange agreement; the change has full legal effect once communicated. DIAN's typical
mass update is a responsibility (casilla 53): withdrawing a regime the law abolished, or adding
one an act imposes on the NITs it lists. Each inscrito gets what
registry.services.updates.change_responsibility writes for one (the code, a new revision, a
Formulario 001 version of concept actualización, an audit entry citing art. 14) plus the
communication, set-based on PostgreSQL like the state changes of mass_changes.services.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from mass_changes.chunks import require_whole_chunk
from mass_changes.models import MassChange, MassChangeItem, MassChangeNotice
from registry import reference_cache
from registry.models import FormVersion, PersonType, Registrant, Responsibility
from registry.nit import allocate_form_numbers
from registry.services.common import acting_user
from registry.services.record import SIMPLIFIED_REGIME_RESPONSIBILITIES
from registry.services.updates import change_responsibility, check_removable_without_request
from rut_portal.errors import DomainError

if TYPE_CHECKING:
    from datetime import datetime

LEGAL_BASIS = "Decreto 2460 de 2013, art. 14 (actualización de oficio)"
HELD = Registrant.responsibilities.through
THROUGH = HELD._meta.db_table


@dataclass(frozen=True)
class ResponsibilityChange:
    """The one data change a mass actualización de oficio applies: add or withdraw `code`."""

    code: str
    action: str

    @property
    def adds(self) -> bool:
        return self.action == MassChange.ResponsibilityAction.ADD

    @property
    def name(self) -> str:
        return _name(self.code)

    def applies_to(self, registrants: QuerySet[Registrant]) -> QuerySet[Registrant]:
        """Those of `registrants` the change would change: without the code, or holding it."""
        if self.adds:
            return registrants.exclude(responsibilities=self.code)
        return registrants.filter(responsibilities=self.code)

    def needs_email_after(self) -> Q:
        """The records without email this change would leave needing one: what
        registry.services.record.needs_email says of the codes held after it (art. 4 par. 1)."""
        others = HELD.objects.filter(registrant_id=OuterRef("pk")).exclude(
            responsibility_id=self.code
        )
        if self.adds and self.code in SIMPLIFIED_REGIME_RESPONSIBILITIES:
            natural_needs = Q(pk__in=[])
        else:
            simplified_kept = others.filter(
                responsibility_id__in=SIMPLIFIED_REGIME_RESPONSIBILITIES
            )
            some_left = Q() if self.adds else Q(Exists(others))
            natural_needs = some_left & ~Q(Exists(simplified_kept))
        return Q(email="") & (~Q(person_type=PersonType.NATURAL) | natural_needs)


def responsibility_change(*, code: str, action: str) -> ResponsibilityChange:
    """Check the change an official proposes; DomainError on the form field that is wrong."""
    if action not in MassChange.ResponsibilityAction.values:
        raise DomainError(
            _("Elija si la actualización agrega o retira la responsabilidad."),
            field="responsibility_action",
        )
    row = reference_cache.get(Responsibility, code)
    if row is None:
        raise DomainError(_("Elija la responsabilidad que cambia."), field="responsibility")
    change = ResponsibilityChange(code=code, action=action)
    if change.adds and not row.is_current:
        raise DomainError(
            _("La responsabilidad %(code)s ya no está vigente: no se puede agregar.")
            % {"code": code},
            field="responsibility",
        )
    if not change.adds:
        try:
            check_removable_without_request(code)
        except DomainError as error:
            raise DomainError(error.message, field="responsibility") from error
    return change


def change_of(batch: MassChange) -> ResponsibilityChange:
    assert batch.responsibility_id is not None  # the model's check constraint
    return ResponsibilityChange(code=batch.responsibility_id, action=batch.responsibility_action)


def require_change_applies(
    selected: QuerySet[Registrant], nits: list[str], change: ResponsibilityChange
) -> None:
    """Every NIT of the act's file must be one the change would change, or the file is wrong."""
    found = set(change.applies_to(selected).values_list("nit", flat=True))
    moot = [nit for nit in nits if nit not in found]
    if moot:
        message = (
            _("%(n)s NIT del archivo ya tienen la responsabilidad %(code)s: %(list)s.")
            if change.adds
            else _("%(n)s NIT del archivo no tienen la responsabilidad %(code)s: %(list)s.")
        )
        raise DomainError(
            message % {"n": len(moot), "code": change.code, "list": ", ".join(moot[:20])},
            field="nits",
        )


def require_email_where_needed(
    selected: QuerySet[Registrant], change: ResponsibilityChange, *, field: str | None
) -> None:
    """Refuse a batch that would leave inscritos without the email the change makes mandatory."""
    blocked = list(selected.filter(change.needs_email_after()).values_list("nit", flat=True)[:21])
    if blocked:
        raise DomainError(
            _(
                "Con este cambio deben tener correo electrónico y no lo tienen (Decreto 2460 de "
                "2013, art. 4 par. 1): %(list)s. Regístrelo antes o sáquelos del lote."
            )
            % {
                "list": ", ".join(str(nit) for nit in blocked[:20])
                + (", …" if len(blocked) > 20 else "")
            },
            field=field,
        )


def notice_text(batch: MassChange, notice: MassChangeNotice) -> str:
    """The communication that gives the update its legal effect (art. 14, last paragraph)."""
    change = change_of(batch)
    registrant = notice.registrant
    text = (
        _(
            "%(name)s, NIT %(nit)s: la DIAN actualizó de oficio su RUT por %(act)s (%(basis)s) "
            "y agregó la responsabilidad %(code)s %(rname)s."
        )
        if change.adds
        else _(
            "%(name)s, NIT %(nit)s: la DIAN actualizó de oficio su RUT por %(act)s (%(basis)s) "
            "y retiró la responsabilidad %(code)s %(rname)s."
        )
    )
    return " ".join(
        [
            text
            % {
                "name": registrant.display_name,
                "nit": registrant.formatted_nit,
                "act": batch.act_reference,
                "basis": batch.legal_basis,
                "code": change.code,
                "rname": change.name,
            },
            _("Motivo: %(reason)s. Formulario 001 N.º %(form)s.")
            % {"reason": batch.reason, "form": notice.form_version.form_number},
            _("Con esta comunicación la actualización tiene plena validez legal."),
        ]
    )


# --- Run ---------------------------------------------------------------------------------------


def apply_one_by_one(batch: MassChange, chunk: int, low: int, high: int, *, at: datetime) -> int:
    """SQLite (the embedded default): the single path, inscrito by inscrito."""
    change = change_of(batch)
    changed = 0
    for registrant in _to_change(batch, low, high):
        registrant = change_responsibility(
            registrant,
            code=change.code,
            add=change.adds,
            by=batch.decided_by,
            reason=batch.reason,
            legal_basis=batch.legal_basis,
            act_reference=batch.act_reference,
        )
        MassChangeNotice.queue(batch, chunk, registrant, at=at)
        changed += 1
    return changed


# The code is added or withdrawn only after the chunk's rows are locked (every writer of a record
# locks its row first), so the statement that does it reads the responsibilities as they are now
# and says whom it changed.

ADD_SQL = f"""
INSERT INTO {THROUGH} (registrant_id, responsibility_id)
SELECT id, %(code)s FROM unnest(%(ids)s::bigint[]) AS id
ON CONFLICT DO NOTHING
RETURNING registrant_id
"""

REMOVE_SQL = f"""
DELETE FROM {THROUGH} WHERE registrant_id = ANY(%(ids)s) AND responsibility_id = %(code)s
RETURNING registrant_id
"""

# A new revision (an official editing one of them must reload it), with the codes held now.
REVISE_SQL = f"""
UPDATE registry_registrant r SET revision = r.revision + 1
WHERE r.id = ANY(%(ids)s)
RETURNING r.id, r.state, r.email,
    ARRAY(SELECT h.responsibility_id FROM {THROUGH} h WHERE h.registrant_id = r.id ORDER BY 1)
"""

# For each changed inscrito: its next Formulario 001 version (the last one's snapshot with the
# new responsibilities: nothing else of the record changed, and its state stays), the audit entry
# pointing at it with the codes before and after, the communication.
INSERT_SQL = """
WITH versions AS (
    INSERT INTO registry_formversion
        (id, registrant_id, form_number, version, concept, state, snapshot, created_at,
         created_by_id)
    SELECT c.version_id, c.registrant_id, c.form_number, last.version + 1, %(concept)s, c.state,
           last.snapshot || c.patch, %(at)s, %(actor)s
    FROM unnest(%(ids)s::bigint[], %(version_ids)s::bigint[], %(numbers)s::varchar[],
                %(states)s::varchar[], %(patches)s::jsonb[])
        AS c(registrant_id, version_id, form_number, state, patch)
    CROSS JOIN LATERAL (
        SELECT v.version, v.snapshot FROM registry_formversion v
        WHERE v.registrant_id = c.registrant_id ORDER BY v.version DESC LIMIT 1
    ) last
    RETURNING 1
),
audit AS (
    INSERT INTO registry_auditentry
        (registrant_id, action, from_state, to_state, actor_id, at, reason, legal_basis,
         act_reference, case_number, form_version_id, changes, self_service)
    SELECT c.registrant_id, 'update', c.state, c.state, %(actor)s, %(at)s, %(reason)s,
           %(legal_basis)s, %(act)s, '', c.version_id, c.changes, false
    FROM unnest(%(ids)s::bigint[], %(states)s::varchar[], %(version_ids)s::bigint[],
                %(changes)s::jsonb[])
        AS c(registrant_id, state, version_id, changes)
    RETURNING 1
),
notices AS (
    INSERT INTO mass_changes_masschangenotice
        (batch_id, chunk, registrant_id, form_version_id, recipient_email, created_at)
    SELECT %(batch)s, %(chunk)s, c.registrant_id, c.version_id, c.email, %(at)s
    FROM unnest(%(ids)s::bigint[], %(version_ids)s::bigint[], %(emails)s::varchar[])
        AS c(registrant_id, version_id, email)
    RETURNING 1
)
SELECT (SELECT count(*) FROM versions), (SELECT count(*) FROM audit), (SELECT count(*) FROM notices)
"""


def apply_set_based(batch: MassChange, chunk: int, low: int, high: int, *, at: datetime) -> int:
    """PostgreSQL: the chunk in a few statements; returns how many inscritos changed."""
    from mass_changes.services import draw_ids  # services imports this module

    change = change_of(batch)
    locked = list(_to_change(batch, low, high).values_list("pk", flat=True))
    if not locked:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(ADD_SQL if change.adds else REMOVE_SQL, {"ids": locked, "code": change.code})
        changed = [row[0] for row in cursor.fetchall()]
        if not changed:
            return 0
        cursor.execute(REVISE_SQL, {"ids": changed})
        rows = cursor.fetchall()
        ids = [row[0] for row in rows]
        cursor.execute(
            INSERT_SQL,
            {
                "ids": ids,
                "states": [row[1] for row in rows],
                "emails": [row[2] for row in rows],
                "patches": [_snapshot_patch(row[3]) for row in rows],
                "changes": [_audit_changes(row[3], change) for row in rows],
                "version_ids": draw_ids(FormVersion._meta.db_table, len(ids)),
                "numbers": allocate_form_numbers(len(ids)),
                "concept": FormVersion.Concept.UPDATE,
                "at": at,
                "actor": _actor_id(batch),
                "reason": batch.reason,
                "legal_basis": batch.legal_basis,
                "act": batch.act_reference,
                "batch": batch.pk,
                "chunk": chunk,
            },
        )
        counts = cursor.fetchone()
    require_whole_chunk(counts, len(ids), batch, chunk)
    return len(ids)


def _to_change(batch: MassChange, low: int, high: int) -> QuerySet[Registrant]:
    """The chunk's inscritos the update still changes, locked in id order (no deadlock with a
    writer locking several); the others are the chunk's skipped."""
    from mass_changes.services import transition_states  # services imports this module

    change = change_of(batch)
    sources, _target = transition_states("update")
    in_chunk = Registrant.objects.filter(
        pk__in=MassChangeItem.objects.filter(
            batch=batch, position__gte=low, position__lt=high
        ).values("registrant_id"),
        state__in=sources,
    )
    return (
        change.applies_to(in_chunk)
        .exclude(change.needs_email_after())
        .select_for_update(of=("self",))
        .order_by("pk")
    )


def _actor_id(batch: MassChange) -> int | None:
    actor = acting_user(batch.decided_by)
    return actor.pk if actor is not None else None


def _snapshot_patch(codes: list[str]) -> str:
    """The snapshot's responsibilities as snapshot_children writes them (code order, names)."""
    return json.dumps({"responsibilities": [{"code": code, "name": _name(code)} for code in codes]})


def _name(code: str) -> str:
    row = reference_cache.get(Responsibility, code)
    return row.name if row is not None else ""


def _audit_changes(codes: list[str], change: ResponsibilityChange) -> str:
    """{"responsibilities": [before, after]}, as update_registrant records a changed list."""
    after = sorted(codes)
    before = sorted(set(after) - {change.code}) if change.adds else sorted({*after, change.code})
    return json.dumps({"responsibilities": [before, after]})
