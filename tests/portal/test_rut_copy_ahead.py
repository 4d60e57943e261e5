"""Issue 18 item 5: the copy of the RUT is rendered ahead on the pdf queue, never inside the
citizen's request; a version not rendered yet gets a page that reloads itself while it is."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from documents import tasks
from documents.services import formulario_001_pdf, stored_formulario_001_pdf
from registry.services.states import change_state
from rut_portal.celery import app
from tests.factories import make_natural
from tests.portal.conftest import PASSWORD

pytestmark = pytest.mark.django_db

RUT_PDF = reverse("portal:rut_pdf")


@pytest.fixture
def queued(monkeypatch) -> Iterator[list[tuple[Any, ...]]]:
    """A real worker's set-up (tasks not run in-process); what is sent to it is recorded."""
    sent: list[tuple[Any, ...]] = []

    def apply_async(args: Any = None, kwargs: Any = None, **options: Any) -> None:
        sent.append((tuple(args or ()), kwargs or {}, options.get("queue")))

    monkeypatch.setattr(tasks.render_formulario_001, "apply_async", apply_async)
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield sent
    app.conf.task_always_eager = saved


@pytest.fixture
def citizen_client(client, account):
    registrant = make_natural(document_number=account.document_number, email=account.email)
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )
    return client, registrant


def test_a_new_version_is_rendered_ahead_on_the_pdf_queue(
    queued, django_capture_on_commit_callbacks
) -> None:
    registrant = make_natural()
    queued.clear()  # the inscription's own versions

    with django_capture_on_commit_callbacks(execute=True):
        change_state(registrant, transition_name="suspend", by=None, reason="Orden judicial")

    version = registrant.form_versions.latest("version")
    assert queued == [((version.pk,), {"copy": True}, "pdf")]


def test_a_version_not_rendered_yet_is_queued_once_and_waited_for(
    citizen_client, queued, settings
) -> None:
    client, registrant = citizen_client
    version = registrant.form_versions.latest("version")
    assert stored_formulario_001_pdf(version, copy=True) is None

    first = client.get(RUT_PDF)
    again = client.get(RUT_PDF)

    assert first.status_code == again.status_code == 202
    page = first.content.decode()
    assert "Estamos preparando su copia del RUT" in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert queued == [((version.pk,), {"copy": True}, "pdf")]  # once, not at every reload

    formulario_001_pdf(version, copy=True)  # the worker's part
    ready = client.get(RUT_PDF)

    assert ready.status_code == 200
    assert ready["Content-Type"] == "application/pdf"


def test_without_a_worker_the_first_click_gets_the_pdf(citizen_client) -> None:
    client, _registrant = citizen_client

    response = client.get(RUT_PDF)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
