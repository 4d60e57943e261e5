"""Shared fixtures: reference data, the cast of roles, and markers for real services.

Tests marked `postgres`, `redis` or `browser` skip with a reason when the service is missing,
except under CI=true, where a missing service is a failure: CI must exercise them all.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from typing import Any, NoReturn

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection

from accounts.models import Role
from accounts.services import create_official
from registry import reference_cache
from registry.reference import load_reference_data
from tests.clock import TODAY, morning, travel

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_report_header() -> str:
    return f"test clock: every test starts at {morning(TODAY).isoformat()} (TEST_TODAY)"


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    """Each test starts at 08:00 (Bogotá) of the suite's fixed "today" (tests/clock.py). The
    fixture is the running traveller, for tests that move it: `clock.move_to(datetime)`."""
    with travel(TODAY) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _fast_tests(settings: Any, tmp_path: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _celery_in_process(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tasks run in-process, after commit, except in tests that exercise a real worker."""
    from rut_portal.celery import app

    if request.node.get_closest_marker("redis"):
        yield
        return
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def _fresh_reference_cache() -> Iterator[None]:
    """Each test's rollback or flush may drop reference rows another test cached."""
    reference_cache.clear()
    yield
    reference_cache.clear()


# Append-only tables refuse TRUNCATE (registry.models.refuse_truncate); the test runner's own
# flush between transactional tests is the one TRUNCATE allowed through.
TRUNCATE_GUARDS = (
    "registry.FormVersion:form_version_no_truncate",
    "registry.AuditEntry:audit_no_truncate",
    "registry.DataAccessLog:data_access_log_no_truncate",
)


@pytest.fixture(autouse=True, scope="session")
def _flush_past_truncate_guards() -> Iterator[None]:
    import pgtrigger
    from django.core.management.commands import flush

    original = flush.Command.handle

    def handle(self: Any, **options: Any) -> Any:
        with pgtrigger.ignore(*TRUNCATE_GUARDS):
            return original(self, **options)

    flush.Command.handle = handle  # type: ignore[method-assign]
    yield
    flush.Command.handle = original  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_reference_data()


def missing(reason: str) -> NoReturn:
    if IN_CI:
        pytest.fail(f"CI needs this service: {reason}")
    pytest.skip(reason)


def _reachable(url: str, default_port: int) -> bool:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 1
        ):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _real_services(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        missing("needs PostgreSQL: set DATABASE_URL (the test command does when it is reachable)")
    if request.node.get_closest_marker("redis") and not (
        settings.REDIS_URL and _reachable(settings.REDIS_URL, 6379)
    ):
        missing("needs Redis: set REDIS_URL (the test command does when it is reachable)")
    if request.node.get_closest_marker("browser") and not shutil.which("chromium"):
        missing("needs Debian's chromium (apt-get install chromium)")


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """For transaction=True tests: the flush between tests empties the reference tables."""
    load_reference_data()


@pytest.fixture
def official(db: None) -> User:
    return create_official(
        username="funcionaria",
        password="x",
        role=Role.OFFICIAL,
        seccional="32",
        first_name="Ana",
        last_name="Rojas",
    )


@pytest.fixture
def other_official(db: None) -> User:
    return create_official(
        username="funcionario2",
        password="x",
        role=Role.OFFICIAL,
        seccional="32",
        first_name="Luis",
        last_name="Pardo",
    )


@pytest.fixture
def director(db: None) -> User:
    return create_official(
        username="directora",
        password="x",
        role=Role.DIRECTOR,
        seccional="32",
        first_name="Marta",
        last_name="Gómez",
    )


@pytest.fixture
def official_of_other_seccional(db: None) -> User:
    return create_official(
        username="funcionario_medellin", password="x", role=Role.OFFICIAL, seccional="11"
    )


@pytest.fixture
def central(db: None) -> User:
    return create_official(username="central", password="x", role=Role.CENTRAL, seccional=None)


@pytest.fixture
def citizen(db: None) -> User:
    return User.objects.create_user(username="ciudadano", password="x")


@pytest.fixture
def postgres_only() -> Iterator[None]:
    assert connection.vendor == "postgresql"
    yield
