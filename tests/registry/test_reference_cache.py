import pytest

from registry import reference_cache
from registry.models import Municipality, Registrant, Seccional
from registry.reference import load_reference_data
from registry.selectors import registrant_by_nit
from tests.factories import make_natural

pytestmark = pytest.mark.django_db


def _municipality_name(nit: str) -> str:
    registrant = registrant_by_nit(nit)
    assert registrant is not None and registrant.municipality is not None
    return registrant.municipality.name


def _seccional_name(code: str) -> str:
    seccional = reference_cache.get(Seccional, code)
    assert seccional is not None
    return seccional.name


def test_a_table_is_read_once_then_served_from_memory(django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        bogota = reference_cache.get(Municipality, "11001")
        medellin = reference_cache.get(Municipality, "05001")
        assert bogota is not None and bogota.name == "BOGOTÁ, D.C."
        assert medellin is not None and medellin.department_id == "05"
        assert reference_cache.get(Municipality, "99999") is None
        assert reference_cache.get(Municipality, "") is None


def test_an_edit_in_this_process_shows_at_once(official) -> None:
    make_natural(by=official, document_number="52123456")
    assert _municipality_name("52123456") == "BOGOTÁ, D.C."

    municipality = Municipality.objects.get(pk="11001")
    municipality.name = "BOGOTÁ, DISTRITO CAPITAL"
    municipality.save()

    assert _municipality_name("52123456") == "BOGOTÁ, DISTRITO CAPITAL"


def test_a_place_added_elsewhere_shows_before_the_cache_expires(official) -> None:
    make_natural(by=official, document_number="52123456")  # loads the municipios
    # bulk_create and update send no signal, as from another process.
    Municipality.objects.bulk_create([Municipality(code="11999", name="NUEVO", department_id="11")])
    Registrant.objects.filter(document_number="52123456").update(municipality_id="11999")

    registrant = registrant_by_nit("52123456")

    assert registrant is not None
    assert registrant.municipality_id == "11999"
    assert registrant.municipality is not None
    assert registrant.municipality.name == "NUEVO"


def test_an_edit_made_elsewhere_shows_once_the_cache_expires(settings) -> None:
    assert _seccional_name("32") != "RENAMED"
    Seccional.objects.filter(pk="32").update(name="RENAMED")  # no signal, as from another process

    assert _seccional_name("32") != "RENAMED"
    settings.REFERENCE_CACHE_SECONDS = 0
    assert _seccional_name("32") == "RENAMED"


def test_reloading_the_reference_data_refreshes_the_cache() -> None:
    Seccional.objects.filter(pk="32").update(name="RENAMED")
    assert _seccional_name("32") == "RENAMED"

    load_reference_data()

    assert _seccional_name("32") != "RENAMED"
