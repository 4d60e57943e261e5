"""load_demo_data prints its summary and the demo users; the e-mails and task log lines of the
loading only show with -v 2 (issue 19: they used to flood scripts/run's terminal)."""

from __future__ import annotations

import logging

import pytest
from django.core.management import call_command

# The demo's e-mails and PDFs are sent and rendered on commit, as in `scripts/run`: a
# transactional test, so they run inside the command and not after the test.
pytestmark = pytest.mark.django_db(transaction=True)

CONSOLE = "django.core.mail.backends.console.EmailBackend"


def load(verbosity: int, capsys, caplog, settings) -> tuple[str, list[str]]:
    settings.EMAIL_BACKEND = CONSOLE
    caplog.set_level(logging.INFO)
    call_command("load_demo_data", verbosity=verbosity)
    return capsys.readouterr().out, [record.getMessage() for record in caplog.records]


def test_by_default_only_the_summary_and_the_users_are_printed(
    reference_data, capsys, caplog, settings
) -> None:
    out, logged = load(1, capsys, caplog, settings)

    assert "Usuarios de demostración (contraseña" in out
    assert "En /mi-rut/ (ciudadano)" in out
    assert "Inscritos creados:" in out
    assert "Subject:" not in out
    assert not [line for line in logged if "succeeded" in line]
    assert not [line for line in logged if "rendered communication" in line]
    # The console backend is the project's again once the command is done.
    assert settings.EMAIL_BACKEND == CONSOLE
    assert logging.root.manager.disable == logging.NOTSET


def test_verbosity_2_shows_the_e_mails_and_the_task_log(
    reference_data, capsys, caplog, settings
) -> None:
    out, logged = load(2, capsys, caplog, settings)

    assert "Usuarios de demostración (contraseña" in out
    assert "Cargando trámites de demostración..." in out
    assert "Subject:" in out
    assert [line for line in logged if "succeeded" in line]
