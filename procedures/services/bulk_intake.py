"""Activity 1 for many alike cases at once: the civil registry's death feed, 100,000 rows a file.

receive_alike_cases writes what receive_case and attach_document write for each case (the case
with its number, priority and due date, its RECEIVED step, its supporting document and
DOCUMENT_ADDED step, and its legal deadlines), built by the same functions, but set-based: one
numbering round trip for N numbers and one INSERT per table, whatever N is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.services import schedule_alike_cases_deadlines
from procedures.models import Case, CaseDocument, CaseStep, CaseType
from procedures.services.common import next_case_numbers
from procedures.services.intake import (
    CaseRequest,
    needs_act,
    new_case,
    received_details,
    request_payload,
    validate_request,
)
from registry.services.common import acting_user
from rut_portal.bulk import insert_many
from rut_portal.errors import DomainError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Fields of a case that differ between alike cases; every other column comes from the request.
VARYING_FIELDS = (
    "number",
    "registrant_id",
    "seccional_id",
    "received_at_seccional_id",
    "act_number",
    "act_date",
    "facts",
    "fact_date",
)


@dataclass(frozen=True)
class AlikeCase:
    """What one case of the lot is about: its inscrito, received at the inscrito's seccional
    (so none has to be forwarded), and its own act."""

    registrant_id: int
    seccional_id: str
    act_number: str = ""
    act_date: date | None = None
    facts: str = ""
    fact_date: date | None = None
    document_description: str = ""


@dataclass(frozen=True)
class StoredDocument:
    """A file already stored (e.g. the feed itself) that supports every case of the lot."""

    kind: str
    name: str
    sha256: str


@transaction.atomic
def receive_alike_cases(
    request: CaseRequest,
    cases: Sequence[AlikeCase],
    *,
    by: User | None,
    document: StoredDocument | None = None,
) -> list[int]:
    """receive_case (and attach_document) for many cases that share `request`; returns their ids.

    `request` holds what the cases share and names no inscrito; `cases` what varies. Callers pass
    inscritos they hold locked and have checked the rule for (e.g. require_deceased_cancellable).
    Requests that carry form data or come from abroad are received one by one (receive_case).
    """
    if request.case_type == CaseType.REGISTRATION or request.data is not None:
        raise ValueError("receive_alike_cases takes no inscriptions and no form data")
    if request.registrant is not None or request.from_abroad or request.refiled_from:
        raise ValueError("receive_alike_cases takes the inscritos in `cases`")
    if not cases:
        return []
    today = timezone.localdate()
    first = cases[0]
    validate_request(
        replace(request, act_number=first.act_number, act_date=first.act_date), alike=True
    )
    if needs_act(request.requester_kind) and not all(
        alike.act_number and alike.act_date and alike.act_date <= today for alike in cases
    ):
        raise DomainError(
            _("Cada trámite necesita el número y la fecha, no futura, del acto que lo ordena."),
            field="act_number",
        )
    prototype = new_case(
        request,
        by=by,
        number="",
        registrant=None,
        seccional=cases[0].seccional_id,
        payload=request_payload(request),
        today=today,
    )
    case_ids = insert_many(Case, template=_shared(prototype), varying=_varying(cases, today))
    actor = acting_user(by)
    actor_id = actor.pk if actor is not None else None
    insert_many(
        CaseStep,
        template={
            "kind": CaseStep.Kind.RECEIVED,
            "to_state": prototype.state,
            "actor_id": actor_id,
            "details": received_details(request),
        },
        varying={"case_id": case_ids},
    )
    if document is not None:
        _attach(document, cases, case_ids, actor_id=actor_id, state=prototype.state)
    # The terms depend on nothing that varies: same day, same requester, and each case at the
    # seccional of its own inscrito (nothing to forward).
    prototype.received_at = (
        Case.objects.filter(pk=case_ids[0]).values_list("received_at", flat=True).get()
    )
    schedule_alike_cases_deadlines(
        prototype,
        [(pk, alike.registrant_id) for pk, alike in zip(case_ids, cases, strict=True)],
    )
    return case_ids


def _shared(prototype: Case) -> dict[str, Any]:
    """The prototype's columns every case of the lot has (state and received_at: on insert)."""
    skip = {"id", "state", "received_at", *VARYING_FIELDS}
    return {
        f.attname: getattr(prototype, f.attname)
        for f in Case._meta.concrete_fields
        if f.attname not in skip
    }


def _varying(cases: Sequence[AlikeCase], today: date) -> dict[str, list[Any]]:
    seccionales = [alike.seccional_id for alike in cases]
    return {
        "number": next_case_numbers(len(cases), today.year),
        "registrant_id": [alike.registrant_id for alike in cases],
        "seccional_id": seccionales,
        "received_at_seccional_id": seccionales,
        "act_number": [alike.act_number for alike in cases],
        "act_date": [alike.act_date for alike in cases],
        "facts": [alike.facts for alike in cases],
        "fact_date": [alike.fact_date for alike in cases],
    }


def _attach(
    document: StoredDocument,
    cases: Sequence[AlikeCase],
    case_ids: list[int],
    *,
    actor_id: int | None,
    state: str,
) -> None:
    """attach_document's rows for every case: the document and its DOCUMENT_ADDED step."""
    document_ids = insert_many(
        CaseDocument,
        template={
            "kind": document.kind,
            "file": document.name,
            "sha256": document.sha256,
            "uploaded_by_id": actor_id,
        },
        varying={
            "case_id": case_ids,
            "description": [alike.document_description for alike in cases],
        },
    )
    insert_many(
        CaseStep,
        template={
            "kind": CaseStep.Kind.DOCUMENT_ADDED,
            "from_state": state,
            "to_state": state,
            "actor_id": actor_id,
        },
        varying={
            "case_id": case_ids,
            "details": [{"document": pk, "kind": document.kind} for pk in document_ids],
        },
    )
