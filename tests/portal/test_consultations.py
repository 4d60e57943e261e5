"""'¿Quién consultó mis datos?': officials' views and entities' queries, shown to the citizen."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from agreements.models import EntityKind, QueryLog, Scope
from agreements.services import create_agreement_entity, query_registry
from portal.consultations import PAGE_SIZE, all_consultations, consultations_csv
from procedures.models import Case
from registry.models import DataAccessLog
from registry.services.data_access import log_data_access
from tests.factories import judicial_cancellation_request, make_natural
from tests.portal.conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = reverse("portal:consultations")


@pytest.fixture
def registrant(account):
    return make_natural(document_number=account.document_number, email=account.email)


@pytest.fixture
def signed_in(client, account, registrant):
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )
    return client


@pytest.fixture
def pension_fund(db):
    return create_agreement_entity(
        name="Unidad de Gestión Pensional",
        kind=EntityKind.PUBLIC_ENTITY,
        scopes=[Scope.REGISTRY_QUERY],
        allowed_fields=["email", "activities"],
    )


def test_an_officials_view_of_the_record_in_the_admin_shows_with_their_seccional_not_name(
    client, signed_in, registrant, official
):
    admin = client.__class__()
    admin.force_login(official)
    response = admin.get(reverse("admin:registry_registrant_change", args=[registrant.pk]))
    assert response.status_code == 200

    page = signed_in.get(URL).content.decode()

    assert "DIAN – Dirección Seccional de Impuestos de Bogotá" in page
    assert "Ficha del inscrito" in page
    assert official.first_name not in page and official.last_name not in page
    assert official.username not in page


def test_the_case_the_official_was_working_on_is_named(signed_in, registrant, official):
    from procedures.services.intake import receive_case

    case = receive_case(judicial_cancellation_request(registrant), by=official)
    log_data_access(user=official, registrant=registrant, what="Ficha del inscrito")

    page = signed_in.get(URL).content.decode()

    assert case.number in page
    assert "Atención del trámite: Cancelación de oficio" in page


def test_a_view_with_no_open_case_has_no_case_number(signed_in, registrant, official):
    log_data_access(user=official, registrant=registrant, what="Ficha del inscrito")

    page = signed_in.get(URL).content.decode()

    assert "Consulta del registro por un funcionario" in page
    assert not Case.objects.exists()


def test_an_entitys_query_shows_the_entity_its_purpose_and_the_fields(
    signed_in, registrant, pension_fund
):
    query_registry(
        pension_fund, nit=registrant.nit, purpose="Reconocimiento de pensión", requested=["email"]
    )

    page = signed_in.get(URL).content.decode()

    assert "Unidad de Gestión Pensional" in page
    assert "Reconocimiento de pensión" in page
    assert "correo electrónico" in page


def test_other_peoples_consultations_are_not_shown(signed_in, registrant, official, pension_fund):
    other = make_natural()
    log_data_access(user=official, registrant=other, what="Ficha de otra persona")
    query_registry(pension_fund, nit=other.nit, purpose="Otra persona", requested=None)

    page = signed_in.get(URL).content.decode()

    assert "Ficha de otra persona" not in page and "Otra persona" not in page
    assert "Nadie ha consultado sus datos personales." in page


def test_both_logs_are_merged_newest_first_and_paginated(
    signed_in, registrant, official, pension_fund, clock
):
    for n in range(PAGE_SIZE):
        log_data_access(user=official, registrant=registrant, what=f"vista {n:02d}")
        clock.shift(60)
    query_registry(pension_fund, nit=registrant.nit, purpose="La más reciente", requested=None)

    first = signed_in.get(URL).content.decode()
    second = signed_in.get(URL, {"pagina": 2}).content.decode()

    assert first.index("La más reciente") < first.index(f"vista {PAGE_SIZE - 1:02d}")
    assert "vista 00" not in first and "vista 00" in second
    assert "Página 2 de 2" in second


def test_the_csv_has_every_row_and_neutralises_formulas(signed_in, registrant, pension_fund):
    query_registry(pension_fund, nit=registrant.nit, purpose="=HYPERLINK(1)", requested=None)

    response = signed_in.get(URL, {"formato": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = ["Fecha y hora", "Entidad o dependencia", "Finalidad", "Qué consultó", "Trámite"]
    assert rows[0] == header
    assert rows[1][1:3] == ["Unidad de Gestión Pensional", "'=HYPERLINK(1)"]


def test_reading_the_log_writes_nothing(signed_in, registrant, official):
    log_data_access(user=official, registrant=registrant, what="Ficha del inscrito")

    signed_in.get(URL)
    signed_in.get(URL, {"formato": "csv"})

    assert DataAccessLog.objects.count() == 1
    assert QueryLog.objects.count() == 0


def test_the_page_asks_for_a_signed_in_citizen(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_csv_of_no_rows_is_just_the_header():
    assert consultations_csv([]).count("\n") == 1


def test_the_selector_needs_a_constant_number_of_queries(
    registrant, official, pension_fund, django_assert_max_num_queries
):
    for _n in range(10):
        log_data_access(user=official, registrant=registrant, what="Ficha")
        query_registry(pension_fund, nit=registrant.nit, purpose="Pensión", requested=None)

    with django_assert_max_num_queries(4):
        rows = all_consultations(registrant)

    assert len(rows) == 20
