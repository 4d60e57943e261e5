"""documents.E001: with DEBUG off, SITE_URL must be the public https address of the portal.

Every document prints SITE_URL in its text and in its verification QR code; a production site
left at the default would send whoever scans it to http://localhost:8000.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.test import override_settings

from documents.checks import check_site_url
from documents.services import verification_url

ROOT = Path(__file__).resolve().parents[2]


def errors_for(site_url: str, *, debug: bool = False) -> list[checks.CheckMessage]:
    with override_settings(DEBUG=debug, SITE_URL=site_url):
        return check_site_url()


@pytest.mark.parametrize(
    "site_url",
    [
        "http://localhost:8000",  # the default
        "",
        "https://localhost",
        "https://127.0.0.1:8443",
        "https://[::1]/",
        "https://rut.localhost",
        "http://rut.dian.gov.co",  # not https
        "https://",
    ],
)
def test_a_local_empty_or_plain_http_site_url_is_an_error_without_debug(site_url: str) -> None:
    errors = errors_for(site_url)

    assert [error.id for error in errors] == ["documents.E001"]
    assert errors[0].level == checks.ERROR
    assert "SITE_URL" in errors[0].msg


@pytest.mark.parametrize("site_url", ["https://rut.dian.gov.co", "https://rut.dian.gov.co/"])
def test_a_public_https_site_url_passes(site_url: str) -> None:
    assert errors_for(site_url) == []


def test_debug_accepts_the_local_default() -> None:
    assert errors_for("http://localhost:8000", debug=True) == []


def test_the_check_is_a_deployment_check() -> None:
    with override_settings(DEBUG=False, SITE_URL="http://localhost:8000"):
        plain = checks.run_checks(include_deployment_checks=False)
        deploy = checks.run_checks(include_deployment_checks=True)

    assert "documents.E001" not in [message.id for message in plain]
    assert "documents.E001" in [message.id for message in deploy]


def test_the_documents_print_site_url() -> None:
    # What the check protects: the address on the document and in its QR code.
    with override_settings(SITE_URL="https://rut.dian.gov.co/"):
        assert verification_url("ABCD").startswith("https://rut.dian.gov.co/")


# Not inherited from the test process. DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests
# and check --deploy refuses it.
NOT_INHERITED = {
    "DEBUG",
    "SITE_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CACHE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_check_deploy(**environ: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    production = {
        "DEBUG": "false",
        "SECRET_KEY": "k" * 60,
        "ALLOWED_HOSTS": "rut.example.co",
        "CACHE_URL": "redis://redis:6379/1",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**base, **production, **environ},
        timeout=120,
        check=False,
    )


def test_check_deploy_fails_when_site_url_is_left_at_its_default() -> None:
    result = run_check_deploy()

    assert result.returncode != 0
    assert "documents.E001" in result.stderr + result.stdout


def test_check_deploy_passes_with_a_public_site_url() -> None:
    result = run_check_deploy(SITE_URL="https://rut.example.co")

    assert result.returncode == 0, result.stderr
    assert "documents.E001" not in result.stderr + result.stdout
