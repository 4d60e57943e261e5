"""PostgreSQL: races on the same idempotency key and the same deceased person, append-only log."""

import threading
import time
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InternalError, connection, connections, transaction

from agreements.death_feed import process_death_feed, submit_death_feed
from agreements.models import AgreementEntity, DeathFeedEntry, QueryLog
from agreements.services import query_registry, register_by_agreement, run_once
from agreements.tasks import process_death_feed_task
from procedures.models import Case, Cause
from procedures.services.requirements import DeclaredDocument
from registry.models import Registrant
from rut_portal.errors import DomainError
from tests.factories import make_natural, natural_data

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


@pytest.fixture
def chamber_entity(reference_data, chamber):
    return chamber


def test_two_retries_at_once_with_one_key_register_once_and_get_the_same_answer(
    chamber_entity,
):
    data = natural_data()

    def attempt():
        entity = AgreementEntity.objects.select_related("user").get(pk=chamber_entity.pk)
        return run_once(
            entity=entity,
            key="alta-1",
            path="/api/v1/inscriptions/",
            fingerprint="same",
            operation=lambda: (
                201,
                {
                    "id": register_by_agreement(
                        entity,
                        data=data,
                        bank_certificate_date=None,
                        documents=[DeclaredDocument("applicant_id")],
                    ).pk
                },
            ),
        )

    outcomes = _race([attempt, attempt])

    assert sorted(o[2] for o in outcomes) == [False, True]  # one ran, one replayed
    assert outcomes[0][1] == outcomes[1][1]
    assert Registrant.objects.filter(document_number=data.document_number).count() == 1


def test_two_feeds_reporting_the_same_person_at_once_open_one_case(
    reference_data, civil_registry, monkeypatch
):
    import agreements.death_feed as death_feed

    lookup = death_feed._registrants

    def slow_lookup(rows):
        found = lookup(rows)
        time.sleep(0.5)  # widen the window between reading the registry and writing cases
        return found

    monkeypatch.setattr(death_feed, "_registrants", slow_lookup)
    # Queue nothing: the two workers below process the feeds, at the same time.
    monkeypatch.setattr(process_death_feed_task, "delay_on_commit", lambda *args: None)
    person = make_natural(responsibilities=[])
    death = (date.today() - timedelta(days=5)).isoformat()
    uploads = []
    for certificate in ("A1", "B2"):
        content = (
            "document_type,document_number,death_date,death_certificate_number\n"
            f"13,{person.document_number},{death},{certificate}\n"
        )
        file = SimpleUploadedFile(f"{certificate}.csv", content.encode())
        with transaction.atomic():
            uploads.append(submit_death_feed(civil_registry, file=file, file_format="csv")[0])

    _race([lambda u=u: process_death_feed(u.pk) for u in uploads])

    assert Case.objects.filter(registrant=person, cause=Cause.DECEASED).count() == 1
    outcomes = sorted(DeathFeedEntry.objects.values_list("outcome", flat=True))
    assert outcomes == ["already_in_process", "case_created"]


def test_the_query_log_refuses_update_and_delete(reference_data, public_entity):
    registrant = make_natural()
    query_registry(public_entity, nit=registrant.nit, purpose="Control", requested=["email"])
    for sql in ("UPDATE agreements_querylog SET purpose = 'x'", "DELETE FROM agreements_querylog"):
        with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert QueryLog.objects.get().purpose == "Control"
