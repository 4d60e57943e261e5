"""Mass suspension, cancellation and actualización de oficio: propose, four eyes, run in chunks.

The decision is the batch's; each inscrito then gets what registry.services.states.change_state
writes for one (its state, a new numbered Formulario 001 version and an audit entry with the
legal basis, its moot terms settled) plus a communication, but set-based on PostgreSQL: per chunk
one `UPDATE … RETURNING` of the inscritos still in a source state, one round trip for the form
numbers and one `INSERT … SELECT` writing versions, audit entries and communications. A chunk
commits with the batch's progress, so a run killed mid-way resumes at the first chunk not done
and applies none twice (the state check would also skip an inscrito already changed). The
actualización de oficio has its own chunk in mass_changes.responsibility_update.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.scope import can_act_in, is_central, seccional_of
from deadlines.models import Deadline
from mass_changes import responsibility_update
from mass_changes.chunks import require_whole_chunk
from mass_changes.models import MassChange, MassChangeItem, MassChangeNotice
from registry.models import FormVersion, Registrant
from registry.nit import allocate_form_numbers, parse_nit
from registry.services.common import acting_user, record_audit, settle_deadlines
from registry.services.states import SUSPENSION_KEEPS_OBLIGATIONS, change_state
from rut_portal.errors import Conflict, DomainError, NotAllowed

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.models import User

SAMPLE_SIZE = 20
DEFAULT_CHUNK_SIZE = 5000


@dataclass(frozen=True)
class KindRule:
    """What a kind of batch does to each inscrito, read from the registrant's state machine."""

    transition: str
    concept: str
    permission: str
    legal_basis: str


KINDS: dict[str, KindRule] = {
    MassChange.Kind.SUSPENSION: KindRule(
        "suspend",
        FormVersion.Concept.SUSPENSION,
        "registry.suspend_registrant",
        "Decreto 2460 de 2013, art. 15 y 16 (suspensión de oficio)",
    ),
    MassChange.Kind.CANCELLATION: KindRule(
        "cancel",
        FormVersion.Concept.CANCELLATION,
        "registry.cancel_registrant",
        "Decreto 2460 de 2013, art. 17 num. 2 (cancelación de oficio)",
    ),
    # The state stays (the update transition has no target); responsibility_update says what.
    MassChange.Kind.EX_OFFICIO_UPDATE: KindRule(
        "update",
        FormVersion.Concept.UPDATE,
        "registry.update_registrant",
        responsibility_update.LEGAL_BASIS,
    ),
}


def transition_states(transition_name: str) -> tuple[list[str], str]:
    """The source states and the target of a Registrant transition, from its FSM declaration."""
    field = Registrant._meta.get_field("state")
    sources: list[str] = []
    target = ""
    for t in field.get_all_transitions(Registrant):  # type: ignore[attr-defined]
        if t.name == transition_name:
            sources.append(t.source)
            target = t.target
    return sources, target


# --- Proposal ----------------------------------------------------------------------------------


def parse_nit_list(text: str) -> list[str]:
    """The NITs (without DV) of a CSV whose first column is a NIT with its DV; a header is
    allowed. Every bad line is named in the error."""
    nits: list[str] = []
    errors: list[str] = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cell = row[0].strip() if row else ""
        if not cell or (number == 1 and not any(c.isdigit() for c in cell)):
            continue
        try:
            nits.append(parse_nit(cell).number)
        except DomainError:
            errors.append(str(number))
    if errors:
        raise DomainError(
            _("Las líneas %(lines)s no traen un NIT válido con su dígito de verificación.")
            % {"lines": ", ".join(errors[:20])},
            field="nits",
        )
    if not nits:
        raise DomainError(_("El archivo no trae ningún NIT."), field="nits")
    return list(dict.fromkeys(nits))


def candidates(
    *, kind: str, criterion: str, by: User, nits: list[str] | None = None
) -> QuerySet[Registrant]:
    """The inscritos of the proposer's scope in a source state that the criterion selects."""
    sources, _target = transition_states(KINDS[kind].transition)
    queryset = Registrant.objects.filter(state__in=sources)
    if not is_central(by):
        queryset = queryset.filter(seccional_id=seccional_of(by))
    if criterion == MassChange.Criterion.WITHOUT_EMAIL:
        return queryset.filter(email="")
    if criterion == MassChange.Criterion.NIT_LIST:
        return queryset.filter(nit__in=nits or [])
    raise DomainError(_("Elija un criterio de selección."), field="criterion")


@transaction.atomic
def propose_mass_change(
    *,
    kind: str,
    criterion: str,
    reason: str,
    act_reference: str,
    by: User,
    nit_file: str = "",
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    responsibility: str = "",
    responsibility_action: str = "",
) -> MassChange:
    """A funcionario proposes the batch; its inscritos are fixed now and wait for the director.

    An actualización de oficio also names the responsibility and whether it is added or
    withdrawn; it selects only the inscritos it would change.
    Raises NotAllowed without the permission, InvalidData for an unknown kind, a missing reason
    or act, a bad change, a bad NIT file or NITs not in a state (and scope) the change applies to.
    """
    if not by.has_perm("mass_changes.propose_masschange"):
        raise NotAllowed(_("No tiene permiso para proponer cambios masivos."))
    if kind not in KINDS:
        raise DomainError(
            _("Elija el cambio: suspensión, cancelación o actualización de oficio."), field="kind"
        )
    if not reason.strip():
        raise DomainError(_("Escriba el motivo del cambio masivo."), field="reason")
    if not act_reference.strip():
        raise DomainError(_("Escriba el acto administrativo que lo ordena."), field="act_reference")
    change = (
        responsibility_update.responsibility_change(
            code=responsibility, action=responsibility_action
        )
        if kind == MassChange.Kind.EX_OFFICIO_UPDATE
        else None
    )
    nits = parse_nit_list(nit_file) if criterion == MassChange.Criterion.NIT_LIST else None
    selected = candidates(kind=kind, criterion=criterion, by=by, nits=nits)
    if nits is not None:
        _require_all_found(selected, nits)
    if change is not None:
        if nits is not None:
            responsibility_update.require_change_applies(selected, nits, change)
        selected = change.applies_to(selected)
        responsibility_update.require_email_where_needed(
            selected, change, field="nits" if nits is not None else None
        )
    batch = MassChange.objects.create(
        kind=kind,
        criterion=criterion,
        seccional_id=None if is_central(by) else seccional_of(by),
        reason=reason.strip(),
        legal_basis=KINDS[kind].legal_basis,
        act_reference=act_reference.strip(),
        chunk_size=chunk_size,
        responsibility_id=change.code if change else None,
        responsibility_action=change.action if change else "",
        proposed_by=by,
        proposed_at=timezone.now(),
    )
    batch.total = _insert_items(batch, selected)
    if batch.total == 0:
        raise DomainError(_("Ningún inscrito cumple el criterio: no hay nada que proponer."))
    batch.sample = sorted(random.sample(range(batch.total), min(SAMPLE_SIZE, batch.total)))
    batch.save(update_fields=["total", "sample"])
    _audit_batch(batch, action="mass_change_proposed", by=by, reason=batch.reason)
    return batch


def _require_all_found(selected: QuerySet[Registrant], nits: list[str]) -> None:
    found = set(selected.values_list("nit", flat=True))
    missing = [nit for nit in nits if nit not in found]
    if missing:
        raise DomainError(
            _(
                "%(n)s NIT del archivo no están inscritos en su jurisdicción o no están en un "
                "estado al que se aplique el cambio: %(list)s."
            )
            % {"n": len(missing), "list": ", ".join(missing[:20])},
            field="nits",
        )


def _insert_items(batch: MassChange, selected: QuerySet[Registrant]) -> int:
    """Number the selected inscritos 0..n-1 in id order with one INSERT … SELECT."""
    sql, params = selected.order_by().values("id").query.sql_with_params()
    table = MassChangeItem._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (batch_id, position, registrant_id) "
            f"SELECT %s, row_number() OVER (ORDER BY s.id) - 1, s.id FROM ({sql}) s",
            [batch.pk, *params],
        )
        return cursor.rowcount


def _audit_batch(batch: MassChange, *, action: str, by: User, reason: str = "") -> None:
    """The batch's own steps go to the registry's audit trail too (no inscrito of their own)."""
    record_audit(
        None,
        action=action,
        by=by,
        reason=reason,
        legal_basis=batch.legal_basis,
        act_reference=batch.act_reference,
        changes={"mass_change": batch.pk, "kind": batch.kind, "total": batch.total},
    )


# --- Decision ----------------------------------------------------------------------------------


def _lock(batch: MassChange | int) -> MassChange:
    pk = batch if isinstance(batch, int) else batch.pk
    return MassChange.objects.select_for_update().get(pk=pk)


def _require_state(batch: MassChange, method: str) -> None:
    if not can_proceed(getattr(batch, method)):
        raise Conflict(
            _("El lote %(pk)s está «%(state)s»: la acción no procede.")
            % {"pk": batch.pk, "state": batch.get_state_display()}
        )


def _require_director(batch: MassChange, by: User) -> None:
    """The director of the batch's seccional (or the central level), never its proposer."""
    if not (
        by.has_perm("mass_changes.approve_masschange") and by.has_perm(KINDS[batch.kind].permission)
    ):
        raise NotAllowed(_("Solo un director aprueba o rechaza un cambio masivo."))
    if not (is_central(by) if batch.seccional_id is None else can_act_in(by, batch.seccional_id)):
        raise NotAllowed(_("El lote %(pk)s no es de su seccional.") % {"pk": batch.pk})
    if batch.proposed_by_id == by.pk:
        raise NotAllowed(
            _("Usted propuso este lote: lo aprueba otro director (control de cuatro ojos).")
        )


@transaction.atomic
def approve_mass_change(batch: MassChange, *, by: User, notes: str = "") -> MassChange:
    """The director approves the batch after seeing its sample; its run is queued on commit."""
    from mass_changes.tasks import run_mass_change_task

    batch = _lock(batch)
    _require_state(batch, "approve")
    _require_director(batch, by)
    batch.approve(by_id=by.pk, at=timezone.now(), notes=notes)
    batch.save(update_fields=["state", "decided_by", "decided_at", "decision_notes"])
    _audit_batch(batch, action="mass_change_approved", by=by, reason=notes)
    run_mass_change_task.delay_on_commit(batch.pk)
    return batch


@transaction.atomic
def reject_mass_change(batch: MassChange, *, by: User, notes: str) -> MassChange:
    """The director rejects the batch, saying why; nothing is applied."""
    if not notes.strip():
        raise DomainError(_("Diga por qué rechaza el lote."), field="notes")
    batch = _lock(batch)
    _require_state(batch, "reject")
    _require_director(batch, by)
    batch.reject(by_id=by.pk, at=timezone.now(), notes=notes.strip())
    batch.save(update_fields=["state", "decided_by", "decided_at", "decision_notes"])
    _audit_batch(batch, action="mass_change_rejected", by=by, reason=batch.decision_notes)
    return batch


@transaction.atomic
def cancel_mass_change(batch: MassChange, *, by: User) -> MassChange:
    """Its proposer or a director of its scope stops the batch; chunks already applied stay."""
    batch = _lock(batch)
    _require_state(batch, "cancel")
    in_scope = is_central(by) if batch.seccional_id is None else can_act_in(by, batch.seccional_id)
    may = batch.proposed_by_id == by.pk or by.has_perm("mass_changes.approve_masschange")
    if not (in_scope and may):
        raise NotAllowed(_("Solo quien propuso el lote o un director de su seccional lo anula."))
    batch.cancel(at=timezone.now())
    batch.save(update_fields=["state", "finished_at"])
    _audit_batch(batch, action="mass_change_cancelled", by=by)
    return batch


# --- Run ---------------------------------------------------------------------------------------


def run_mass_change(batch: MassChange | int, *, max_chunks: int | None = None) -> MassChange:
    """Apply the chunks not yet done, each in its own transaction; idempotent and resumable.

    Stops when the batch is done, cancelled or not approved, or after `max_chunks` chunks.
    """
    pk = batch if isinstance(batch, int) else batch.pk
    applied = 0
    while max_chunks is None or applied < max_chunks:
        with transaction.atomic():
            current = _lock(pk)
            now = timezone.now()
            if current.state == MassChange.State.APPROVED:
                current.start(at=now)
                current.save(update_fields=["state", "started_at"])
            if current.state != MassChange.State.RUNNING:
                return current
            if current.chunks_done >= current.chunks:
                current.finish(at=now)
                current.save(update_fields=["state", "finished_at"])
                return current
            changed, skipped = apply_chunk(current, current.chunks_done, at=now)
            current.chunks_done += 1
            current.changed += changed
            current.skipped += skipped
            current.save(update_fields=["chunks_done", "changed", "skipped"])
        applied += 1
    return MassChange.objects.get(pk=pk)


def apply_chunk(batch: MassChange, chunk: int, *, at: datetime) -> tuple[int, int]:
    """Change the chunk's inscritos still in a source state; returns (changed, skipped).

    The caller holds the batch's lock inside the transaction this chunk commits in.
    """
    from mass_changes.tasks import send_mass_change_notices

    low = chunk * batch.chunk_size
    high = min(low + batch.chunk_size, batch.total)
    if batch.kind == MassChange.Kind.EX_OFFICIO_UPDATE:
        apply = (
            responsibility_update.apply_set_based
            if connection.vendor == "postgresql"
            else responsibility_update.apply_one_by_one
        )
    else:
        apply = _apply_set_based if connection.vendor == "postgresql" else _apply_one_by_one
    changed = apply(batch, chunk, low, high, at=at)
    send_mass_change_notices.delay_on_commit(batch.pk, chunk)
    return changed, (high - low) - changed


def _apply_one_by_one(batch: MassChange, chunk: int, low: int, high: int, *, at: datetime) -> int:
    """SQLite (the embedded default): the single path, inscrito by inscrito."""
    rule = KINDS[batch.kind]
    sources, _target = transition_states(rule.transition)
    items = MassChangeItem.objects.filter(
        batch=batch, position__gte=low, position__lt=high, registrant__state__in=sources
    ).select_related("registrant")
    changed = 0
    for item in items:
        registrant = change_state(
            item.registrant,
            transition_name=rule.transition,
            by=batch.decided_by,
            reason=batch.reason,
            legal_basis=batch.legal_basis,
            act_reference=batch.act_reference,
        )
        MassChangeNotice.queue(batch, chunk, registrant, at=at)
        changed += 1
    return changed


# The inscritos of the chunk still in a source state, locked in id order (no deadlock with
# another writer locking several), changed, and returned with the state they left.
UPDATE_SQL = """
WITH chosen AS (
    SELECT r.id, r.state FROM registry_registrant r
    JOIN mass_changes_masschangeitem i ON i.registrant_id = r.id
    WHERE i.batch_id = %(batch)s AND i.position >= %(low)s AND i.position < %(high)s
      AND r.state = ANY(%(sources)s)
    ORDER BY r.id
    FOR UPDATE OF r
)
UPDATE registry_registrant r SET state = %(target)s, state_changed_at = %(at)s
FROM chosen WHERE r.id = chosen.id
RETURNING r.id, chosen.state, r.email
"""

# For each changed inscrito: its next Formulario 001 version (the last one's snapshot with the new
# state: nothing else of the record changed), the audit entry pointing at it, the communication.
# The versions' ids are drawn beforehand, so each INSERT reads only the arrays passed in and no
# INSERT joins another's output (a join of CTEs is planned for one row: quadratic per chunk).
INSERT_SQL = """
WITH versions AS (
    INSERT INTO registry_formversion
        (id, registrant_id, form_number, version, concept, state, snapshot, created_at,
         created_by_id)
    SELECT c.version_id, c.registrant_id, c.form_number, last.version + 1, %(concept)s,
           %(target)s,
           last.snapshot || jsonb_build_object('state', %(target)s, 'state_label', %(label)s),
           %(at)s, %(actor)s
    FROM unnest(%(ids)s::bigint[], %(version_ids)s::bigint[], %(numbers)s::varchar[])
        AS c(registrant_id, version_id, form_number)
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
    SELECT c.registrant_id, %(action)s, c.from_state, %(target)s, %(actor)s, %(at)s, %(reason)s,
           %(legal_basis)s, %(act)s, '', c.version_id, '{}'::jsonb, false
    FROM unnest(%(ids)s::bigint[], %(from_states)s::varchar[], %(version_ids)s::bigint[])
        AS c(registrant_id, from_state, version_id)
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


def draw_ids(table: str, count: int) -> list[int]:
    """`count` values of a table's id sequence in one round trip."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _apply_set_based(batch: MassChange, chunk: int, low: int, high: int, *, at: datetime) -> int:
    rule = KINDS[batch.kind]
    sources, target = transition_states(rule.transition)
    actor = acting_user(batch.decided_by)
    with connection.cursor() as cursor:
        cursor.execute(
            UPDATE_SQL,
            {
                "batch": batch.pk,
                "low": low,
                "high": high,
                "sources": sources,
                "target": target,
                "at": at,
            },
        )
        rows = cursor.fetchall()
        if not rows:
            return 0
        ids = [row[0] for row in rows]
        cursor.execute(
            INSERT_SQL,
            {
                "ids": ids,
                "from_states": [row[1] for row in rows],
                "emails": [row[2] for row in rows],
                "version_ids": draw_ids(FormVersion._meta.db_table, len(ids)),
                "numbers": allocate_form_numbers(len(ids)),
                "concept": rule.concept,
                "target": target,
                "label": str(Registrant.State(target).label),
                "at": at,
                "actor": actor.pk if actor is not None else None,
                "action": rule.transition,
                "reason": batch.reason,
                "legal_basis": batch.legal_basis,
                "act": batch.act_reference,
                "batch": batch.pk,
                "chunk": chunk,
            },
        )
        counts = cursor.fetchone()
    require_whole_chunk(counts, len(ids), batch, chunk)
    _settle_moot_deadlines(ids)
    return len(ids)


def _settle_moot_deadlines(ids: list[int]) -> None:
    """The few changed inscritos with pending terms get them settled as change_state does."""
    with_pending = (
        Deadline.objects.filter(registrant_id__in=ids, state=Deadline.State.PENDING)
        .values_list("registrant_id", flat=True)
        .distinct()
    )
    for registrant in Registrant.objects.filter(pk__in=list(with_pending)):
        settle_deadlines(registrant)


def notice_text(batch: MassChange, notice: MassChangeNotice) -> str:
    """The communication to one inscrito of the change the batch applied to its RUT."""
    if batch.kind == MassChange.Kind.EX_OFFICIO_UPDATE:
        return responsibility_update.notice_text(batch, notice)
    registrant = notice.registrant
    text = _(
        "%(name)s, NIT %(nit)s: la DIAN aplicó a su RUT la %(change)s ordenada por %(act)s "
        "(%(basis)s). Motivo: %(reason)s. Formulario 001 N.º %(form)s."
    ) % {
        "name": registrant.display_name,
        "nit": registrant.formatted_nit,
        "change": str(FormVersion.Concept(KINDS[batch.kind].concept).label).lower(),
        "act": batch.act_reference,
        "basis": batch.legal_basis,
        "reason": batch.reason,
        "form": notice.form_version.form_number,
    }
    if batch.kind == MassChange.Kind.SUSPENSION:
        text = f"{text} {SUSPENSION_KEEPS_OBLIGATIONS}"
    return text
