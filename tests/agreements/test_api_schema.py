"""The OpenAPI schema, and a property-based run of schemathesis against it.

Schemathesis generates requests from the schema (valid ones and, in the fuzzing phase, ones
that break it) and sends them to the Django WSGI app with a token of each kind of entity. It
fails the test on any server error and on any response the schema does not describe: an
undocumented status code, another content type, or a body that does not match.
"""

import json
from collections.abc import Iterator
from datetime import date

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from agreements.models import EntityKind, Scope
from agreements.services import (
    QUERYABLE_FIELDS,
    AuthorityOrder,
    create_agreement_entity,
    file_authority_order,
    issue_token,
)
from procedures.models import Case
from tests.factories import make_legal, make_natural, pdf_upload

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def test_the_schema_is_valid_openapi_3_and_the_docs_page_loads(client):
    response = client.get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/rut/{nit}/", "/api/v1/death-feeds/", "/api/v1/orders/"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["agreementToken"]["scheme"] == "bearer"
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.content
    assert b"cdn.jsdelivr" not in docs.content  # works offline and under a strict CSP


# Loaded at collection: generating the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@pytest.fixture
def token(db):
    """A token whose entity holds every scope and field, and the records the schema's examples
    name (NIT 52123456, case 2026-0000001), so that successful answers are checked too."""
    registrant = make_natural(document_number="52123456", responsibilities=[])
    make_legal()
    entity = create_agreement_entity(
        name="Entidad de pruebas de contrato",
        kind=EntityKind.CIVIL_REGISTRY,
        scopes=Scope.values,
        allowed_fields=list(QUERYABLE_FIELDS),
    )
    case = file_authority_order(
        entity,
        order=AuthorityOrder(
            order_type="suspension",
            nit=registrant.nit,
            act_number="Auto 1",
            act_date=date(2026, 1, 5),
            act_issuer="Juzgado",
            act_is_final=True,
            document=pdf_upload(),
        ),
    )
    Case.objects.filter(pk=case.pk).update(number="2026-0000001")  # the schema's example
    return issue_token(entity)[1]


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """The WSGI app closes the database connection after each request, which would end the
    test's transaction; Django's own test client switches this off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_no_request_the_schema_allows_gets_a_server_error_or_an_undocumented_answer(
    case, token, keep_test_connection
):
    cache.clear()  # the public lookup's rate limit is tested on its own
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
