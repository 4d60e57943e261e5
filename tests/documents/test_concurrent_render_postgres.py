"""Two workers rendering the same content at once store one document and one file."""

from __future__ import annotations

import threading

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from documents.models import StoredDocument
from documents.services import formulario_001_pdf
from tests.factories import make_natural

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_race_on_the_same_content_keeps_one_row_and_one_file(reference_data, official):
    version = make_natural(by=official).form_versions.latest("version")
    barrier = threading.Barrier(2)
    results: list[StoredDocument] = []
    errors: list[BaseException] = []

    def render() -> None:
        try:
            barrier.wait()
            results.append(formulario_001_pdf(version, copy=False))
        except BaseException as exc:  # reported below: a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=render) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len({document.pk for document in results}) == 1
    document = StoredDocument.objects.get()
    folder = document.file.name.rsplit("/", 1)[0]
    assert default_storage.listdir(folder)[1] == [document.file.name.rsplit("/", 1)[1]]
