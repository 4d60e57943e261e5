"""The civil registry's death feed (Decreto 2460 de 2013, art. 17 num. 2 lit. a).

A file of deceased persons (CSV or JSON lines) is checked and stored when it arrives, then
processed in the background in batches. Each row becomes a cancelación de oficio case, received
by procedures.services.bulk_intake.receive_alike_cases (what receive_case + attach_document
write, legal deadlines included), when procedures.services.deceased allows it: a natural person
with no responsibilities, or only the simplified / no-responsable ones. Every other row becomes a
line of the report (for an official, or why nothing was done).

The bulk path exists for speed (100,000 rows against a registry of millions): it looks rows up
and has cases, steps, documents and report lines written a batch at a time, in one transaction per
batch, under row locks on the inscritos it touches. A batch is applied once: the upload row
remembers how many rows are done, so a retried or resumed task carries on where it stopped.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import AgreementEntity, DeathFeedEntry, DeathFeedUpload, EntityKind, Scope
from procedures.models import Case, CaseDocument, CaseType, Cause, Channel, Mode, RequesterKind
from procedures.services.bulk_intake import AlikeCase, StoredDocument, receive_alike_cases
from procedures.services.deceased import (
    DeceasedWithResponsibilities,
    deceased_cancellable_responsibilities,
    require_deceased_cancellable,
)
from procedures.services.intake import CaseRequest
from registry.models import DocumentType, PersonType, Registrant
from rut_portal.bulk import insert_many
from rut_portal.errors import DomainError, NotAllowed

BATCH_SIZE = 2000
MAX_FEED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 1_000_000
COLUMNS = ("document_type", "document_number", "death_date", "death_certificate_number")
# The civil registry's own column names and document abbreviations are accepted too.
COLUMN_ALIASES = {
    "tipo_documento": "document_type",
    "numero_documento": "document_number",
    "fecha_defuncion": "death_date",
    "numero_registro_defuncion": "death_certificate_number",
    "registro_defuncion": "death_certificate_number",
}
DOCUMENT_ALIASES = {"CC": "13", "CE": "22", "TI": "12", "RC": "11", "PA": "41", "NUIP": "91"}
OPEN_CASE_EXCLUDED_STATES = (Case.State.REJECTED, Case.State.COMMUNICATED, Case.State.CLOSED)
Outcome = DeathFeedEntry.Outcome


# --- Receiving the file -------------------------------------------------------------------------


def _column(name: str) -> str:
    key = name.strip().lower().lstrip("\ufeff")
    return COLUMN_ALIASES.get(key, key)


def _text(file: IO[bytes]) -> io.TextIOWrapper:
    return io.TextIOWrapper(file, encoding="utf-8-sig", newline="")


def _digest(file: UploadedFile) -> str:
    """SHA-256 of the file, refusing anything that is not UTF-8 text."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in file.chunks():
            digest.update(chunk)
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise DomainError(_("El archivo debe estar codificado en UTF-8."), field="file") from None
    return digest.hexdigest()


def _count_rows(file: UploadedFile, file_format: str) -> int:
    """Check the file's structure (header, first record) and count its data rows."""
    file.seek(0)
    text = _text(file)
    try:
        if file_format == DeathFeedUpload.Format.CSV:
            reader = csv.reader(text)
            header = [_column(name) for name in next(reader, [])]
            missing = [name for name in COLUMNS if name not in header]
            if missing:
                raise DomainError(
                    _("Faltan las columnas: %(c)s.") % {"c": ", ".join(missing)}, field="file"
                )
            rows = sum(1 for row in reader if any(cell.strip() for cell in row))
        else:
            rows = 0
            for line in text:
                if not line.strip():
                    continue
                if rows == 0 and not isinstance(_json_object(line), dict):
                    raise DomainError(
                        _("Cada línea debe ser un objeto JSON con las columnas del reporte."),
                        field="file",
                    )
                rows += 1
    except csv.Error as exc:
        raise DomainError(_("El CSV está mal formado: %(e)s.") % {"e": exc}, field="file") from None
    finally:
        text.detach()
    if rows == 0:
        raise DomainError(_("El archivo no tiene filas."), field="file")
    if rows > MAX_ROWS:
        raise DomainError(
            _("El archivo tiene más de %(n)s filas; divídalo.") % {"n": MAX_ROWS}, field="file"
        )
    return rows


def _json_object(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return None


def submit_death_feed(
    entity: AgreementEntity, *, file: UploadedFile, file_format: str
) -> tuple[DeathFeedUpload, bool]:
    """Store a death feed and queue its processing; the same file again returns the first upload.

    Returns (upload, created). Refuses files that are too large, not UTF-8, without the
    required columns or without rows; rows are checked one by one in the background.
    """
    if not entity.has_scope(Scope.DEATH_FEED) or entity.kind != EntityKind.CIVIL_REGISTRY:
        raise NotAllowed(_("Solo la Registraduría reporta defunciones, según su convenio."))
    if file_format not in DeathFeedUpload.Format.values:
        raise DomainError(_("Formato desconocido: use csv o jsonl."), field="format")
    if file.size is None or file.size > MAX_FEED_BYTES:
        raise DomainError(
            _("El archivo supera %(mb)s MB.") % {"mb": MAX_FEED_BYTES // 2**20}, field="file"
        )
    digest = _digest(file)
    existing = DeathFeedUpload.objects.filter(entity=entity, sha256=digest).first()
    if existing is not None:
        return existing, False
    total = _count_rows(file, file_format)
    file.seek(0)
    try:
        with transaction.atomic():
            upload = DeathFeedUpload.objects.create(
                entity=entity,
                file=file,
                original_name=(file.name or "")[:200],
                file_format=file_format,
                sha256=digest,
                size=file.size,
                total_rows=total,
            )
    except IntegrityError:  # the same file, sent twice at the same moment
        return DeathFeedUpload.objects.get(entity=entity, sha256=digest), False
    from agreements.tasks import process_death_feed_task

    process_death_feed_task.delay_on_commit(upload.pk)
    return upload, True


# --- Reading rows -------------------------------------------------------------------------------


@dataclass
class FeedRow:
    line: int
    document_type: str = ""
    document_number: str = ""
    death_date: date | None = None
    certificate: str = ""
    error: str = ""


def read_rows(upload: DeathFeedUpload) -> Iterator[FeedRow]:
    """The data rows of a stored feed, in file order, each parsed or carrying its error."""
    known = dict(DocumentType.objects.values_list("code", "applies_to"))
    today = timezone.localdate()
    with upload.file.open("rb") as raw:
        text = _text(raw)
        if upload.file_format == DeathFeedUpload.Format.CSV:
            reader = csv.reader(text)
            header = [_column(name) for name in next(reader)]
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    values = dict(zip(header, cells, strict=False))
                    yield _parse(reader.line_num, values, known, today)
        else:
            for number, line in enumerate(text, start=1):
                if line.strip():
                    values = _json_object(line)
                    if not isinstance(values, dict):
                        yield FeedRow(line=number, error=_("La línea no es un objeto JSON."))
                    else:
                        yield _parse(
                            number, {_column(k): v for k, v in values.items()}, known, today
                        )
        text.detach()


def _parse(line: int, values: dict[str, Any], known: dict[str, str], today: date) -> FeedRow:
    def value(name: str) -> str:
        raw = values.get(name)
        return "" if raw is None else str(raw).strip()

    doc_type = value("document_type").upper()
    doc_type = DOCUMENT_ALIASES.get(doc_type, doc_type)
    number = value("document_number").replace(".", "").replace(" ", "")
    row = FeedRow(
        line=line,
        document_type=doc_type[:2],
        document_number=number[:20],
        certificate=value("death_certificate_number")[:60],
    )
    if doc_type not in known:
        row.error = _("Tipo de documento desconocido: «%(t)s».") % {"t": doc_type[:10]}
    elif known[doc_type] == DocumentType.AppliesTo.LEGAL:
        row.error = _("El tipo de documento %(t)s no es de personas naturales.") % {"t": doc_type}
    elif not number or not number.isalnum() or len(number) > 20:
        row.error = _("Número de identificación inválido.")
    elif not value("death_certificate_number") or len(value("death_certificate_number")) > 60:
        row.error = _("Falta el número del registro civil de defunción (máximo 60 caracteres).")
    else:
        row.death_date = _parse_date(value("death_date"))
        if row.death_date is None:
            row.error = _("Fecha de defunción inválida: use AAAA-MM-DD.")
        elif row.death_date > today or row.death_date.year < 1900:
            row.error = _("La fecha de defunción no puede ser futura ni anterior a 1900.")
    return row


def _parse_date(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


# --- Processing ---------------------------------------------------------------------------------


@dataclass
class _Batch:
    upload: DeathFeedUpload
    rows: list[FeedRow]
    # Per row: (row, outcome, detail, registrant id)
    outcomes: list[tuple[FeedRow, str, str, int | None]] = field(default_factory=list)
    new_cases: list[tuple[FeedRow, tuple[int, str]]] = field(default_factory=list)


def process_death_feed(upload_id: int) -> DeathFeedUpload:
    """Process a stored feed to the end; safe to call again (it resumes, or does nothing)."""
    upload = _start(upload_id)
    if upload.state != DeathFeedUpload.State.PROCESSING:
        return upload
    rows = read_rows(upload)
    position = upload.processed_rows
    for batch in _chunks(islice(rows, position, None), BATCH_SIZE):
        _process_batch(upload_id, start=position, rows=batch)
        position += len(batch)
    return _finish(upload_id)


def _chunks(rows: Iterable[FeedRow], size: int) -> Iterator[list[FeedRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


@transaction.atomic
def _start(upload_id: int) -> DeathFeedUpload:
    upload = DeathFeedUpload.objects.select_for_update().get(pk=upload_id)
    if upload.state == DeathFeedUpload.State.RECEIVED:
        upload.state = DeathFeedUpload.State.PROCESSING
        upload.started_at = timezone.now()
        upload.save(update_fields=["state", "started_at"])
    return upload


@transaction.atomic
def _finish(upload_id: int) -> DeathFeedUpload:
    upload = DeathFeedUpload.objects.select_for_update().get(pk=upload_id)
    if upload.state == DeathFeedUpload.State.PROCESSING:
        upload.state = DeathFeedUpload.State.DONE
        upload.finished_at = timezone.now()
        upload.save(update_fields=["state", "finished_at"])
    return upload


@transaction.atomic
def _process_batch(upload_id: int, *, start: int, rows: list[FeedRow]) -> None:
    """Apply rows [start, start + len) once: a second worker finds them done and skips them."""
    upload = (
        DeathFeedUpload.objects.select_for_update(of=("self",))
        .select_related("entity__user")
        .get(pk=upload_id)
    )
    done = upload.processed_rows - start
    if done >= len(rows):
        return
    batch = _Batch(upload=upload, rows=rows[max(done, 0) :])
    _classify(batch)
    cases = _create_cases(batch)
    insert_many(
        DeathFeedEntry,
        template={"upload_id": upload.pk},
        varying={
            "line": [row.line for row, *_rest in batch.outcomes],
            "document_type": [row.document_type for row, *_rest in batch.outcomes],
            "document_number": [row.document_number for row, *_rest in batch.outcomes],
            "death_date": [row.death_date for row, *_rest in batch.outcomes],
            "death_certificate_number": [row.certificate for row, *_rest in batch.outcomes],
            "outcome": [outcome for _row, outcome, *_rest in batch.outcomes],
            "detail": [detail[:300] for _row, _outcome, detail, _id in batch.outcomes],
            "registrant_id": [registrant_id for *_rest, registrant_id in batch.outcomes],
            "case_id": [cases.get(row.line) for row, *_rest in batch.outcomes],
        },
    )
    _count(upload, [outcome for _row, outcome, *_rest in batch.outcomes])


def _classify(batch: _Batch) -> None:
    """Decide each row's outcome with a handful of queries for the whole batch."""
    valid = [row for row in batch.rows if not row.error]
    found = _registrants(valid)
    ids = [r[0] for r in found.values()]
    held: dict[int, set[str]] = {}
    for registrant_id, code in Registrant.responsibilities.through.objects.filter(
        registrant_id__in=ids
    ).values_list("registrant_id", "responsibility_id"):
        held.setdefault(registrant_id, set()).add(code)
    open_cases = dict(
        Case.objects.filter(
            registrant_id__in=ids,
            case_type=CaseType.CANCELLATION_EX_OFFICIO,
            cause=Cause.DECEASED,
        )
        .exclude(state__in=OPEN_CASE_EXCLUDED_STATES)
        .values_list("registrant_id", "number")
    )
    allowed = deceased_cancellable_responsibilities()
    for row in batch.rows:
        registrant = found.get((row.document_type, row.document_number))
        outcome, detail = _outcome(row, registrant, held, open_cases, allowed)
        batch.outcomes.append((row, outcome, detail, registrant[0] if registrant else None))
        if outcome == Outcome.CASE_CREATED:
            assert registrant is not None
            batch.new_cases.append((row, (registrant[0], registrant[3])))
            open_cases[registrant[0]] = ""  # a second row for the same person in this batch


def _registrants(rows: list[FeedRow]) -> dict[tuple[str, str], tuple[int, str, str, str]]:
    """(type, number) → (id, state, person type, seccional), locked in id order (no deadlock)."""
    by_type: dict[str, list[str]] = {}
    for row in rows:
        by_type.setdefault(row.document_type, []).append(row.document_number)
    found: dict[tuple[str, str], tuple[int, str, str, str]] = {}
    for doc_type, numbers in by_type.items():
        matches = (
            Registrant.objects.select_for_update(of=("self",))
            .filter(document_type_id=doc_type, document_number__in=numbers)
            # Repeats the unique index's condition so PostgreSQL may use that partial index.
            .exclude(document_number="")
            .order_by("pk")
            .values_list("pk", "document_number", "state", "person_type", "seccional_id")
        )
        for pk, number, state, person_type, seccional in matches:
            found[(doc_type, number)] = (pk, state, person_type, seccional)
    return found


def _outcome(
    row: FeedRow,
    registrant: tuple[int, str, str, str] | None,
    held: dict[int, set[str]],
    open_cases: dict[int, str],
    allowed: frozenset[str],
) -> tuple[str, str]:
    if row.error:
        return Outcome.INVALID, row.error
    if registrant is None:
        return Outcome.NOT_FOUND, ""
    pk, state, person_type, _seccional = registrant
    if person_type != PersonType.NATURAL:
        return Outcome.NOT_NATURAL_PERSON, ""
    if state == Registrant.State.CANCELLED:
        return Outcome.ALREADY_CANCELLED, ""
    if state not in (Registrant.State.ACTIVE, Registrant.State.SUSPENDED):
        return Outcome.NOT_CANCELLABLE, str(Registrant.State(state).label)
    if pk in open_cases:
        number = open_cases[pk]
        return Outcome.ALREADY_IN_PROCESS, (
            _("Trámite %(n)s.") % {"n": number} if number else _("Repetido en el archivo.")
        )
    try:
        require_deceased_cancellable(held.get(pk, ()), allowed=allowed)
    except DeceasedWithResponsibilities as refusal:
        return Outcome.NEEDS_OFFICIAL, refusal.message
    return Outcome.CASE_CREATED, ""


def _create_cases(batch: _Batch) -> dict[int, int]:
    """The batch's cases, received by procedures' bulk intake; returns {line: case id}."""
    if not batch.new_cases:
        return {}
    upload, entity = batch.upload, batch.upload.entity
    request = CaseRequest(
        case_type=CaseType.CANCELLATION_EX_OFFICIO,
        channel=Channel.AGREEMENT_API,
        cause=Cause.DECEASED,
        requester_kind=RequesterKind.CIVIL_REGISTRY,
        requester_name=entity.name,
        requester_email=entity.email,
        mode=Mode.EX_OFFICIO,
        act_issuer=entity.name,
        act_is_final=True,
    )
    facts = _(
        "La Registraduría reporta la defunción el %(date)s (registro civil de defunción "
        "%(cert)s), en el reporte N.º %(id)s, línea %(line)s."
    )
    description = _("Reporte de defunciones N.º %(id)s, línea %(line)s")
    rows = [row for row, _registrant in batch.new_cases]
    cases = [
        AlikeCase(
            registrant_id=registrant_id,
            seccional_id=seccional,
            act_number=row.certificate,
            act_date=row.death_date,
            facts=facts
            % {
                "date": row.death_date.strftime("%d/%m/%Y") if row.death_date else "",
                "cert": row.certificate,
                "id": upload.pk,
                "line": row.line,
            },
            fact_date=row.death_date,
            document_description=description % {"id": upload.pk, "line": row.line},
        )
        for row, (registrant_id, seccional) in batch.new_cases
    ]
    case_ids = receive_alike_cases(
        request,
        cases,
        by=entity.user,
        document=StoredDocument(
            kind=CaseDocument.Kind.DEATH_RECORD, name=str(upload.file.name), sha256=upload.sha256
        ),
    )
    return {row.line: case_id for row, case_id in zip(rows, case_ids, strict=True)}


_COUNTERS: dict[str, str] = {
    Outcome.CASE_CREATED: "cases_created",
    Outcome.NEEDS_OFFICIAL: "needs_official",
    Outcome.NOT_NATURAL_PERSON: "needs_official",
    Outcome.NOT_CANCELLABLE: "needs_official",
    Outcome.NOT_FOUND: "not_found",
    Outcome.ALREADY_CANCELLED: "skipped",
    Outcome.ALREADY_IN_PROCESS: "skipped",
    Outcome.INVALID: "invalid_rows",
}


def _count(upload: DeathFeedUpload, outcomes: list[str]) -> None:
    for outcome in outcomes:
        name = _COUNTERS[outcome]
        setattr(upload, name, getattr(upload, name) + 1)
    upload.processed_rows += len(outcomes)
    upload.save(update_fields=["processed_rows", *sorted(set(_COUNTERS.values()))])


def needs_attention_outcomes() -> list[str]:
    """The report's default lines: every row that did not become a case."""
    return [o for o in Outcome.values if o != Outcome.CASE_CREATED]
