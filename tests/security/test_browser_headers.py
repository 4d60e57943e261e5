"""A Content-Security-Policy without inline scripts, and no-store on personal pages and PDFs
(ASVS 14.4.3, 8.2.1); `check --deploy` fails when either is missing."""

from __future__ import annotations

import re

import pytest
from django.core.checks import run_checks
from django.urls import reverse

from tests.admin.conftest import OWN, cancellation, registrant_in
from tests.portal.conftest import PASSWORD, make_account, sign_up  # noqa: F401
from tests.portal.test_filings import registrant, signed_in  # noqa: F401

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


@pytest.fixture
def account(make_account):  # noqa: F811
    return make_account()


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize(
    "path", ["/", "/consulta-rut/", "/mi-rut/ingresar/", "/admin/login/", "/api/v1/docs/"]
)
def test_public_pages_carry_a_policy_that_runs_only_our_own_scripts(client, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    page = response.content.decode()
    assert not INLINE_SCRIPT.search(page), INLINE_SCRIPT.search(page)
    assert not INLINE_HANDLER.search(page)


@pytest.mark.parametrize(
    "path", ["/mi-rut/", "/mi-rut/cuenta/", "/mi-rut/rut.pdf", "/mi-rut/tramites/"]
)
def test_personal_pages_and_pdfs_are_never_stored(signed_in, path):  # noqa: F811
    response = signed_in.get(path)

    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_the_officials_case_page_is_never_stored(client, official):
    case = cancellation(registrant_in(OWN))
    client.force_login(official)

    response = client.get(reverse("admin:procedures_case_change", args=[case.pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not INLINE_SCRIPT.search(response.content.decode())


def test_check_deploy_fails_without_the_policy_or_no_store(settings):
    assert not [m for m in run_checks(include_deployment_checks=True) if m.id.startswith("rut_")]

    settings.MIDDLEWARE = [
        m
        for m in settings.MIDDLEWARE
        if m
        not in (
            "csp.middleware.CSPMiddleware",
            "rut_portal.security_headers.NoStoreForSignedInMiddleware",
        )
    ]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": ["'self'", "'unsafe-inline'"]}}
    ids = {m.id for m in run_checks(include_deployment_checks=True) if m.is_serious()}

    assert {"rut_portal.E001", "rut_portal.E002", "rut_portal.E003"} <= ids
