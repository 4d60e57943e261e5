"""The CIIU search people use in the wizard: everyday words, whole words, accents ignored.

Run on SQLite (the embedded default) and on PostgreSQL (full-text search with `rut_spanish`);
on PostgreSQL each query also runs the SQLite matching, so one run compares both.
"""

import pytest
from django.db import connection

from registry import ciiu_search
from registry.ciiu_search import search_activities
from registry.models import ActivityKeyword

pytestmark = pytest.mark.django_db

# (what a person types, the CIIU code that must be among the first five results)
EVERYDAY_QUERIES = [
    ("venta ropa", "4771"),
    ("ropa", "1410"),
    ("restaurante", "5611"),
    ("abogado", "6910"),
    ("Abogada", "6910"),
    ("taxi", "4921"),
    ("tienda", "4711"),
    ("tienda de barrio", "4711"),
    ("supermercado", "4711"),
    ("empleado", "0010"),
    ("pensionado", "0020"),
    ("estudiante", "0082"),
    ("PELUQUERIA", "9602"),
    ("panadería", "1081"),
    ("software", "6201"),
    ("programacion informatica", "6201"),
    ("contador", "6920"),
    ("médico", "8621"),
    ("odontólogo", "8622"),
    ("construcción de casas", "4111"),
    ("ferretería", "4752"),
    ("droguería", "4773"),
    ("mecánico", "4520"),
    ("taller de motos", "4542"),
    ("arquitecto", "7111"),
    ("hotel", "5511"),
    ("bar", "5630"),
    ("cafetería", "5613"),
    ("venta de comida", "5611"),
    ("camión", "4923"),
    ("cultivo de café", "0123"),
    ("ganado", "0141"),
    ("pesca", "0311"),
    ("asesoría", "7020"),
    ("publicidad", "7310"),
    ("diseñador", "7410"),
    ("fotografía", "7420"),
    ("aseo", "8121"),
    ("celador", "8010"),
    ("arriendo", "6810"),
    ("modista", "1410"),
    ("zapatos", "4772"),
    ("celulares", "4741"),
    ("veterinario", "7500"),
    ("lavandería", "9601"),
    ("gimnasio", "9311"),
    ("conductor", "4921"),
    ("domicilios", "5320"),
    ("ventas por internet", "4791"),
    ("clases particulares", "8559"),
    ("62", "6201"),
]


def _codes(text: str) -> list[str]:
    return [a.code for a in search_activities(text, limit=5)]


def _codes_matched_in_python(text: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    with monkeypatch.context() as patch:
        patch.setattr(connection, "vendor", "sqlite")
        return _codes(text)


@pytest.mark.parametrize(("text", "code"), EVERYDAY_QUERIES)
def test_an_everyday_word_finds_its_activity_among_the_first_five(
    text: str, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert code in _codes(text)
    assert code in _codes_matched_in_python(text, monkeypatch)


def test_there_are_at_least_forty_everyday_queries() -> None:
    assert len(EVERYDAY_QUERIES) >= 40


@pytest.mark.parametrize(("text", "first"), [("restaurante", "5611"), ("empleado", "0010")])
def test_the_closest_activity_comes_first(text: str, first: str) -> None:
    assert _codes(text)[0] == first


def test_a_word_matches_whole_words_only_not_a_piece_of_another() -> None:
    codes = [a.code for a in search_activities("ropa", limit=50)]

    assert "0130" not in codes  # Propagación de plantas (actividades de los viveros...)


def test_accents_and_case_do_not_matter() -> None:
    assert _codes("PELUQUERÍA") == _codes("peluqueria") == ["9602"]


def test_a_keyword_added_by_an_official_takes_effect_at_once() -> None:
    assert _codes("heladeria") == []

    ActivityKeyword.objects.create(word="heladeria", means="expendio de comidas")

    assert "5611" in _codes("heladeria")


def test_when_no_activity_has_every_word_those_with_any_word_are_offered() -> None:
    assert "5611" in _codes("restaurante zzzz")


def test_nothing_but_stop_words_finds_nothing() -> None:
    assert search_activities("de la y") == []


@pytest.mark.postgres
def test_postgresql_uses_its_spanish_full_text_search(django_assert_num_queries) -> None:
    # One query for the keywords, one full-text query for the activities.
    with django_assert_num_queries(2) as captured:
        search_activities("abogado")

    assert ciiu_search.SEARCH_CONFIG in captured.captured_queries[1]["sql"]
