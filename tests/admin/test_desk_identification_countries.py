"""The desk records the country of issue and of birth as the citizens' wizard does: on the
assisted inscription, on the Formato 1767 update, and the inscrito page shows them. The same
registry validation refuses an unknown country or a municipio abroad, field by field."""

from __future__ import annotations

import pytest
from django.urls import reverse

from procedures.models import Case
from registry.models import Registrant
from tests.admin.conftest import OWN, client_for, registrant_in
from tests.admin.test_assisted_inscription import ACTIVITY, _form
from tests.admin.test_assisted_update import (
    _action,
    _in_process,
    _receive_update,
    _signed_request,
    _update_form,
)

pytestmark = pytest.mark.django_db

PAGE = reverse("admin:procedures_case_inscription")
PERSON = {
    "kind": "PN",
    "document_type": "22",
    "document_number": "998877",
    "first_surname": "gómez",
    "first_name": "luis",
    "email": "luis@example.co",
    "responsibilities": ["49"],
}


def test_an_assisted_inscription_records_the_countries_and_the_page_shows_them(official) -> None:
    client = client_for(official)

    response = client.post(
        PAGE,
        _form(
            {"activities": [ACTIVITY]},
            **PERSON,
            document_issue_country="ve",
            birth_country="VE",
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    registrant = Case.objects.get().registrant
    assert registrant is not None
    assert (registrant.document_issue_country, registrant.birth_country) == ("VE", "VE")
    page = client.get(reverse("admin:registry_registrant_change", args=[registrant.pk]))
    html = page.content.decode()
    assert "País de expedición" in html and "País de nacimiento" in html
    assert html.count('<div class="readonly">VE</div>') == 2


def test_an_unknown_country_or_a_municipio_abroad_is_refused_and_nothing_written(
    official,
) -> None:
    response = client_for(official).post(
        PAGE,
        _form(
            {"activities": [ACTIVITY]},
            **PERSON,
            birth_place="05001",
            birth_country="US",
            document_issue_country="XX",
        ),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["document_issue_country"] == ["El país «XX» no existe."]
    assert form.errors["birth_place"] == [
        "Un lugar en el exterior se indica solo con el país, sin municipio."
    ]
    assert not Case.objects.exists() and not Registrant.objects.exists()


def test_the_formato_1767_changes_the_country_of_birth(official) -> None:
    person = registrant_in(OWN)
    client = client_for(official)
    case = _receive_update(client, person)
    _in_process(client, case)
    form = _update_form(client, case)
    assert "birth_country" in client.get(_action(case, "actualizar")).context["form"].fields

    response = client.post(
        _action(case, "actualizar"),
        {
            **form,
            "birth_place": "",
            "birth_country": "ec",
            "support": "signed_request",
            "support_document": _signed_request(),
            "facts": "Nació en Quito, según el registro civil.",
            "evidence": "",
            "authorized_by": "Jefe GIT Registro",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    assert (person.birth_place_id, person.birth_country) == (None, "EC")
