"""The CIIU activity search every channel uses: whole Spanish words, accents and case ignored.

A word matches a word of the activity's name with the same Snowball stem ("ventas" finds
"venta", "jurídico" finds "jurídicas"), never a piece of another word ("ropa" is not in
"propagación"). Every word typed must match, by itself or through one of its keywords
(`ActivityKeyword`: "ropa" stands for "prendas de vestir"). Results are ranked the same way on
both databases (`rank`).

PostgreSQL runs it as full-text search with the `rut_spanish` configuration (Spanish stemming
after `unaccent`, created by migration registry 0007); SQLite, the embedded default, runs the
same stemmer (snowballstemmer, the algorithm PostgreSQL's `spanish_stem` uses) in Python over the
500 classes.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, reduce
from operator import and_, or_

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection

from registry.models import ActivityKeyword, EconomicActivity

SEARCH_CONFIG = "rut_spanish"
RESULTS = 15

# Words that carry no activity of their own; dropped from what people type, as PostgreSQL's
# Spanish configuration drops them from the names.
STOP_WORDS = frozenset(
    "a al algo ante con como contra cual de del desde donde e el en entre es esta este la las "
    "le les lo los mas me mi mis mucho muy ni no o os otra otras otro otros para pero poco por "
    "que quien se sea ser si sin sobre su sus tambien te tiene tengo todo todos tu u un una unas "
    "uno unos y ya yo".split()
)

_WORD = re.compile(r"[a-z0-9]+")


@cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("spanish")


def search_words(text: str) -> list[str]:
    """The words of a text in lower case without accents, stop words left out."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return [w for w in _WORD.findall(plain) if w not in STOP_WORDS]


@cache
def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


@dataclass(frozen=True)
class ActivityQuery:
    """What was typed, each word with the alternatives its keywords give it."""

    # One group per word typed; a group matches when one of its alternatives (a list of
    # words that must all be there) does. The first alternative is the word itself.
    groups: tuple[tuple[tuple[str, ...], ...], ...]

    @property
    def typed(self) -> list[str]:
        return [group[0][0] for group in self.groups]


def activity_query(text: str) -> ActivityQuery:
    """Split the text into words and add each word's keywords (matched by stem)."""
    meanings: dict[str, list[str]] = defaultdict(list)
    for word, means in ActivityKeyword.objects.values_list("word", "means"):
        for key in search_words(word):
            meanings[stem(key)].append(means)
    groups = []
    for word in dict.fromkeys(search_words(text)):
        alternatives: list[tuple[str, ...]] = [(word,)]
        for means in meanings.get(stem(word), []):
            if words := tuple(search_words(means)):
                alternatives.append(words)
        groups.append(tuple(alternatives))
    return ActivityQuery(groups=tuple(groups))


def search_activities(text: str, *, limit: int = RESULTS) -> list[EconomicActivity]:
    """CIIU activities by code prefix ("62") or by everyday Spanish words, best first.

    Activities matching every word come first; when none does, those matching any word.
    """
    text = text.strip()
    if text.isdigit():
        return list(EconomicActivity.objects.filter(code__startswith=text).order_by("code")[:limit])
    query = activity_query(text)
    if not query.groups:
        return []
    found = _matching(query, every_word=True)
    if not found and len(query.groups) > 1:
        found = _matching(query, every_word=False)
    return rank(query, found)[:limit]


def _matching(query: ActivityQuery, *, every_word: bool) -> list[EconomicActivity]:
    if connection.vendor == "postgresql":
        return _matching_in_database(query, every_word=every_word)
    return matching_in_python(query, every_word=every_word)


def _plain(words: tuple[str, ...]) -> SearchQuery:
    return reduce(and_, (SearchQuery(w, config=SEARCH_CONFIG, search_type="plain") for w in words))


def _matching_in_database(query: ActivityQuery, *, every_word: bool) -> list[EconomicActivity]:
    """PostgreSQL full-text search with the Spanish configuration over unaccented names."""
    groups = [reduce(or_, map(_plain, group)) for group in query.groups]
    wanted = reduce(and_ if every_word else or_, groups)
    vector = SearchVector("name", config=SEARCH_CONFIG)
    return list(EconomicActivity.objects.annotate(document=vector).filter(document=wanted))


def _stems(activity: EconomicActivity) -> set[str]:
    return {stem(w) for w in search_words(activity.name)}


def _matched(alternative: tuple[str, ...], stems: set[str]) -> bool:
    return all(stem(w) in stems for w in alternative)


def matching_in_python(query: ActivityQuery, *, every_word: bool) -> list[EconomicActivity]:
    """The same match without the database's text search (SQLite)."""
    check = all if every_word else any
    return [
        activity
        for activity in EconomicActivity.objects.all()
        if check(any(_matched(alt, _stems(activity)) for alt in group) for group in query.groups)
    ]


def rank(query: ActivityQuery, activities: list[EconomicActivity]) -> list[EconomicActivity]:
    """Most words matched first (a keyword's longer wording counts for more), then short names.

    "tienda" stands for both "comercio al por menor" and the longer wording of the
    neighbourhood shop (4711): the activity matching the longer wording is the closer one.
    """

    def score(activity: EconomicActivity) -> int:
        stems = _stems(activity)
        return sum(
            max((len(alt) for alt in group if _matched(alt, stems)), default=0)
            for group in query.groups
        )

    return sorted(activities, key=lambda a: (-score(a), len(a.name), a.code))
