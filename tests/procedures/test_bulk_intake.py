"""procedures.services.bulk_intake: many alike cases received at once, as receive_case would."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deadlines.models import Deadline, Rule
from procedures.models import Case, CaseDocument, CaseStep, CaseType, Cause, Channel, RequesterKind
from procedures.services.bulk_intake import AlikeCase, StoredDocument, receive_alike_cases
from procedures.services.common import next_case_number
from procedures.services.intake import CaseRequest, attach_document, receive_case
from rut_portal.business_days import add_business_days
from rut_portal.errors import DomainError
from tests.clock import TODAY
from tests.factories import make_natural

pytestmark = pytest.mark.django_db

DEATH = TODAY - timedelta(days=20)


@pytest.fixture
def registry_user(django_user_model):
    """The civil registry's API user: not staff, so it is also the case's requester."""
    return django_user_model.objects.create_user("registraduria", password="x")


def _request(**overrides):
    values = dict(
        case_type=CaseType.CANCELLATION_EX_OFFICIO,
        channel=Channel.AGREEMENT_API,
        cause=Cause.DECEASED,
        requester_kind=RequesterKind.CIVIL_REGISTRY,
        requester_name="Registraduría Nacional del Estado Civil",
        requester_email="defunciones@registraduria.example.co",
        mode="ex_officio",
        act_issuer="Registraduría Nacional del Estado Civil",
        act_is_final=True,
    )
    values.update(overrides)
    return CaseRequest(**values)


def _alike(person, certificate="0987", **overrides):
    values = dict(
        registrant_id=person.pk,
        seccional_id=person.seccional_id,
        act_number=certificate,
        act_date=DEATH,
        facts=f"Defunción con registro civil {certificate}.",
        fact_date=DEATH,
        document_description=f"Reporte 1, registro {certificate}",
    )
    values.update(overrides)
    return AlikeCase(**values)


FEED = StoredDocument(kind=CaseDocument.Kind.DEATH_RECORD, name="feeds/f.csv", sha256="ab" * 32)


def test_an_alike_case_is_written_as_receive_case_and_attach_document_write_one(registry_user):
    bulk_person, single_person = make_natural(), make_natural()
    [bulk_id] = receive_alike_cases(
        _request(), [_alike(bulk_person, "123")], by=registry_user, document=FEED
    )
    bulk = Case.objects.get(pk=bulk_id)
    single = receive_case(
        _request(
            registrant=single_person, act_number="123", act_date=DEATH, fact_date=DEATH, facts=""
        ),
        by=registry_user,
    )
    attach_document(
        single,
        kind=CaseDocument.Kind.DEATH_RECORD,
        file=SimpleUploadedFile("r.csv", b"x"),
        by=registry_user,
        description="Reporte 1, registro 123",
    )

    ignored = {"id", "number", "registrant", "received_at", "facts"}
    fields = [f.attname for f in Case._meta.concrete_fields if f.name not in ignored]
    assert {f: getattr(bulk, f) for f in fields} == {f: getattr(single, f) for f in fields}
    assert (bulk.registrant, bulk.facts) == (bulk_person, "Defunción con registro civil 123.")
    assert bulk.requester_user == registry_user
    assert bulk.priority == 5  # an authority's order (deadlines.rules.AUTHORITY_PRIORITY)
    # Procedure 3.2: a cancelación de oficio is decided at most three business days after receipt.
    assert bulk.due_on == add_business_days(TODAY, 3)

    def timeline(case):
        return [
            (s.kind, s.from_state, s.to_state, s.actor_id, sorted(s.details))
            for s in case.steps.order_by("id")
        ]

    assert timeline(bulk) == timeline(single)
    assert bulk.steps.get(kind=CaseStep.Kind.RECEIVED).details == {
        "channel": "agreement_api",
        "refiled_from": "",
    }
    document = bulk.documents.get()
    assert (document.file.name, document.sha256, document.description) == (
        "feeds/f.csv",
        "ab" * 32,
        "Reporte 1, registro 123",
    )
    assert document.uploaded_by == single.documents.get().uploaded_by == registry_user

    def terms(case):
        skip = {"id", "key", "case", "registrant", "created_at"}
        names = [f.attname for f in Deadline._meta.concrete_fields if f.name not in skip]
        return [{n: getattr(d, n) for n in names} for d in case.deadlines.order_by("rule")]

    assert terms(bulk) == terms(single)
    assert [(d.rule, d.registrant) for d in bulk.deadlines.all()] == [
        (Rule.EX_OFFICIO_CANCELLATION, bulk_person)
    ]


def test_n_cases_cost_the_same_queries_as_one_and_get_consecutive_numbers(registry_user):
    people = [make_natural() for _ in range(6)]
    with CaptureQueriesContext(connection) as one:
        receive_alike_cases(_request(), [_alike(people[0])], by=registry_user, document=FEED)
    with CaptureQueriesContext(connection) as five:
        ids = receive_alike_cases(
            _request(), [_alike(p, str(i)) for i, p in enumerate(people[1:])], by=registry_user
        )

    # Without the document: two INSERTs fewer. Numbering is one round trip for the five.
    assert len(five) == len(one) - 2
    numbers = list(Case.objects.filter(pk__in=ids).order_by("pk").values_list("number", flat=True))
    values = [int(n.split("-")[1]) for n in numbers]
    assert numbers[0].startswith(f"{TODAY.year}-")
    assert values == list(range(values[0], values[0] + 5))
    # The single-case path draws from the same sequence, after them.
    assert int(next_case_number(TODAY.year).split("-")[1]) == values[-1] + 1
    assert [c.registrant_id for c in Case.objects.filter(pk__in=ids).order_by("pk")] == [
        p.pk for p in people[1:]
    ]
    assert Deadline.objects.filter(case_id__in=ids).count() == 5


def test_an_order_lacking_the_act_of_one_case_is_refused_and_nothing_is_written(registry_user):
    people = [make_natural(), make_natural()]
    cases = [_alike(people[0]), _alike(people[1], act_number="")]

    with pytest.raises(DomainError) as error:
        receive_alike_cases(_request(), cases, by=registry_user, document=FEED)

    assert error.value.message == (
        "Cada trámite necesita el número y la fecha, no futura, del acto que lo ordena."
    )
    assert not Case.objects.exists()
    assert not CaseStep.objects.exists() and not Deadline.objects.filter(case__isnull=False)


def test_the_shared_request_is_checked_like_any_request(registry_user):
    # Procedure 3.2: a cancelación de oficio is never processed at the user's request.
    with pytest.raises(DomainError) as error:
        receive_alike_cases(
            _request(requester_kind=RequesterKind.USER), [_alike(make_natural())], by=registry_user
        )
    assert "no se tramita a solicitud del usuario" in error.value.message
    assert not Case.objects.exists()


def test_an_empty_lot_writes_nothing(registry_user):
    with CaptureQueriesContext(connection) as queries:
        assert receive_alike_cases(_request(), [], by=registry_user) == []
    assert [q["sql"].split()[0] for q in queries] == ["SAVEPOINT", "RELEASE"]
