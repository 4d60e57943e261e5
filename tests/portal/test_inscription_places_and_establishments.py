"""The wizard's places of issue and birth, a foreigner's tax number, establishments, the
responsibilities help and the review/result pages; the Mi RUT update of establishments."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from pypdf import PdfReader

from documents.services import formulario_001_pdf
from portal.models import CitizenAccount, Draft, PendingFiling
from portal.services import accounts
from registry.models import Establishment
from tests.clock import TODAY
from tests.documents.conftest import pdf_text
from tests.factories import make_natural
from tests.portal.conftest import PASSWORD, last_code
from tests.portal.test_inscription import STEPS

pytestmark = pytest.mark.django_db

SHOP = {
    "establishment_kind": "02",
    "establishment_name": "Tienda La Esquina",
    "establishment_department": "05",
    "establishment_municipality": "05001",
    "establishment_address": "CL 10 43 20",
    "establishment_phone": "6044445566",
    "establishment_opened_on": "2021-05-03",
}


def _login(client, account, document_type="13"):
    client.post(
        reverse("portal:login"),
        {
            "document_type": document_type,
            "document_number": account.document_number,
            "password": PASSWORD,
        },
    )
    return client


@pytest.fixture
def signed_in(client, account):
    return _login(client, account)


def _post(client, step, data, action="next", **extra):
    return client.post(
        reverse("portal:inscription_step", args=[step]), {**data, "action": action, **extra}
    )


def _walk(client, *, until="confirmar", overrides=None):
    for step, data in STEPS.items():
        if step == until:
            return
        response = _post(client, step, {**data, **(overrides or {}).get(step, {})})
        assert response.status_code == 302, response.content.decode()[:3000]


def _pdf_text(response) -> str:
    body = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def test_places_of_issue_and_birth_and_an_establishment_reach_the_record_and_the_form(
    signed_in, account
):
    _walk(signed_in, until="establecimientos")
    added = _post(signed_in, "establecimientos", SHOP, action="add")
    assert added.status_code == 302
    page = signed_in.get(reverse("portal:inscription_step", args=["establecimientos"]))
    assert "TIENDA LA ESQUINA" in page.content.decode()
    assert "03/05/2021" in page.content.decode()
    _post(signed_in, "establecimientos", {})
    _post(signed_in, "responsabilidades", STEPS["responsabilidades"])
    response = _post(signed_in, "confirmar", {"accept_policy": "on"})
    assert response["Location"] == reverse("portal:inscription_result")

    account.refresh_from_db()
    registrant = account.registrant
    assert (registrant.document_issue_place_id, registrant.document_issue_country) == (
        "11001",
        "CO",
    )
    assert (registrant.birth_place_id, registrant.birth_country) == ("05001", "CO")
    shop = Establishment.objects.get(registrant=registrant)
    assert (shop.name, shop.municipality_id, shop.kind_code, shop.opened_on.isoformat()) == (
        "TIENDA LA ESQUINA",
        "05001",
        "02",
        "2021-05-03",
    )
    text = _pdf_text(signed_in.get(reverse("portal:rut_pdf")))
    assert "28. Lugar de expedición: país COLOMBIA" in text
    assert "29. Departamento BOGOTÁ" in text and "30. Ciudad/Municipio BOGOTÁ" in text
    assert "Lugar de nacimiento MEDELLÍN, COLOMBIA" in text
    assert "52. Número de establecimientos 1" in text
    assert "TIENDA LA ESQUINA" in text and "03/05/2021" in text


def test_a_passport_holder_gives_the_country_of_issue_and_the_foreign_tax_number(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accounts.sign_up(
            accounts.SignUpData(
                "41", "PA998877", "John", "Smith", "john@example.com", "3001112233"
            ),
            ip_address="127.0.0.1",
        )
    account = accounts.activate(
        "41", "PA998877", submitted=last_code("john@example.com"), decoy=accounts.Decoy.start()
    )
    accounts.set_password(account, password=PASSWORD)
    _login(client, CitizenAccount.objects.get(pk=account.pk), document_type="41")
    form = client.get(reverse("portal:inscription_step", args=["identificacion"])).content
    assert b"Pa\xc3\xads de expedici\xc3\xb3n" in form and b"id_issue_municipality" not in form
    identification = {
        **STEPS["identificacion"],
        "issue_country": "US",
        "birth_country": "US",
        "birth_department": "",
        "birth_municipality": "",
        "foreign_tax_number": "123-45-6789",
    }
    _walk(client, overrides={"identificacion": identification})

    review = client.get(reverse("portal:inscription_step", args=["confirmar"])).content.decode()
    assert "ESTADOS UNIDOS" in review and "123-45-6789" in review
    client.post(
        reverse("portal:inscription_step", args=["confirmar"]),
        {"accept_policy": "on", "action": "next"},
    )
    registrant = CitizenAccount.objects.get(pk=account.pk).registrant
    assert registrant.document_issue_place_id is None
    assert (registrant.document_issue_country, registrant.birth_country) == ("US", "US")
    assert registrant.birth_place_id is None and registrant.foreign_tax_number == "123-45-6789"
    version = registrant.form_versions.order_by("-version").first()
    text = pdf_text(formulario_001_pdf(version, copy=True))
    assert "28. Lugar de expedición: país ESTADOS UNIDOS" in text
    assert "Lugar de nacimiento ESTADOS UNIDOS" in text
    assert "Identificación tributaria del exterior 123-45-6789" in text


def test_dates_are_typed_and_shown_dd_mm_aaaa_and_kept_iso_in_the_draft(signed_in, account):
    typed = {**STEPS["identificacion"], "document_issue_date": "15/07/2008"}

    response = _post(signed_in, "identificacion", {**typed, "birth_date": "31/02/1990"})
    assert "Escriba la fecha como dd/mm/aaaa, p. ej. 15/07/2008." in response.content.decode()
    _post(signed_in, "identificacion", {**typed, "birth_date": "20/11/1989"})

    draft = Draft.objects.get(account=account)
    assert (draft.data["document_issue_date"], draft.data["birth_date"]) == (
        "2008-07-15",
        "1989-11-20",
    )
    page = signed_in.get(reverse("portal:inscription_step", args=["identificacion"]))
    html = page.content.decode()
    assert 'value="15/07/2008"' in html and 'value="20/11/1989"' in html
    assert 'autocomplete="bday"' in html


def test_born_in_colombia_needs_the_municipio_said_next_to_the_field(signed_in, account):
    response = _post(
        signed_in,
        "identificacion",
        {**STEPS["identificacion"], "birth_department": "", "birth_municipality": ""},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Indique el municipio donde nació." in page
    assert 'href="#id_birth_municipality"' in page  # the error summary links to the field
    assert Draft.objects.get(account=account).step == "identificacion"


def test_a_half_typed_establishment_is_refused_field_by_field_and_one_can_be_removed(signed_in):
    _walk(signed_in, until="establecimientos")
    response = _post(signed_in, "establecimientos", {"establishment_name": "Taller"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Indique la dirección del establecimiento." in page
    assert "Indique el municipio del establecimiento." in page

    _post(signed_in, "establecimientos", SHOP, action="add")
    _post(signed_in, "establecimientos", {**SHOP, "establishment_name": "Bodega"}, action="add")
    signed_in.post(
        reverse("portal:inscription_step", args=["establecimientos"]),
        {"remove_establishment": "0"},
    )
    draft = Draft.objects.get()
    assert [e["name"] for e in draft.data["establishments"]] == ["BODEGA"]


def test_the_help_suggests_responsibilities_from_the_answers_and_the_activity(signed_in):
    _walk(signed_in, until="responsabilidades")
    response = _post(
        signed_in,
        "responsabilidades",
        {
            "q-sells_with_vat": "si",
            "q-over_vat_threshold": "si",
            "q-files_income_tax": "si",
            "q-merchant": "si",
        },
        action="suggest",
    )

    page = response.content.decode()
    assert "Le sugerimos" in page
    for code in ("05", "42", "48", "52"):
        assert re.search(rf'value="{code}"[^>]*checked', page), code
    assert not re.search(r'value="49"[^>]*checked', page)


def test_no_responsibility_with_a_business_activity_asks_once_more(signed_in, account):
    _walk(signed_in, until="responsabilidades")

    warned = _post(signed_in, "responsabilidades", {})
    assert warned.status_code == 200
    assert "No eligió ninguna responsabilidad" in warned.content.decode()
    assert Draft.objects.get(account=account).step == "responsabilidades"

    confirmed = _post(signed_in, "responsabilidades", {}, action="confirm_none")
    assert confirmed["Location"] == reverse("portal:inscription_step", args=["confirmar"])


def test_an_employee_without_responsibilities_is_not_warned(signed_in):
    _walk(
        signed_in, until="responsabilidades", overrides={"actividades": {"principal_code": "0010"}}
    )

    response = _post(signed_in, "responsabilidades", {})

    assert response["Location"] == reverse("portal:inscription_step", args=["confirmar"])


def test_the_review_shows_dates_dd_mm_aaaa_and_ninguna_without_a_dash(signed_in):
    _walk(signed_in, until="responsabilidades")
    _post(signed_in, "responsabilidades", {}, action="confirm_none")

    page = signed_in.get(reverse("portal:inscription_step", args=["confirmar"])).content.decode()

    assert "01/03/2010" in page and "01/02/1990" in page and "01/01/2020" in page
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page.split("<main", 1)[-1].split("<form", 1)[-1])
    assert "<dt>—</dt>" not in page
    assert "<dt>Responsabilidades</dt><dd>Ninguna</dd>" in page
    assert "<dt>Establecimientos</dt><dd>Ninguno</dd>" in page


def test_the_result_page_says_what_happens_next(signed_in, account):
    _walk(signed_in)
    _post(signed_in, "confirmar", {"accept_policy": "on"})

    page = signed_in.get(reverse("portal:inscription_result")).content.decode()

    assert "Qué sigue" in page
    assert "Enviamos la comunicación de su inscripción a ana@example.co" in page
    assert "visita a la dirección" in page


def test_the_address_field_uses_a_valid_one_line_autocomplete_token(signed_in):
    _post(signed_in, "identificacion", STEPS["identificacion"])

    page = signed_in.get(reverse("portal:inscription_step", args=["ubicacion"])).content.decode()

    assert 'autocomplete="address-line1"' in page and "street-address" not in page


# --- Mi RUT: the update of establishments ------------------------------------------------------


@pytest.fixture
def with_rut(client, account):
    registrant = make_natural(document_number=account.document_number, email=account.email)
    _login(client, account)
    return registrant


def test_an_update_opens_one_establishment_and_closes_another(
    client, with_rut, django_capture_on_commit_callbacks
):
    Establishment.objects.create(
        registrant=with_rut,
        name="LOCAL VIEJO",
        department_id="11",
        municipality_id="11001",
        address="CL 1 2 3",
    )
    fact_date = (TODAY - timedelta(days=5)).isoformat()
    form = client.get(reverse("portal:update_section", args=["establecimientos"]))
    assert "LOCAL VIEJO, CL 1 2 3, BOGOTÁ" in form.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:update_section", args=["establecimientos"]),
            {**SHOP, "close": ["0"], "fact_date": fact_date},
        )
    filing = PendingFiling.objects.get()
    assert response["Location"] == reverse("portal:sign", args=[filing.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portal:sign", args=[filing.pk]), {"code": last_code(), "action": "sign"}
        )

    assert list(with_rut.establishments.values_list("name", flat=True)) == ["TIENDA LA ESQUINA"]
    latest = with_rut.form_versions.order_by("-version").first()
    assert [e["name"] for e in latest.snapshot["establishments"]] == ["TIENDA LA ESQUINA"]


def test_an_update_of_establishments_that_changes_nothing_is_refused(client, with_rut):
    response = client.post(
        reverse("portal:update_section", args=["establecimientos"]),
        {"fact_date": (TODAY - timedelta(days=5)).isoformat()},
    )

    assert response.status_code == 200
    assert "No cambió ningún dato." in response.content.decode()
    assert not PendingFiling.objects.exists()
