"""The cast of the agreements API: one entity of each kind, each with its own token and client."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from agreements.models import AgreementEntity, EntityKind, Scope
from agreements.services import create_agreement_entity, issue_token
from rut_portal.celery import app as celery_app


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()  # the public lookup's rate limit counts in the default cache


@pytest.fixture(autouse=True)
def _tasks_in_process() -> Iterator[None]:
    """Run queued tasks in the test's own transaction, as the embedded default does.

    With REDIS_URL set the app would send them to a broker no worker reads during the test.
    """
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


class EntityClient(APIClient):
    """An APIClient that speaks for one entity and sends a fresh Idempotency-Key on each POST."""

    entity: AgreementEntity
    token: str

    def post(self, path: str, data: Any = None, format: str | None = None, **extra: Any) -> Any:
        key = extra.pop("idempotency_key", "new")  # None: send no key at all
        if key == "new":
            key = str(uuid.uuid4())
        if key is not None:
            extra["HTTP_IDEMPOTENCY_KEY"] = key
        if format is None and "content_type" not in extra:
            format = "json"
        return super().post(path, data, format=format, **extra)


def _client_for(entity: AgreementEntity) -> EntityClient:
    _token, raw = issue_token(entity, name="pruebas")
    client = EntityClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.entity, client.token = entity, raw
    return client


@pytest.fixture
def chamber(db: None) -> AgreementEntity:
    return create_agreement_entity(
        name="Cámara de Comercio de Bogotá",
        kind=EntityKind.CHAMBER_OF_COMMERCE,
        scopes=[Scope.REGISTRATIONS],
        email="rut@ccb.example.co",
    )


@pytest.fixture
def court(db: None) -> AgreementEntity:
    return create_agreement_entity(
        name="Juzgado 12 Civil del Circuito de Bogotá",
        kind=EntityKind.JUDICIAL_AUTHORITY,
        scopes=[Scope.ORDERS],
        email="j12cctobta@cendoj.example.co",
    )


@pytest.fixture
def other_court(db: None) -> AgreementEntity:
    return create_agreement_entity(
        name="Juzgado 3 Penal de Medellín",
        kind=EntityKind.JUDICIAL_AUTHORITY,
        scopes=[Scope.ORDERS],
    )


@pytest.fixture
def civil_registry(db: None) -> AgreementEntity:
    return create_agreement_entity(
        name="Registraduría Nacional del Estado Civil",
        kind=EntityKind.CIVIL_REGISTRY,
        scopes=[Scope.DEATH_FEED],
        email="defunciones@registraduria.example.co",
    )


@pytest.fixture
def public_entity(db: None) -> AgreementEntity:
    return create_agreement_entity(
        name="Unidad de Gestión Pensional",
        kind=EntityKind.PUBLIC_ENTITY,
        scopes=[Scope.REGISTRY_QUERY],
        allowed_fields=["email", "phone_1", "activities", "responsibilities"],
    )


@pytest.fixture
def chamber_client(chamber: AgreementEntity) -> EntityClient:
    return _client_for(chamber)


@pytest.fixture
def court_client(court: AgreementEntity) -> EntityClient:
    return _client_for(court)


@pytest.fixture
def other_court_client(other_court: AgreementEntity) -> EntityClient:
    return _client_for(other_court)


@pytest.fixture
def civil_registry_client(civil_registry: AgreementEntity) -> EntityClient:
    return _client_for(civil_registry)


@pytest.fixture
def public_entity_client(public_entity: AgreementEntity) -> EntityClient:
    return _client_for(public_entity)


@pytest.fixture
def anonymous_client() -> APIClient:
    return APIClient()
