"""The inscrito in the admin: scoped to the official's seccional, every view of personal data
logged, Formulario 001 versions compared, history, open cases and sanction indicators."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from procedures.models import CaseType, Cause, Channel, RequesterKind
from procedures.services.intake import CaseRequest, receive_case
from registry.models import AuditEntry, DataAccessLog, FormVersion, Registrant
from registry.services.states import change_state
from registry.services.updates import update_registrant
from registry.validation import data_from_registrant
from tests.admin.conftest import OTHER, OWN, cancellation, client_for, registrant_in
from tests.factories import make_legal, make_natural

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registry_registrant_changelist")


def _page(registrant: Registrant) -> str:
    return reverse("admin:registry_registrant_change", args=[registrant.pk])


@pytest.fixture
def registry(official, director) -> list[Registrant]:
    people = [make_natural(by=official) for _ in range(6)]  # Bogotá: seccional 32
    companies = [make_legal(by=official) for _ in range(6)]  # Medellín: seccional 11
    change_state(people[0], transition_name="suspend", by=official)
    change_state(companies[0], transition_name="cancel", by=director)
    return people + companies


def test_the_registrant_changelist_loads_in_a_bounded_number_of_queries(
    admin_client, registry, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(8):
        response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    html = response.content.decode()
    for registrant in registry:
        assert registrant.formatted_nit in html
    assert "Suspendido" in html and "Cancelado" in html


@pytest.mark.parametrize("model", ["auditentry", "formversion"])
def test_the_history_changelists_load_in_a_bounded_number_of_queries(
    official, registry, django_assert_max_num_queries, model
) -> None:
    client = client_for(official)
    url = reverse(f"admin:registry_{model}_changelist")
    client.get(url)

    with django_assert_max_num_queries(8):
        response = client.get(url)

    html = response.content.decode()
    assert registry[0].formatted_nit in html
    assert registry[6].formatted_nit not in html  # another seccional's


def test_an_official_lists_and_finds_only_the_inscritos_of_their_seccional(
    official, registry
) -> None:
    client = client_for(official)
    person, company = registry[1], registry[7]

    listed = set(client.get(CHANGELIST).context["cl"].result_list)
    by_nit = client.get(CHANGELIST, {"q": person.formatted_nit}).context["cl"].result_list
    by_document = client.get(CHANGELIST, {"q": person.document_number}).context["cl"].result_list
    other = client.get(CHANGELIST, {"q": company.formatted_nit}).context["cl"].result_list

    assert listed == set(registry[:6])
    assert list(by_nit) == [person] and list(by_document) == [person]
    assert list(other) == []


def test_the_central_level_finds_anyone_by_name_without_accents(central, registry) -> None:
    response = client_for(central).get(CHANGELIST, {"q": "comercializadora andina"})

    assert len(response.context["cl"].result_list) == 6


def test_an_official_sees_the_whole_record_but_cannot_change_it(official, registry) -> None:
    client = client_for(official)
    registrant = registry[1]
    url = _page(registrant)

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "6201" in html  # activity inline
    assert "Formulario 001 N.º" in html  # form version inline
    assert 'type="submit"' not in html.split('id="registrant_form"')[1]
    assert client.post(url, {"address": "OTRA"}).status_code == 403
    registrant.refresh_from_db()
    assert registrant.address == "CL 26 69 76"
    assert client.get(reverse("admin:registry_registrant_add")).status_code == 403


def test_an_inscrito_of_another_seccional_is_refused_with_the_reason_and_not_logged(
    official, registry
) -> None:
    company = registry[7]

    response = client_for(official).get(_page(company))

    assert response.status_code == 403
    assert (
        "El inscrito pertenece a la Dirección Seccional de Impuestos de Medellín y no tiene "
        "trámites abiertos en la suya" in response.content.decode()
    )
    assert not DataAccessLog.objects.exists()


def test_a_reactivation_received_here_opens_the_inscrito_of_another_seccional(official) -> None:
    registrant = registrant_in(OTHER)
    change_state(registrant, transition_name="cancel", by=None)
    receive_case(
        CaseRequest(
            case_type=CaseType.REACTIVATION,
            channel=Channel.IN_PERSON,
            cause=Cause.INSCRITO_REQUEST,
            requester_kind=RequesterKind.USER,
            requester_name=registrant.display_name,
            registrant=registrant,
        ),
        by=official,
    )

    response = client_for(official).get(_page(registrant))

    assert response.status_code == 200
    assert DataAccessLog.objects.get().registrant == registrant


def test_every_view_of_personal_data_is_logged_and_list_pages_are_not(official) -> None:
    registrant = registrant_in(OWN)
    client = client_for(official)
    version = registrant.form_versions.latest("version")
    entry = registrant.audit_entries.get(action="formalize")

    client.get(CHANGELIST)
    client.get(reverse("admin:registry_formversion_changelist"))
    assert not DataAccessLog.objects.exists()
    client.get(_page(registrant))
    client.get(reverse("admin:registry_formversion_change", args=[version.pk]))
    client.get(reverse("admin:registry_auditentry_change", args=[entry.pk]))
    client.get(reverse("admin:registry_registrant_compare", args=[registrant.pk]))

    logs = list(DataAccessLog.objects.order_by("id").values_list("user", "registrant", "what"))
    assert [(u, r) for u, r, _what in logs] == [(official.pk, registrant.pk)] * 4
    assert [what for *_, what in logs] == [
        "Ficha del inscrito: identificación, ubicación, clasificación e historia",
        f"Formulario 001 N.º {version.form_number} (versión {version.version})",
        f"Registro de auditoría: Inscripción del {entry.at:%d/%m/%Y %H:%M}",
        "Comparación de las versiones 1 y 2 del Formulario 001",
    ]


def test_two_versions_are_compared_casilla_by_casilla(official) -> None:
    registrant = registrant_in(OWN)
    data = data_from_registrant(registrant)
    data.address, data.phone_1 = "CL 100 15 20", "3109998877"
    update_registrant(registrant, by=official, data=data, expected_revision=registrant.revision)
    latest = registrant.form_versions.latest("version").version
    url = reverse("admin:registry_registrant_compare", args=[registrant.pk])

    changes = client_for(official).get(url)
    everything = client_for(official).get(url, {"a": "1", "b": str(latest), "todo": "1"})

    rows = [(str(r.label), r.before, r.after) for r in changes.context["rows"]]
    assert rows == [
        ("Dirección principal (casilla 41)", "CL 26 69 76", "CL 100 15 20"),
        ("Teléfono 1 (casilla 44)", "3001234567", "3109998877"),
    ]
    assert len(everything.context["rows"]) > 20
    assert "Pre-inscrito" in everything.content.decode()


def test_the_inscrito_page_shows_history_open_cases_and_sanction_indicators(official) -> None:
    registrant = registrant_in(OWN)
    case = cancellation(registrant)

    response = client_for(official).get(_page(registrant))

    context = response.context
    assert [a for _e, a, *_ in context["state_history"]][:2] == ["Pre-inscripción", "Inscripción"]
    assert context["open_cases"] == [(case, True)]
    assert [i.code for i in context["indicators"]] == ["late_registration"]
    html = response.content.decode()
    assert "Historia del registro" in html and case.number in html
    assert "Se inscribió" in html


def test_directors_read_the_access_log_of_their_seccional_and_officials_do_not(
    official, director, official_of_other_seccional
) -> None:
    mine = registrant_in(OWN)
    theirs = registrant_in(OTHER)
    client_for(official).get(_page(mine))
    client_for(official_of_other_seccional).get(_page(theirs))
    url = reverse("admin:registry_dataaccesslog_changelist")

    listed = client_for(director).get(url).context["cl"].result_list

    assert [log.registrant for log in listed] == [mine]
    assert client_for(official).get(url).status_code == 403


@pytest.mark.parametrize("model", [AuditEntry, FormVersion])
def test_audit_entries_and_form_versions_cannot_be_added_changed_or_deleted(
    admin_client: Client, registry, model
) -> None:
    entry = model.objects.first()
    name = f"admin:registry_{model._meta.model_name}"

    view = admin_client.get(reverse(f"{name}_change", args=[entry.pk]))
    change = admin_client.post(reverse(f"{name}_change", args=[entry.pk]), {})
    delete = admin_client.post(reverse(f"{name}_delete", args=[entry.pk]), {"post": "yes"})
    add = admin_client.get(reverse(f"{name}_add"))

    assert view.status_code == 200
    assert (change.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    assert model.objects.filter(pk=entry.pk).exists()


def test_a_form_version_reads_as_its_casillas(official) -> None:
    registrant = registrant_in(OWN)
    version = registrant.form_versions.latest("version")

    response = client_for(official).get(
        reverse("admin:registry_formversion_change", args=[version.pk])
    )

    html = response.content.decode()
    assert "Dirección principal (casilla 41)" in html and "CL 26 69 76" in html


def test_the_inscrito_pages_carry_no_style_attribute_the_csp_would_block(official, registry):
    # CONTENT_SECURITY_POLICY allows styles from 'self' only: an inline style attribute is
    # refused by the browser (the NIT column lost its nowrap that way).
    client = client_for(official)

    for url in (CHANGELIST, _page(registry[1])):
        html = client.get(url).content.decode()
        assert " style=" not in html, url
