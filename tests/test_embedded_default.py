"""The README's run command starts the portal on the embedded default (SQLite, Celery
in-process) while the suite runs on PostgreSQL. This test loads the demo on a fresh SQLite database
in processes of their own and walks the pages of the demo citizen, funcionario and director, so a
statement that only PostgreSQL understands fails CI instead of the first `scripts/run`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WALK = r"""
import django

django.setup()
from django.conf import settings
from django.test import Client

settings.ALLOWED_HOSTS = ["*"]
failures = []


def walk(client, paths):
    for path in paths:
        status = client.get(path).status_code
        if status != 200:
            failures.append(f"{path}: {status}")


walk(Client(), ["/", "/consulta-rut/?nit=1000000632", "/estadisticas/", "/mi-rut/ingresar/"])
citizen = Client()
citizen.post(
    "/mi-rut/ingresar/",
    {"document_type": "13", "document_number": "19456789", "password": "rut-demo-2026"},
)
walk(citizen, ["/mi-rut/", "/mi-rut/citas/", "/mi-rut/tramites/", "/mi-rut/rut.pdf"])
for username in ("funcionario.bogota", "director.bogota"):
    official = Client()
    official.post("/admin/login/", {"username": username, "password": "rut-demo-2026"})
    walk(
        official,
        [
            "/admin/",
            "/admin/procedures/case/",
            "/admin/registry/registrant/",
            "/admin/portal/appointment/",
            "/admin/mass_changes/masschange/",
        ],
    )
print("\n".join(failures))
raise SystemExit(1 if failures else 0)
"""


def test_the_demo_pages_answer_on_the_embedded_default(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "TEST_TODAY")
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="rut_portal.settings",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    for command in (["migrate", "--noinput"], ["load_reference_data"], ["load_demo_data"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )

    walked = subprocess.run(
        [sys.executable, "-c", WALK], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert walked.returncode == 0, walked.stdout + walked.stderr[-3000:]
