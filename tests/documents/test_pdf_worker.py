"""A real Celery worker consuming only the "pdf" queue renders what the services queue."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from documents.models import StoredDocument
from tests import clock
from tests.factories import make_natural

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 4  # the documents work's own Redis database: the queue is purged here


def _broker_url() -> str:
    parts = urlsplit(settings.REDIS_URL)
    return urlunsplit(parts._replace(path=f"/{REDIS_DB}"))


def _database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def test_a_worker_on_the_pdf_queue_renders_and_stores_the_form(reference_data, official, tmp_path):
    version = make_natural(by=official).form_versions.latest("version")
    broker = _broker_url()
    client = Celery(broker=broker, set_as_current=False)
    client.control.purge()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": broker,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "WARNING",
    }
    worker = subprocess.Popen(
        clock.command(
            "-m",
            "celery",
            "-A",
            "rut_portal",
            "worker",
            "-Q",
            "pdf",
            "-c",
            "1",
            "--pool",
            "solo",
            "-n",
            f"pdf-test-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client.send_task(
            "documents.tasks.render_formulario_001",
            args=[version.pk],
            kwargs={"copy": True},
            queue="pdf",
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not StoredDocument.objects.exists():
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    document = StoredDocument.objects.get()
    assert (document.form_version_id, document.kind) == (version.pk, "formulario_001_copy")
    assert (tmp_path / "media" / document.file.name).is_file()
