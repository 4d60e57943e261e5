import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.nit import InvalidNit
from registry.selectors import registrant_by_document, registrant_by_nit, search_registrants
from tests.factories import make_legal, make_natural

pytestmark = pytest.mark.django_db


def test_a_nit_is_found_bare_or_with_its_check_digit(official) -> None:
    registrant = make_natural(by=official, document_number="52123456")

    assert registrant_by_nit("52123456") == registrant
    assert registrant_by_nit("52.123.456-2") == registrant
    assert registrant_by_nit(" 52.123.456 ") == registrant
    assert registrant_by_nit("052123456") == registrant


def test_the_public_page_reads_the_registrant_in_one_query_and_its_places_from_the_cache(
    official, django_assert_num_queries
) -> None:
    make_natural(by=official, document_number="52123456")
    registrant_by_nit("52123456")  # the first lookup of the process loads the reference tables

    with django_assert_num_queries(1):
        registrant = registrant_by_nit("52123456")
        assert registrant is not None
        assert str(registrant.municipality) == "BOGOTÁ, D.C. (11)"
        assert str(registrant.department) == "BOGOTÁ, D.C."
        assert registrant.seccional.code == "32"


def test_an_unknown_nit_finds_nobody(official) -> None:
    make_natural(by=official, document_number="52123456")

    assert registrant_by_nit("52123457") is None
    assert registrant_by_nit("900.373.913-4") is None


def test_a_nit_with_a_wrong_check_digit_is_refused_naming_the_right_one(official) -> None:
    make_natural(by=official, document_number="52123456")

    with pytest.raises(InvalidNit) as error:
        registrant_by_nit("52.123.456-3")

    assert error.value.message == "El dígito de verificación del NIT 52.123.456 es 2, no 3."
    assert error.value.field == "nit"


@pytest.mark.parametrize("text", ["", "abc", "52A23456", "1234567890123456"])
def test_text_that_is_not_a_nit_is_refused_in_spanish(text: str) -> None:
    with pytest.raises(InvalidNit) as error:
        registrant_by_nit(text)

    assert error.value.message == (
        "Escriba el NIT sin dígito de verificación (900373913) o con él después de un guion "
        "(900.373.913-4)."
    )


def test_a_provisional_nit_is_found_like_any_other(official) -> None:
    provisional = make_legal(by=official, bank_certificate_date=None)

    assert registrant_by_nit(provisional.formatted_nit) == provisional


def test_a_registrant_is_found_by_document_type_and_number(official) -> None:
    registrant = make_natural(by=official, document_number="80123456")

    assert registrant_by_document("13", "80123456") == registrant
    assert registrant_by_document("13", " 80123456 ") == registrant
    assert registrant_by_document("22", "80123456") is None
    assert registrant_by_document("13", "80123457") is None


def test_an_empty_document_number_finds_nobody_without_querying(
    official, django_assert_num_queries
) -> None:
    make_legal(by=official)  # legal entities have document_number == ""

    with django_assert_num_queries(0):
        assert registrant_by_document("13", "") is None


def test_a_name_is_found_ignoring_case_and_accents(official) -> None:
    registrant = make_natural(by=official, first_name="JOSÉ", first_surname="NÚÑEZ")
    make_natural(by=official, first_name="MARÍA", first_surname="LÓPEZ")

    assert search_registrants("josé carlos núñez") == [registrant]
    assert search_registrants("Nunez") == [registrant]


def test_names_starting_with_the_text_come_first_the_exact_one_leading(official) -> None:
    inside = make_legal(by=official, business_name="AROMAS DEL CAFÉ ANDINO S.A.S.")
    prefix = make_legal(by=official, business_name="CAFÉ ANDINO DEL SUR S.A.S.")
    exact = make_legal(by=official, business_name="CAFÉ ANDINO")
    make_legal(by=official, business_name="CAFÉ DEL VALLE S.A.S.")

    assert search_registrants("cafe andino") == [exact, prefix, inside]


def test_the_search_returns_at_most_limit_registrants_alphabetically(official) -> None:
    names = [f"FERRETERIA {letter} S.A.S." for letter in "EDCBA"]
    for name in names:
        make_legal(by=official, business_name=name)

    found = search_registrants("ferreteria", limit=3)

    assert [r.business_name for r in found] == sorted(names)[:3]


def test_a_search_list_costs_one_query(official, django_assert_num_queries) -> None:
    for _ in range(3):
        make_legal(by=official)
    search_registrants("comercializadora andina")  # loads the reference tables once

    with django_assert_num_queries(1):
        found = search_registrants("comercializadora andina")
        assert [str(r.municipality) for r in found] == ["MEDELLÍN (05)"] * 3


def test_nit_looking_text_searches_by_nit(official) -> None:
    registrant = make_natural(by=official, document_number="52123456")
    make_legal(by=official, business_name="52123456 LTDA")

    assert search_registrants("52.123.456-2") == [registrant]
    assert search_registrants("52123456") == [registrant]
    assert search_registrants("52.123.456-3") == []


def test_text_too_short_for_a_name_search_finds_nothing_without_querying(
    official, django_assert_num_queries
) -> None:
    make_natural(by=official, first_name="JOSÉ")

    with django_assert_num_queries(0):
        assert search_registrants(" é ") == []
        assert search_registrants("jo") == []


def _plan(run: object) -> str:
    with CaptureQueriesContext(connection) as captured:
        run()  # type: ignore[operator]
    with connection.cursor() as cursor:
        # With a handful of rows any plan is cheap; leave only bitmap scans, which need an index
        # that can answer the condition (for LIKE '%x%' only the trigram index can).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + captured.captured_queries[-1]["sql"])
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
def test_on_postgresql_nit_and_name_lookups_are_index_conditions(official) -> None:
    # On a tiny table the planner may pick any usable index; bench/registry_lookup.py checks the
    # plans (the document lookup's partial unique index included) at 1M rows.
    make_natural(by=official, document_number="52123456")

    assert "Index Cond: ((nit)::text = '52123456'::text)" in _plan(
        lambda: registrant_by_nit("52.123.456-2")
    )
    assert "Bitmap Index Scan on registrant_search_name_trgm" in _plan(
        lambda: search_registrants("juan carlos")
    )
