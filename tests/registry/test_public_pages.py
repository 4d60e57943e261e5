from datetime import date

import pytest
from django import forms
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from portal.public.forms import DirectTextInput, RutLookupForm
from registry.services.registration import pre_register
from tests.factories import legal_data, make_legal, make_natural, natural_data

pytestmark = pytest.mark.django_db

LOOKUP = reverse("registry:rut_lookup")


def test_the_home_page_explains_the_portal_and_links_to_the_lookup_and_the_admin(client) -> None:
    response = client.get(reverse("registry:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es-CO">' in html
    assert "<h1>Registro Único Tributario</h1>" in html
    assert f'href="{LOOKUP}"' in html
    assert f'href="{reverse("admin:index")}"' in html
    assert '<label class="field__label" for="id_nit">NIT</label>' in html


def test_the_home_page_leads_citizens_to_mi_rut_and_anyone_to_document_verification(
    client,
) -> None:
    html = client.get(reverse("registry:home")).content.decode()

    assert f'href="{reverse("portal:login")}"' in html
    assert f'href="{reverse("portal:sign_up")}"' in html
    assert f'href="{reverse("documents:verify_form")}"' in html


def test_every_page_names_the_svg_icon_and_favicon_ico_leads_to_it(client) -> None:
    icon = static("img/favicon.svg")

    html = client.get(reverse("registry:home")).content.decode()
    response = client.get("/favicon.ico")

    assert f'<link rel="icon" href="{icon}" type="image/svg+xml">' in html
    assert finders.find("img/favicon.svg") is not None
    assert response.status_code == 302
    assert response["Location"] == icon


def test_a_nit_with_its_dv_shows_only_the_public_data(client, official) -> None:
    make_natural(
        by=official,
        document_number="52123456",
        first_name="LUISA",
        other_names="",
        first_surname="RAMOS",
        second_surname="TOVAR",
        address="CL 26 69 76",
        email="luisa.reservado@example.co",
        phone_1="3009876543",
        phone_2="6014445566",
        birth_date=date(1980, 5, 17),
        postal_code="111321",
    )

    response = client.get(LOOKUP, {"nit": "52.123.456-2"})

    assert response.status_code == 200
    html = response.content.decode()
    for public in [
        "52.123.456-2",
        "52123456",
        "LUISA RAMOS TOVAR",
        "CL 26 69 76",
        "BOGOTÁ, D.C.",
        "Activo",
    ]:
        assert public in html, public
    # Reserved data (Decreto 2460 de 2013, art. 4 par. 2) never reaches the page.
    for reserved in [
        "luisa.reservado",
        "3009876543",
        "6014445566",
        "1980",
        "17 de mayo",
        "111321",
        "6201",
        "Dirección Seccional",
        "Cédula de ciudadanía",
    ]:
        assert reserved not in html, reserved


def test_a_nit_without_dv_finds_a_legal_entity_with_its_state(client, official) -> None:
    company = make_legal(
        by=official, business_name="TEJIDOS DEL ORIENTE S.A.S.", bank_certificate_date=None
    )

    response = client.get(LOOKUP, {"nit": company.nit})

    html = response.content.decode()
    assert response.status_code == 200
    assert company.formatted_nit in html
    assert "TEJIDOS DEL ORIENTE S.A.S." in html
    assert "MEDELLÍN" in html and "ANTIOQUIA" in html
    assert "NIT provisional" in html
    assert "LUZ MARINA ROJAS" not in html  # the legal representative is not public


def test_a_wrong_dv_rerenders_the_form_with_the_message_by_the_field(client, official) -> None:
    make_natural(by=official, document_number="52123456")

    response = client.get(LOOKUP, {"nit": "52123456-3"})

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<ul class="errorlist" id="id_nit_error"><li>El dígito de verificación del NIT '
        "52.123.456 es 2, no 3.</li></ul>"
    ) in html
    assert 'value="52123456-3"' in html
    assert 'aria-invalid="true"' in html
    assert "record__data" not in html


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Escriba el NIT que quiere consultar."),
        (
            "ABC123",
            "Escriba el NIT sin dígito de verificación (900373913) o con él después de un "
            "guion (900.373.913-4).",
        ),
        ("1234567890123456", "Escriba el NIT sin dígito de verificación"),
    ],
)
def test_malformed_input_gets_a_spanish_message_not_an_error_page(client, text, message) -> None:
    response = client.get(LOOKUP, {"nit": text})

    assert response.status_code == 200
    assert message in response.content.decode()


def test_an_unknown_nit_says_it_was_not_found(client) -> None:
    response = client.get(LOOKUP, {"nit": "900.373.913-4"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "NIT no encontrado" in html
    assert "No encontramos ningún inscrito en el RUT con el NIT 900.373.913-4." in html


def test_a_pre_registration_has_no_nit_and_is_not_found(client) -> None:
    pre_register(natural_data(document_number="80123456"), by=None)
    pre_register(legal_data(business_name="PRE INSCRITA S.A.S."), by=None)

    response = client.get(LOOKUP, {"nit": "80123456"})

    assert "NIT no encontrado" in response.content.decode()


def test_the_lookup_page_starts_empty(client) -> None:
    response = client.get(LOOKUP)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Consulta del estado del RUT</h1>" in html
    assert "errorlist" not in html and "NIT no encontrado" not in html


def test_the_lookup_only_answers_get(client) -> None:
    assert client.post(LOOKUP, {"nit": "52123456"}).status_code == 405


@pytest.mark.parametrize(
    "data", [None, {"nit": "52123456"}, {"nit": '<b>"9"&</b>'}, {"nit": ""}, {"nit": "ABC"}]
)
def test_the_nit_field_is_the_markup_djangos_widget_templates_give(data) -> None:
    form = RutLookupForm(data)
    if data is not None:
        form.is_valid()
    field = form["nit"]

    templated = field.as_widget(widget=forms.TextInput(attrs=field.field.widget.attrs))

    assert str(field) == templated
    assert isinstance(field.field.widget, DirectTextInput)  # two renderings really compared
