import pytest

from registry import reference_cache
from registry.models import Municipality, Seccional
from registry.reference import load_reference_data
from registry.selectors import registrant_by_nit
from tests.factories import make_natural

pytestmark = pytest.mark.django_db


def test_a_table_is_read_once_then_served_from_memory(django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        assert reference_cache.get(Municipality, "11001").name == "BOGOTÁ, D.C."
        assert reference_cache.get(Municipality, "05001").department_id == "05"
        assert reference_cache.get(Municipality, "99999") is None
        assert reference_cache.get(Municipality, "") is None


def test_an_edit_in_this_process_shows_at_once(official) -> None:
    make_natural(by=official, document_number="52123456")
    assert registrant_by_nit("52123456").municipality.name == "BOGOTÁ, D.C."

    municipality = Municipality.objects.get(pk="11001")
    municipality.name = "BOGOTÁ, DISTRITO CAPITAL"
    municipality.save()

    assert registrant_by_nit("52123456").municipality.name == "BOGOTÁ, DISTRITO CAPITAL"


def test_an_edit_made_elsewhere_shows_once_the_cache_expires(settings) -> None:
    assert reference_cache.get(Seccional, "32").name != "RENAMED"
    Seccional.objects.filter(pk="32").update(name="RENAMED")  # no signal, as from another process

    assert reference_cache.get(Seccional, "32").name != "RENAMED"
    settings.REFERENCE_CACHE_SECONDS = 0
    assert reference_cache.get(Seccional, "32").name == "RENAMED"


def test_reloading_the_reference_data_refreshes_the_cache() -> None:
    Seccional.objects.filter(pk="32").update(name="RENAMED")
    assert reference_cache.get(Seccional, "32").name == "RENAMED"

    load_reference_data()

    assert reference_cache.get(Seccional, "32").name != "RENAMED"
