"""rut_portal.translations: one merged fallback catalog answers as Django's chain of them."""

from __future__ import annotations

import gettext

from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real

from rut_portal.translations import MergedFallbacks, _links


class Catalog(gettext.NullTranslations):
    def __init__(self, texts: dict[str, str]) -> None:
        super().__init__()
        self._catalog = texts
        self.plural = lambda n: int(n != 1)


def _unmerged() -> trans_real.DjangoTranslation:
    """The translation as Django builds it: each app's es catalog chained as a fallback."""
    return trans_real.DjangoTranslation(settings.LANGUAGE_CODE)


def test_the_portals_language_has_one_merged_fallback_after_start_up() -> None:
    fallback = getattr(trans_real.translation(settings.LANGUAGE_CODE), "_fallback", None)
    assert isinstance(fallback, MergedFallbacks)
    assert getattr(fallback, "_fallback", None) is None
    assert len(_links(getattr(_unmerged(), "_fallback", None))) > 1  # what it replaced: a chain


def test_every_text_of_every_catalog_translates_as_through_the_chain() -> None:
    unmerged = _unmerged()
    merged = trans_real.translation(settings.LANGUAGE_CODE)
    messages = {
        key if isinstance(key, str) else key[0]
        for link in _links(unmerged)
        for key in (getattr(link, "_catalog", None) or {}).keys()
    }
    messages.update(["Consulta del RUT", "un texto que ningún catálogo tiene"])
    assert len(messages) > 500
    differing = [m for m in messages if merged.gettext(m) != unmerged.gettext(m)]
    assert differing == []


def test_a_text_no_catalog_has_comes_back_unchanged_and_plurals_still_follow_their_rule() -> None:
    with translation.override(settings.LANGUAGE_CODE):
        assert translation.gettext("Bandeja de trámites zzz") == "Bandeja de trámites zzz"
        assert translation.gettext("Log out") == "Terminar sesión"
        one, many = "%(count)s object", "%(count)s objects"
        for n in (1, 2, 1_000_000):
            assert translation.ngettext(one, many, n) == _unmerged().ngettext(one, many, n)


def test_the_merged_catalog_prefers_the_first_fallback_that_has_the_text() -> None:
    first, second = Catalog({"Save": "Guardar"}), Catalog({"Save": "Grabar", "Home": "Inicio"})
    first.add_fallback(second)
    merged = MergedFallbacks(first)
    assert (merged.gettext("Save"), merged.gettext("Home"), merged.gettext("X")) == (
        "Guardar",
        "Inicio",
        "X",
    )
