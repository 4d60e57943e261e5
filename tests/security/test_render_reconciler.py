"""Renders whose broker message was lost are queued again; a deploy opens the agenda at once."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from documents.models import StoredDocument
from documents.reconciler import GRACE
from portal.models import Slot
from registry.models import Seccional
from tests.documents.conftest import judicial_cancellation  # noqa: F401

pytestmark = pytest.mark.django_db


def _reconcile(capture) -> str:
    out = StringIO()
    with capture(execute=True):
        call_command("reconcile_renders", stdout=out)
    return out.getvalue()


def test_renders_lost_with_the_broker_are_queued_again(
    judicial_cancellation,  # noqa: F811
    clock,
    django_capture_on_commit_callbacks,
):
    # The fixture's renders were queued on commit and never ran: as if Redis had lost them.
    case = judicial_cancellation
    assert not StoredDocument.objects.exists()
    assert "0 official formats, 0 communications, 0 resolutions" in _reconcile(
        django_capture_on_commit_callbacks
    )  # still within the grace period: a normal render may be on its way

    clock.move_to(timezone.now() + GRACE + timedelta(minutes=1))
    report = _reconcile(django_capture_on_commit_callbacks)

    formats, letters = case.formats.count(), case.communications.count()
    assert f"{formats} official formats, {letters} communications, 1 resolutions" in report
    assert StoredDocument.objects.filter(official_format__case=case).count() == formats
    assert StoredDocument.objects.filter(communication__case=case).count() == letters
    assert StoredDocument.objects.filter(case=case).count() == 1
    assert "0 official formats, 0 communications, 0 resolutions" in _reconcile(
        django_capture_on_commit_callbacks
    )


def test_the_deploy_step_opens_the_videoatencion_agenda(db):
    out = StringIO()
    call_command("deploy", stdout=out)

    seccionales = Seccional.objects.count()
    assert seccionales > 0
    opened = set(Slot.objects.values_list("seccional_id", flat=True))
    assert len(opened) == seccionales
    assert Slot.objects.filter(starts_at__gt=timezone.now()).exists()
    assert "slots opened" in out.getvalue()
