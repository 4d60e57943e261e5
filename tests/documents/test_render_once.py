import hashlib
import io
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from pypdf import PdfReader

from documents import rendering, services, tasks
from documents.contexts import formulario_001_spec
from documents.models import StoredDocument
from documents.services import formulario_001_pdf
from documents.tasks import render_formulario_001, render_official_format
from tests.factories import make_natural

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(official):
    return make_natural(by=official).form_versions.latest("version")


def test_the_same_content_is_rendered_once_and_served_from_storage(version, monkeypatch):
    first = formulario_001_pdf(version, copy=False)
    calls = []
    monkeypatch.setattr(services, "render_pdf", lambda *a, **k: calls.append(a))

    again = formulario_001_pdf(version, copy=False)

    assert again.pk == first.pk and calls == []
    assert StoredDocument.objects.count() == 1
    assert len(default_storage.listdir(first.file.name.rsplit("/", 1)[0])[1]) == 1


def test_the_copy_and_the_certificate_are_distinct_documents(version):
    certificate = formulario_001_pdf(version, copy=False)
    copy = formulario_001_pdf(version, copy=True)

    assert certificate.code != copy.code
    assert (certificate.kind, copy.kind) == ("formulario_001", "formulario_001_copy")


def test_a_new_template_version_renders_a_new_document(version, monkeypatch):
    first = formulario_001_pdf(version, copy=False)
    monkeypatch.setattr(services, "template_version", lambda: "otra-plantilla")

    second = formulario_001_pdf(version, copy=False)

    assert second.pk != first.pk and second.code != first.code


def test_the_stored_file_has_its_sha256_and_fixed_metadata(version):
    document = formulario_001_pdf(version, copy=False)

    content = document.file.open("rb").read()
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert (document.size, document.pages) == (len(content), 1)
    info = PdfReader(io.BytesIO(content)).metadata
    created = version.created_at.astimezone(info.creation_date.tzinfo).replace(microsecond=0)
    assert info.creation_date == created and info.modification_date == created
    assert info.title == f"Formulario 001 RUT N.º {version.form_number}"
    assert b"/ID [" in content  # PDF/A: a digest of the content, the same on every render


def test_the_same_input_gives_the_same_bytes_in_another_process(version):
    spec = formulario_001_spec(version, copy=True)
    code = services.verification_code(services.content_key(spec))
    context = {**spec.context, "doc": services._document_context(spec, code)}
    here = rendering.render_pdf(spec.template, context).content
    assert rendering.render_pdf(spec.template, context).content == here

    # A fresh interpreter: no cached fonts, stylesheet or template state from this one.
    script = (
        "import django, json, sys, hashlib; django.setup(); "
        "from documents.rendering import render_pdf; "
        "context = json.loads(sys.stdin.read()); "
        "from django.utils.safestring import mark_safe; "
        "context['doc']['qr'] = mark_safe(context['doc']['qr']); "
        "print(hashlib.sha256(render_pdf(context.pop('template'), context).content).hexdigest())"
    )
    payload = json.dumps({**context, "template": spec.template}, default=str)
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=payload,
        capture_output=True,
        text=True,
        check=True,
        env={
            "DJANGO_SETTINGS_MODULE": "rut_portal.settings",
            "LOG_LEVEL": "ERROR",
            "PATH": "/usr/bin:/bin",
            "HOME": str(settings.BASE_DIR),
        },
        cwd=settings.BASE_DIR,
    )
    assert result.stdout.strip() == hashlib.sha256(here).hexdigest()


def test_render_tasks_are_sent_to_the_pdf_queue_after_commit(
    version, judicial_cancellation, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    for task in (render_formulario_001, render_official_format):
        original = task.apply_async

        def record(*args, _original=original, _name=task.name, **options):
            sent.append((_name, options.get("queue")))
            return _original(*args, **options)

        monkeypatch.setattr(task, "apply_async", record)
    fmt = judicial_cancellation.formats.first()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tasks.queue_formulario_001(version.pk, copy=True)
        tasks.queue_official_format(fmt.pk)
        assert sent == []  # nothing leaves before the transaction commits

    assert len(callbacks) == 2
    assert sent == [
        ("documents.tasks.render_formulario_001", "pdf"),
        ("documents.tasks.render_official_format", "pdf"),
    ]
    assert StoredDocument.objects.filter(form_version=version, kind="formulario_001_copy").exists()
    assert StoredDocument.objects.filter(official_format=fmt).exists()


def test_a_task_run_twice_renders_once(version):
    code = render_formulario_001.delay(version.pk, copy=True).get()

    assert render_formulario_001.delay(version.pk, copy=True).get() == code
    assert StoredDocument.objects.filter(form_version=version).count() == 1
