from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from agreements.death_feed import submit_death_feed
from agreements.models import AgreementEntity, DeathFeedUpload
from agreements.tasks import process_death_feed_task
from tests.factories import make_natural

pytestmark = pytest.mark.django_db


def test_create_agreement_entity_prints_a_token_that_works():
    out = StringIO()

    call_command(
        "create_agreement_entity",
        "Cámara de Comercio de Tunja",
        kind="chamber_of_commerce",
        scope=["registrations"],
        stdout=out,
    )

    entity = AgreementEntity.objects.get(name="Cámara de Comercio de Tunja")
    raw = out.getvalue().strip().rsplit(" ", 1)[-1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/inscriptions/").status_code == 200
    assert entity.user.has_perm("registry.formalize_registrant")
    assert not entity.user.has_usable_password()
    assert not entity.user.is_staff


def test_issue_agreement_token_adds_a_second_token(chamber):
    out = StringIO()

    call_command("issue_agreement_token", chamber.pk, name="respaldo", stdout=out)

    assert chamber.tokens.count() == 1
    assert chamber.name in out.getvalue()


def test_process_death_feeds_finishes_pending_feeds_and_then_does_nothing(
    civil_registry, monkeypatch
):
    monkeypatch.setattr(process_death_feed_task, "delay_on_commit", lambda *args: None)
    person = make_natural(responsibilities=[])
    content = (
        "document_type,document_number,death_date,death_certificate_number\n"
        f"13,{person.document_number},2025-12-01,77\n"
    )
    upload, _created = submit_death_feed(
        civil_registry, file=SimpleUploadedFile("f.csv", content.encode()), file_format="csv"
    )

    call_command("process_death_feeds", stdout=StringIO())
    out = StringIO()
    call_command("process_death_feeds", stdout=out)

    upload.refresh_from_db()
    assert (upload.state, upload.cases_created) == (DeathFeedUpload.State.DONE, 1)
    assert out.getvalue() == ""
