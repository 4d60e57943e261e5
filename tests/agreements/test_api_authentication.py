from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from agreements.models import ApiToken
from agreements.services import issue_token, revoke_token, update_agreement_scopes
from tests.agreements.test_api_inscriptions import natural_payload

pytestmark = pytest.mark.django_db

# Every endpoint for entities, with the scope it needs (None: any entity, its own data).
ENDPOINTS = [
    ("get", "/api/v1/inscriptions/", "registrations"),
    ("post", "/api/v1/inscriptions/", "registrations"),
    ("get", "/api/v1/inscriptions/1/", "registrations"),
    ("post", "/api/v1/orders/", "orders"),
    ("get", "/api/v1/cases/", None),
    ("get", "/api/v1/cases/2026-0000001/", None),
    ("get", "/api/v1/cases/2026-0000001/documents/", None),
    ("post", "/api/v1/cases/2026-0000001/documents/", "orders"),
    ("get", "/api/v1/death-feeds/", "death_feed"),
    ("post", "/api/v1/death-feeds/", "death_feed"),
    ("get", "/api/v1/death-feeds/1/", "death_feed"),
    ("get", "/api/v1/death-feeds/1/report/", "death_feed"),
    ("get", "/api/v1/registry/900373913/", "registry_query"),
]


def call(client, method, path):
    if method == "post":
        return client.post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    return client.get(path)


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS)
def test_every_entity_endpoint_needs_a_token(anonymous_client, method, path, scope):
    response = call(anonymous_client, method, path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["detail"]


@pytest.mark.parametrize(("method", "path", "scope"), [e for e in ENDPOINTS if e[2]])
def test_an_entity_without_the_scope_is_refused_with_the_reason(
    public_entity_client, chamber_client, method, path, scope
):
    client = chamber_client if scope == "registry_query" else public_entity_client

    response = call(client, method, path)

    assert response.status_code == 403
    assert "no incluye" in response.json()["detail"]


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer", "Bearer a b", "Bearer ñ"])
def test_a_bad_token_is_refused(header, chamber):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/v1/inscriptions/")

    assert response.status_code == 401


def test_a_revoked_or_expired_token_stops_working(chamber):
    revoked, revoked_raw = issue_token(chamber)
    revoke_token(revoked)
    _expired, expired_raw = issue_token(chamber, expires_at=timezone.now() - timedelta(hours=1))
    for raw in (revoked_raw, expired_raw):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert client.get("/api/v1/inscriptions/").status_code == 401


def test_an_entity_whose_agreement_ended_is_refused(chamber_client):
    chamber = chamber_client.entity
    chamber.is_active = False
    chamber.save(update_fields=["is_active"])

    response = chamber_client.get("/api/v1/inscriptions/")

    assert response.status_code == 401
    assert "no está activo" in response.json()["detail"]


def test_only_the_hash_of_a_token_is_stored_and_use_is_noted(chamber_client):
    token = ApiToken.objects.get(entity=chamber_client.entity)
    assert chamber_client.token not in (token.key_hash, token.prefix)
    assert token.last_used_at is None

    chamber_client.get("/api/v1/inscriptions/")

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_removing_a_scope_takes_the_registry_permission_away(chamber_client):
    update_agreement_scopes(chamber_client.entity, scopes=[], allowed_fields=[])

    response = chamber_client.post("/api/v1/inscriptions/", natural_payload())

    assert response.status_code == 403
    assert not chamber_client.entity.user.has_perm("registry.formalize_registrant")
