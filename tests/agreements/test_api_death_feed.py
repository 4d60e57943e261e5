import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.death_feed import process_death_feed
from agreements.models import DeathFeedEntry, DeathFeedUpload
from deadlines.models import Rule
from procedures.models import Case, CaseStep, Cause
from procedures.services.deceased import DeceasedWithResponsibilities
from registry.models import Registrant
from registry.services.states import change_state
from tests.clock import TODAY
from tests.factories import make_natural

pytestmark = pytest.mark.django_db

URL = "/api/v1/death-feeds/"
DEATH = TODAY - timedelta(days=20)
HEADER = "document_type,document_number,death_date,death_certificate_number\n"


def csv_file(rows, name="defunciones.csv", header=HEADER):
    lines = [header] + [",".join(row) + "\n" for row in rows]
    return SimpleUploadedFile(name, "".join(lines).encode(), "text/csv")


def row(registrant_or_number, certificate="09876543", death=DEATH, doc_type="13"):
    number = getattr(registrant_or_number, "document_number", registrant_or_number)
    return (doc_type, number, death.isoformat(), certificate)


@pytest.fixture
def people():
    return {
        "no_responsibilities": make_natural(responsibilities=[]),
        "no_responsable_iva": make_natural(responsibilities=["49"]),
        "income_tax": make_natural(responsibilities=["05"]),
        "cancelled": make_natural(responsibilities=[]),
    }


def upload(client, file, **data):
    return client.post(URL, {"file": file, **data}, format="multipart")


def test_a_feed_becomes_cases_where_the_rule_allows_and_a_report_for_the_rest(
    civil_registry_client, people, django_capture_on_commit_callbacks
):
    change_state(people["cancelled"], transition_name="cancel", by=None)
    rows = [
        row(people["no_responsibilities"], "111"),
        row(people["no_responsable_iva"], "222"),
        row(people["income_tax"], "333"),
        row(people["cancelled"], "444"),
        row("1000000001", "555"),
        ("99", "123", DEATH.isoformat(), "666"),
        ("13", "52000001", "31/02/2020", "777"),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(civil_registry_client, csv_file(rows))

    assert response.status_code == 201, response.json()
    feed = DeathFeedUpload.objects.get(pk=response.json()["id"])
    assert feed.state == DeathFeedUpload.State.DONE
    assert (feed.total_rows, feed.processed_rows) == (7, 7)
    assert (feed.cases_created, feed.needs_official, feed.not_found) == (2, 1, 1)
    assert (feed.skipped, feed.invalid_rows) == (1, 2)
    cases = Case.objects.filter(cause=Cause.DECEASED).order_by("act_number")
    assert [c.registrant for c in cases] == [
        people["no_responsibilities"],
        people["no_responsable_iva"],
    ]
    income_tax = feed.entries.get(registrant=people["income_tax"])
    assert income_tax.outcome == DeathFeedEntry.Outcome.NEEDS_OFFICIAL
    # The same refusal, word for word, an official gets from submit_for_approval (art. 17).
    assert income_tax.detail == DeceasedWithResponsibilities(["05"]).message
    # Nothing in the registry changes until an official and the director act on the case.
    people["no_responsibilities"].refresh_from_db()
    assert people["no_responsibilities"].state == Registrant.State.ACTIVE


def test_a_feed_case_is_received_by_the_bulk_intake_with_the_feed_as_its_document(
    civil_registry, civil_registry_client, django_capture_on_commit_callbacks
):
    person = make_natural(responsibilities=[])
    with django_capture_on_commit_callbacks(execute=True):
        upload(civil_registry_client, csv_file([row(person, "123")]))

    case = Case.objects.get(registrant=person)
    feed = DeathFeedUpload.objects.get()
    assert (case.act_number, case.act_date, case.fact_date) == ("123", DEATH, DEATH)
    assert (case.requester_user, case.requester_kind) == (civil_registry.user, "civil_registry")
    assert case.facts.endswith(f"en el reporte N.º {feed.pk}, línea 2.")
    document = case.documents.get()
    assert (document.file.name, document.sha256) == (feed.file.name, feed.sha256)
    assert document.description == f"Reporte de defunciones N.º {feed.pk}, línea 2"
    assert [s.kind for s in case.steps.order_by("id")] == [
        CaseStep.Kind.RECEIVED,
        CaseStep.Kind.DOCUMENT_ADDED,
    ]
    assert [d.rule for d in case.deadlines.all()] == [Rule.EX_OFFICIO_CANCELLATION]
    assert feed.entries.get().case == case


def test_the_same_file_twice_does_nothing_the_second_time(
    civil_registry_client, people, django_capture_on_commit_callbacks
):
    rows = [row(people["no_responsibilities"])]
    with django_capture_on_commit_callbacks(execute=True):
        first = upload(civil_registry_client, csv_file(rows))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = upload(civil_registry_client, csv_file(rows, name="otra-vez.csv"))

    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["duplicate"] is True
    assert callbacks == []  # nothing queued
    assert DeathFeedUpload.objects.count() == 1
    assert Case.objects.filter(cause=Cause.DECEASED).count() == 1


def test_a_person_already_in_process_from_another_file_gets_no_second_case(
    civil_registry_client, people, django_capture_on_commit_callbacks
):
    person = people["no_responsibilities"]
    with django_capture_on_commit_callbacks(execute=True):
        upload(civil_registry_client, csv_file([row(person, "1")]))
        response = upload(civil_registry_client, csv_file([row(person, "2"), row(person, "2")]))

    feed = DeathFeedUpload.objects.get(pk=response.json()["id"])
    assert feed.skipped == 2
    entry = feed.entries.first()
    assert entry.outcome == DeathFeedEntry.Outcome.ALREADY_IN_PROCESS
    assert Case.objects.get(registrant=person).number in entry.detail


def test_a_repeated_row_in_the_same_batch_makes_one_case(
    civil_registry_client, people, django_capture_on_commit_callbacks
):
    person = people["no_responsibilities"]
    with django_capture_on_commit_callbacks(execute=True):
        upload(civil_registry_client, csv_file([row(person, "1"), row(person, "1b")]))

    assert Case.objects.filter(registrant=person).count() == 1
    assert DeathFeedEntry.objects.filter(outcome="already_in_process").count() == 1


def test_json_lines_with_civil_registry_names_and_abbreviations(
    civil_registry_client, people, django_capture_on_commit_callbacks
):
    person = people["no_responsable_iva"]
    lines = [
        json.dumps(
            {
                "tipo_documento": "CC",
                "numero_documento": person.document_number,
                "fecha_defuncion": DEATH.strftime("%d/%m/%Y"),
                "numero_registro_defuncion": "0912",
            }
        ),
        "",
        "esto no es JSON",
    ]
    file = SimpleUploadedFile("feed.jsonl", "\n".join(lines).encode())

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(civil_registry_client, file)

    assert response.status_code == 201, response.json()
    feed = DeathFeedUpload.objects.get()
    assert (feed.file_format, feed.cases_created, feed.invalid_rows) == ("jsonl", 1, 1)
    assert Case.objects.get(registrant=person).act_number == "0912"


def test_progress_and_report_endpoints(
    civil_registry_client, people, django_capture_on_commit_callbacks
):
    rows = [row(people["income_tax"]), row(people["no_responsibilities"]), row("77777777")]
    with django_capture_on_commit_callbacks(execute=True):
        feed_id = upload(civil_registry_client, csv_file(rows)).json()["id"]

    progress = civil_registry_client.get(f"{URL}{feed_id}/").json()
    report = civil_registry_client.get(f"{URL}{feed_id}/report/").json()
    created = civil_registry_client.get(
        f"{URL}{feed_id}/report/", {"outcome": "case_created"}
    ).json()

    assert progress["state"] == "done"
    assert progress["progress"] == 100.0
    assert [line["outcome"] for line in report["results"]] == ["needs_official", "not_found"]
    assert report["results"][0]["nit"] == people["income_tax"].formatted_nit
    assert report["results"][0]["line"] == 2  # the header is line 1
    assert created["results"][0]["case_number"].startswith(str(date.today().year))
    listed = civil_registry_client.get(URL).json()
    assert listed["count"] == 1


def test_progress_while_queued_shows_the_row_count(civil_registry_client, people):
    response = upload(civil_registry_client, csv_file([row(people["income_tax"])]))

    body = response.json()
    assert body["state"] == "received"
    assert body["total_rows"] == 1
    assert body["progress"] == 0.0


def test_processing_again_does_not_repeat_anything(
    civil_registry_client, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        feed_id = upload(civil_registry_client, csv_file([row(people["no_responsibilities"])]))
    feed_id = feed_id.json()["id"]

    process_death_feed(feed_id)

    assert Case.objects.filter(cause=Cause.DECEASED).count() == 1
    assert DeathFeedEntry.objects.count() == 1


def test_an_interrupted_feed_resumes_where_it_stopped(
    civil_registry_client, people, monkeypatch, django_capture_on_commit_callbacks
):
    import agreements.death_feed as death_feed

    monkeypatch.setattr(death_feed, "BATCH_SIZE", 1)
    calls = []
    real = death_feed._process_batch

    def crash_on_second_batch(upload_id, *, start, rows):
        calls.append(start)
        if len(calls) == 2:
            raise RuntimeError("worker lost")
        return real(upload_id, start=start, rows=rows)

    monkeypatch.setattr(death_feed, "_process_batch", crash_on_second_batch)
    rows = [row(people["no_responsibilities"]), row(people["no_responsable_iva"])]
    feed_id = upload(civil_registry_client, csv_file(rows)).json()["id"]
    with pytest.raises(RuntimeError):
        process_death_feed(feed_id)
    assert DeathFeedUpload.objects.get(pk=feed_id).processed_rows == 1

    monkeypatch.setattr(death_feed, "_process_batch", real)
    feed = process_death_feed(feed_id)

    assert (feed.state, feed.processed_rows, feed.cases_created) == ("done", 2, 2)
    assert DeathFeedEntry.objects.filter(upload_id=feed_id).count() == 2


@pytest.mark.parametrize(
    ("content", "name", "field", "message"),
    [
        (b"a,b\n1,2\n", "f.csv", "file", "Faltan las columnas"),
        (HEADER.encode(), "f.csv", "file", "no tiene filas"),
        (
            HEADER.encode() + "13,1,2020-01-01,x\n".encode("latin-1") + b"\xf1\n",
            "f.csv",
            "file",
            "UTF-8",
        ),
        (b"[1, 2]\n", "f.jsonl", "file", "objeto JSON"),
        (b"x", "f.txt", "format", "Indique el formato"),
    ],
)
def test_a_file_that_cannot_be_a_feed_is_refused_and_nothing_is_stored(
    civil_registry_client, content, name, field, message
):
    response = upload(civil_registry_client, SimpleUploadedFile(name, content))

    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert not DeathFeedUpload.objects.exists()


def test_a_huge_upload_is_refused(civil_registry_client, monkeypatch):
    import api.death_feeds as api

    monkeypatch.setattr(api.DeathFeedsApi, "max_request_bytes", 1000)
    big = csv_file([row(str(10_000_000 + n)) for n in range(100)])

    response = upload(civil_registry_client, big)

    assert response.status_code == 413
    assert not DeathFeedUpload.objects.exists()


def test_only_the_civil_registry_reports_deaths(court_client, people):
    response = upload(court_client, csv_file([row(people["no_responsibilities"])]))

    assert response.status_code == 403
    assert "Reportar personas fallecidas" in response.json()["detail"]


def test_an_entity_cannot_see_another_entitys_feed(civil_registry_client, court_client, people):
    feed_id = upload(civil_registry_client, csv_file([row(people["income_tax"])])).json()["id"]

    assert court_client.get(f"{URL}{feed_id}/").status_code == 403  # no death-feed scope
    assert civil_registry_client.get(f"{URL}{feed_id + 1}/").status_code == 404


def test_the_report_refuses_an_unknown_outcome(civil_registry_client, people):
    feed_id = upload(civil_registry_client, csv_file([row(people["income_tax"])])).json()["id"]

    response = civil_registry_client.get(f"{URL}{feed_id}/report/", {"outcome": "x"})

    assert response.status_code == 400
    assert "outcome" in response.json()
