"""Two officials act on the same case at the same moment: exactly one decision is applied."""

import threading

import pytest
from django.db import IntegrityError, InternalError, connection, connections, transaction

from accounts.models import Role
from accounts.services import create_official
from procedures.models import Case, CaseStep, CaseType, Cause, Channel, RequesterKind
from procedures.services.intake import (
    CaseRequest,
    check_requirements,
    decide_jurisdiction,
    receive_case,
)
from procedures.services.processing import approve_cancellation, grant_case, submit_for_approval
from registry.models import AuditEntry, Registrant
from rut_portal.errors import DomainError
from tests.factories import make_natural

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(actions):
    """Run each action in its own thread and connection, released together by a barrier."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            outcomes[index] = action()
        except DomainError as exc:
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_two_directors_approving_the_same_cancellation_apply_it_once(reference_data):
    official = create_official(username="f", password="x", role=Role.OFFICIAL, seccional="32")
    directors = [
        create_official(username=f"d{i}", password="x", role=Role.DIRECTOR, seccional="32")
        for i in range(2)
    ]
    registrant = make_natural(by=official)
    case = receive_case(
        CaseRequest(
            case_type=CaseType.CANCELLATION_ON_REQUEST,
            channel=Channel.IN_PERSON,
            cause=Cause.FOREIGN_INVESTMENT_ENDED,
            requester_kind=RequesterKind.USER,
            requester_name="X",
            registrant=registrant,
        ),
        by=official,
    )
    case = submit_for_approval(
        decide_jurisdiction(check_requirements(case, by=official, met=True), by=official),
        by=official,
    )

    outcomes = _race(
        [lambda d=d: approve_cancellation(Case.objects.get(pk=case.pk), by=d) for d in directors]
    )

    assert sum(isinstance(o, Case) for o in outcomes) == 1
    [refusal] = [o for o in outcomes if isinstance(o, DomainError)]
    assert "ya está en estado «Decidido»" in refusal.message
    assert CaseStep.objects.filter(case=case, kind=CaseStep.Kind.APPROVED).count() == 1
    assert AuditEntry.objects.filter(registrant=registrant, action="cancel").count() == 1
    assert registrant.form_versions.filter(concept="05").count() == 1
    registrant.refresh_from_db()
    assert registrant.state == Registrant.State.CANCELLED


def test_two_officials_granting_a_suspension_at_once_suspend_once(reference_data):
    officials = [
        create_official(username=f"o{i}", password="x", role=Role.OFFICIAL, seccional="32")
        for i in range(2)
    ]
    registrant = make_natural(by=officials[0])
    case = receive_case(
        CaseRequest(
            case_type=CaseType.SUSPENSION,
            channel=Channel.INTERNAL,
            cause=Cause.ADDRESS_NOT_FOUND,
            requester_kind=RequesterKind.DIAN_AREA,
            requester_name="Fiscalización",
            registrant=registrant,
        ),
        by=officials[0],
    )
    case = decide_jurisdiction(check_requirements(case, by=officials[0], met=True), by=officials[0])

    outcomes = _race(
        [lambda o=o: grant_case(Case.objects.get(pk=case.pk), by=o) for o in officials]
    )

    assert sum(isinstance(o, Case) for o in outcomes) == 1
    assert AuditEntry.objects.filter(registrant=registrant, action="suspend").count() == 1
    assert CaseStep.objects.filter(case=case, kind=CaseStep.Kind.GRANTED).count() == 1


def test_the_case_timeline_refuses_update_and_delete(reference_data):
    official = create_official(username="f", password="x", role=Role.OFFICIAL, seccional="32")
    case = receive_case(
        CaseRequest(
            case_type=CaseType.SUSPENSION,
            channel=Channel.INTERNAL,
            cause=Cause.ADDRESS_NOT_FOUND,
            requester_kind=RequesterKind.DIAN_AREA,
            requester_name="Fiscalización",
            registrant=make_natural(by=official),
        ),
        by=official,
    )
    step = case.steps.get()

    for statement in (
        "UPDATE procedures_casestep SET reason = 'x' WHERE id = %s",
        "DELETE FROM procedures_casestep WHERE id = %s",
    ):
        with pytest.raises((InternalError, IntegrityError)), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [step.pk])
    assert CaseStep.objects.get(pk=step.pk).reason == ""
