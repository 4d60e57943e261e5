"""NUL and other control characters are refused with a 400 and a Spanish message, never a 500
(ASVS 5.1.3, 5.1.4): one middleware guards every form, query string and JSON body."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.models import PendingFiling
from tests.portal.conftest import PASSWORD, make_account, sign_up  # noqa: F401
from tests.portal.test_filings import registrant, signed_in  # noqa: F401

pytestmark = pytest.mark.django_db

MESSAGE = "caracteres de control"


@pytest.fixture
def account(make_account):  # noqa: F811
    return make_account()


@pytest.mark.parametrize(
    "data",
    [
        {"department": "11", "municipality": "11001", "address": "CL 1\x00 2 3", "postal_code": ""},
        {"department": "1\x001", "municipality": "11001", "address": "CL 1 2", "action": "refresh"},
        {"department": "11", "municipality": "11001", "address": "CL 1\x0b 2 3", "postal_code": ""},
    ],
)
def test_the_address_update_refuses_control_characters(signed_in, data):  # noqa: F811
    response = signed_in.post(reverse("portal:update_section", args=["direccion"]), data)

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert not PendingFiling.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"ciiu_q": "programacion\x00", "action": "search"},
        {"principal_code": "6201\x00", "use_principal": "6201\x00"},
        {"principal_code": "62\x0001", "secondary_code": ""},
    ],
)
def test_the_activities_update_refuses_control_characters(signed_in, data):  # noqa: F811
    response = signed_in.post(reverse("portal:update_section", args=["actividades"]), data)

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def test_line_breaks_and_tabs_are_still_text(signed_in):  # noqa: F811
    response = signed_in.post(
        reverse("portal:update_section", args=["direccion"]),
        {"department": "11", "municipality": "11001", "address": "CL 1\t2 3", "postal_code": ""},
    )

    assert response.status_code != 400


def test_a_query_string_with_nul_is_refused(client):
    response = client.get("/consulta-rut/", {"nit": "8001\x00"})

    assert response.status_code == 400


def test_the_api_names_the_field(client):
    response = client.post(
        "/api/v1/inscriptions/",
        data='{"registrant": {"address": "CL 1\\u0000 2"}}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert MESSAGE in response.json()["registrant.address"][0]
