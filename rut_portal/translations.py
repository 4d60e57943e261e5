"""The translation of each language looked up in two steps instead of seven.

Django merges every app's ``es_CO`` catalog into one, but for each locale folder that also has a
plain ``es`` catalog (Django's own, admin, auth...) it chains that ``es`` catalog as a fallback,
one after another. The portal's own texts are written in Spanish and have no entry anywhere, so
every gettext of them walks the whole chain before it returns the text unchanged: about 5 µs a
call on this machine, and a page makes 20 to 60 of them.

``merge_fallbacks`` replaces the chain by one catalog that answers as the chain did: the first
fallback that has a text wins, and a text none has comes back unchanged. Plural forms, which
depend on each catalog's own plural rule, still walk the original chain.
"""

from __future__ import annotations

import gettext
from typing import Any

from django.conf import settings
from django.utils.translation import trans_real


class MergedFallbacks(gettext.NullTranslations):
    """A chain of fallback translations as one dictionary for gettext."""

    def __init__(self, chain: gettext.NullTranslations) -> None:
        super().__init__()
        self.chain = chain
        self.texts: dict[str, str] = {}
        for translation in reversed(list(_links(chain))):  # the first of the chain wins
            catalog: dict[Any, str] = getattr(translation, "_catalog", None) or {}
            singular_of_plural = translation.plural(1) if hasattr(translation, "plural") else 0
            # As GNUTranslations.gettext: the message itself, else its plural entry's singular.
            self.texts.update(
                (key[0], text)
                for key, text in catalog.items()
                if isinstance(key, tuple) and key[1] == singular_of_plural
            )
            self.texts.update((key, text) for key, text in catalog.items() if isinstance(key, str))

    def gettext(self, message: str) -> str:
        return self.texts.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.chain.ngettext(msgid1, msgid2, n)


def _links(chain: gettext.NullTranslations | None) -> list[gettext.NullTranslations]:
    links = []
    while chain is not None:
        links.append(chain)
        chain = getattr(chain, "_fallback", None)  # the chain add_fallback built
    return links


def merge_fallbacks() -> None:
    """Give each of the portal's languages one merged fallback catalog (at start-up)."""
    for code, _name in settings.LANGUAGES:
        translation = trans_real.translation(code)
        fallback = getattr(translation, "_fallback", None)
        if fallback is not None and not isinstance(fallback, MergedFallbacks):
            translation._fallback = MergedFallbacks(fallback)  # type: ignore[attr-defined]
