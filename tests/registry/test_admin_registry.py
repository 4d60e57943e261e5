import pytest
from django.test import Client
from django.urls import reverse

from registry.models import AuditEntry, FormVersion, Registrant
from registry.services import change_state
from tests.factories import make_legal, make_natural

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registry_registrant_changelist")


@pytest.fixture
def registry(official, director) -> list[Registrant]:
    people = [make_natural(by=official) for _ in range(6)]
    companies = [make_legal(by=official) for _ in range(6)]
    change_state(people[0], transition_name="suspend", by=official)
    change_state(companies[0], transition_name="cancel", by=director)
    return people + companies


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_registrant_changelist_loads_in_a_bounded_number_of_queries(
    admin_client, registry, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(8):  # session, user, counts, page: not one per row
        response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    html = response.content.decode()
    for registrant in registry:
        assert registrant.formatted_nit in html
    assert "Suspendido" in html and "Cancelado" in html


@pytest.mark.parametrize("model", ["auditentry", "formversion"])
def test_the_history_changelists_load_in_a_bounded_number_of_queries(
    admin_client, registry, django_assert_max_num_queries, model
) -> None:
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse(f"admin:registry_{model}_changelist"))

    assert response.status_code == 200
    assert registry[0].formatted_nit in response.content.decode()


def test_officials_find_an_inscrito_by_nit_with_dv_or_by_name_without_accents(
    official, registry
) -> None:
    client = _logged_in(official)
    target = registry[7]

    by_nit = client.get(CHANGELIST, {"q": target.formatted_nit})
    by_name = client.get(CHANGELIST, {"q": "comercializadora andina"})

    assert list(by_nit.context["cl"].result_list) == [target]
    assert len(by_name.context["cl"].result_list) == 6


def test_an_official_sees_the_whole_record_but_cannot_change_it(official, registry) -> None:
    client = _logged_in(official)
    registrant = registry[6]
    url = reverse("admin:registry_registrant_change", args=[registrant.pk])

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "4659 Comercio al por mayor de otros tipos de maquinaria" in html  # activity inline
    assert "LUZ MARINA ROJAS" in html  # representative inline
    assert "Formulario 001 N.º" in html  # form version inline
    assert 'type="submit"' not in html.split('id="registrant_form"')[1]
    assert client.post(url, {"address": "OTRA"}).status_code == 403
    registrant.refresh_from_db()
    assert registrant.address == "CR 43A 1 50"
    assert client.get(reverse("admin:registry_registrant_add")).status_code == 403


@pytest.mark.parametrize("model", [AuditEntry, FormVersion])
def test_audit_entries_and_form_versions_cannot_be_added_changed_or_deleted(
    admin_client, registry, model
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
    assert "delete_selected" not in admin_client.get(reverse(f"{name}_changelist")).content.decode()


def test_audit_entries_read_in_spanish(admin_client, registry) -> None:
    response = admin_client.get(reverse("admin:registry_auditentry_changelist"),
                                {"action": "suspend"})

    html = response.content.decode()
    assert len(response.context["cl"].result_list) == 1
    assert "Suspensión" in html and "Activo → Suspendido" in html


def test_officials_browse_the_reference_tables(official) -> None:
    client = _logged_in(official)

    response = client.get(reverse("admin:registry_municipality_changelist"), {"q": "medellín"})

    assert response.status_code == 200
    assert [m.code for m in response.context["cl"].result_list] == ["05001"]


def test_the_superuser_sees_the_officials_and_their_roles(admin_client, official, director) -> None:
    response = admin_client.get(reverse("admin:accounts_officialprofile_changelist"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Funcionario de seccional" in html and "Director seccional" in html
