"""rut_portal/settings.py reads the environment strictly and fails loudly on bad values.

Each test executes a fresh copy of the settings module under a controlled environment, so the
settings the rest of the suite runs on are never touched.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "rut_portal" / "settings.py"
VARIABLES = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_URL",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "NIT_RANGE_START",
    "NIT_RANGE_END",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "DB_CONN_MAX_AGE",
]
A_REAL_SECRET = "k" * 60


def load_settings(monkeypatch: pytest.MonkeyPatch, **environ: str) -> ModuleType:
    """Execute settings.py afresh with exactly `environ` set among the variables it reads."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_under_test", SETTINGS_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_runs_on_sqlite_and_in_process_celery_with_nothing_set(monkeypatch) -> None:
    settings = load_settings(monkeypatch)

    assert settings.DEBUG is True
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert not hasattr(settings, "CELERY_BROKER_URL")
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"


def test_database_url_and_redis_url_switch_to_postgresql_and_redis(monkeypatch) -> None:
    settings = load_settings(
        monkeypatch,
        DATABASE_URL="postgres://rut:pw@db.internal:5433/rut",
        REDIS_URL="redis://cache.internal:6379/2",
    )

    database = settings.DATABASES["default"]
    assert database["ENGINE"] == "rut_portal.db.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 5433, "rut")
    assert (
        settings.CELERY_BROKER_URL
        == settings.CELERY_RESULT_BACKEND
        == ("redis://cache.internal:6379/2")
    )
    assert not hasattr(settings, "CELERY_TASK_ALWAYS_EAGER")


def test_cache_url_gives_every_worker_one_shared_cache(monkeypatch) -> None:
    assert load_settings(monkeypatch).CACHES["default"]["BACKEND"].endswith("LocMemCache")

    settings = load_settings(monkeypatch, CACHE_URL="redis://cache.internal:6379/1")

    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings.CACHES["default"]["LOCATION"] == "redis://cache.internal:6379/1"


@pytest.mark.parametrize("value", ["maybe", "2", "verdadero"])
def test_a_bad_boolean_for_debug_fails_loudly(monkeypatch, value: str) -> None:
    with pytest.raises(ImproperlyConfigured) as error:
        load_settings(monkeypatch, DEBUG=value)

    assert str(error.value) == f"DEBUG must be a boolean (true/false), got {value!r}"


@pytest.mark.parametrize("value", ["false", "0", "no", "off", " FALSE "])
def test_debug_false_with_the_dev_secret_key_fails_loudly(monkeypatch, value: str) -> None:
    with pytest.raises(ImproperlyConfigured) as error:
        load_settings(monkeypatch, DEBUG=value)

    assert str(error.value) == "SECRET_KEY must be set when DEBUG is false"


def test_debug_false_refuses_the_dev_secret_key_even_when_given_explicitly(monkeypatch) -> None:
    dev_key = load_settings(monkeypatch).DEV_SECRET_KEY

    with pytest.raises(ImproperlyConfigured):
        load_settings(monkeypatch, DEBUG="false", SECRET_KEY=dev_key)


def test_production_settings_turn_on_https_and_manifest_static_files(monkeypatch) -> None:
    settings = load_settings(
        monkeypatch,
        DEBUG="false",
        SECRET_KEY=A_REAL_SECRET,
        ALLOWED_HOSTS="rut.example.co, www.rut.example.co",
    )

    assert settings.DEBUG is False
    assert settings.ALLOWED_HOSTS == ["rut.example.co", "www.rut.example.co"]
    assert settings.SECURE_SSL_REDIRECT is True
    assert settings.SECURE_HSTS_SECONDS == 31_536_000
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.CSRF_COOKIE_SECURE is True
    assert settings.STORAGES["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


@pytest.mark.parametrize("name", ["NIT_RANGE_START", "NIT_RANGE_END", "EMAIL_PORT"])
def test_a_bad_integer_fails_loudly(monkeypatch, name: str) -> None:
    with pytest.raises(ImproperlyConfigured) as error:
        load_settings(monkeypatch, EMAIL_HOST="smtp.example.co", **{name: "9e8"})

    assert str(error.value) == f"{name} must be an integer, got '9e8'"


def test_email_host_switches_to_smtp(monkeypatch) -> None:
    settings = load_settings(
        monkeypatch, EMAIL_HOST="smtp.example.co", EMAIL_PORT="465", EMAIL_USE_TLS="false"
    )

    assert settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert (settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS) == (
        "smtp.example.co",
        465,
        False,
    )


def test_the_nit_range_comes_from_the_environment(monkeypatch) -> None:
    settings = load_settings(monkeypatch, NIT_RANGE_START="950000000", NIT_RANGE_END="950999999")

    assert (settings.NIT_RANGE_START, settings.NIT_RANGE_END) == (950_000_000, 950_999_999)


def test_manage_py_refuses_to_start_with_a_bad_debug_value() -> None:
    environ = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**environ, "DEBUG": "maybe"},
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be a boolean (true/false), got 'maybe'" in (
        result.stderr
    )


def test_production_keeps_health_checked_connections_for_a_minute(monkeypatch) -> None:
    production = load_settings(monkeypatch, DEBUG="false", SECRET_KEY=A_REAL_SECRET)
    development = load_settings(monkeypatch)
    chosen = load_settings(
        monkeypatch, DEBUG="false", SECRET_KEY=A_REAL_SECRET, DB_CONN_MAX_AGE="5"
    )

    assert production.DATABASES["default"]["CONN_MAX_AGE"] == 60
    assert production.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert development.DATABASES["default"]["CONN_MAX_AGE"] == 0
    assert chosen.DATABASES["default"]["CONN_MAX_AGE"] == 5
