"""Named reads of the registry, with the joins their pages need. Services do the writing."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import TypeVar

from django.db.models import Case, IntegerField, Model, Q, Value, When
from django.utils.translation import gettext as _

from registry import reference_cache
from registry.models import (
    Department,
    DocumentType,
    Municipality,
    Registrant,
    Seccional,
    display_name_of,
)
from registry.nit import MAX_BASE_DIGITS, InvalidNit, format_nit, parse_nit
from registry.services.common import normalize_name
from rut_portal.prepared import KEY, Prepared

# Shorter text has no trigram for the index to use and matches a large part of the registry.
MIN_SEARCH_LENGTH = 3

# Digits with optional thousands dots, optionally followed by "-DV": "900.373.913-4", "52123456".
_NIT_LIKE = re.compile(r"\d[\d. ]*(-\s*\d)?")

P = TypeVar("P", Department, Municipality)


def with_places(registrant: Registrant) -> Registrant:
    """Attach seccional, departamento and municipio from the reference cache (no join).

    The public page and the Formulario 001 header show them; joining three tables costs more to
    compile than the lookup itself, and these rows are the same for thousands of inscritos.
    """
    # A row added by another process may not be in this process's cache yet. Such a relation
    # is left to load on access: assigning None would also clear the inscrito's foreign key.
    places: tuple[tuple[str, type[Model]], ...] = (
        ("seccional", Seccional),
        ("department", Department),
        ("municipality", Municipality),
    )
    for field, model in places:
        row = reference_cache.get(model, getattr(registrant, f"{field}_id"))
        if row is not None:
            setattr(registrant, field, row)
    return registrant


def _nit_number(text: str) -> str:
    """The NIT without DV: '900373913' as given, or '900.373.913-4' after checking its DV."""
    text = text.strip()
    if "-" in text:
        return parse_nit(text).number
    number = text.replace(".", "").replace(" ", "")
    if not number.isdigit() or len(number) > MAX_BASE_DIGITS:
        raise InvalidNit(
            _(
                "Escriba el NIT sin dígito de verificación (900373913) o con él después de un "
                "guion (900.373.913-4)."
            ),
            field="nit",
        )
    return number.lstrip("0") or "0"


def _one(**unique_key: str) -> Registrant | None:
    # get(), not first(): the key is unique, and first() adds an ORDER BY to compile and plan.
    try:
        return with_places(Registrant.objects.get(**unique_key))
    except Registrant.DoesNotExist:
        return None


def registrant_by_nit(nit: str) -> Registrant | None:
    """The inscrito holding a NIT given bare or with its DV; InvalidNit if malformed or wrong DV."""
    return _one(nit=_nit_number(nit))


@dataclass(frozen=True, slots=True)
class PublicRegistrant:
    """What the public lookup (page and API) reads of an inscrito: its identification, name and
    location, with its state (Decreto 2460 de 2013, art. 4 par. 2); the other columns are
    reserved and never leave the database. A plain record, not a Registrant: building the model
    instance (its forty fields deferred, the state machine's protected field) cost the busiest
    page more than everything it does with the row."""

    person_type: str
    state: str
    nit: str | None
    check_digit: int | None
    document_number: str
    first_surname: str
    second_surname: str
    first_name: str
    other_names: str
    business_name: str
    country: str
    address: str
    department: Department | None
    municipality: Municipality | None

    @property
    def formatted_nit(self) -> str:
        return format_nit(self.nit, self.check_digit) if self.nit else ""

    @property
    def display_name(self) -> str:
        names = (self.first_name, self.other_names, self.first_surname, self.second_surname)
        return display_name_of(self.person_type, names, self.business_name)


# The record's columns: its own values, then the keys of its places.
_VALUES = [field.name for field in fields(PublicRegistrant)[:-2]]
_PUBLIC_COLUMNS = [*_VALUES, "department_id", "municipality_id"]
# The busiest read of the portal (the lookup page and the API): compiled once per process.
_public_lookup = Prepared(
    lambda nit: Registrant.objects.filter(nit=nit).values_list(*_PUBLIC_COLUMNS)[:1], KEY
)


def _place(model: type[P], pk: str | None) -> P | None:
    """A departamento or municipio from the reference cache; one added by another process since
    this one loaded the table is read from the database."""
    if pk is None:
        return None
    return reference_cache.get(model, pk) or model._default_manager.filter(pk=pk).first()


def public_registrant_by_nit(nit: str) -> PublicRegistrant | None:
    """registrant_by_nit for the public lookup (page and API): the public columns only, as a
    PublicRegistrant; InvalidNit if malformed or wrong DV."""
    row = _public_lookup.row(_nit_number(nit))
    if row is None:
        return None
    *columns, department_id, municipality_id = row
    return PublicRegistrant(
        **dict(zip(_VALUES, columns, strict=True)),
        department=_place(Department, department_id),
        municipality=_place(Municipality, municipality_id),
    )


def registrant_by_document(document_type: str, document_number: str) -> Registrant | None:
    """The inscrito registered with this identity document (DIAN type code and number)."""
    number = document_number.strip()
    if not number:
        return None  # pre-inscriptions of legal entities carry no document
    return _one(document_type_id=document_type, document_number=number)


def search_registrants(text: str, *, limit: int = 20) -> list[Registrant]:
    """Inscritos whose name contains the text (accents and case ignored), or holding a NIT.

    Names starting with the text come first (an exact name before its longer variants), then
    the rest, each group alphabetically.
    Text that looks like a NIT finds that NIT only; a NIT with a wrong DV finds nothing.
    """
    text = text.strip()
    if _NIT_LIKE.fullmatch(text):
        try:
            found = registrant_by_nit(text)
        except InvalidNit:
            return []
        return [found] if found is not None else []
    key = normalize_name(text)
    if len(key) < MIN_SEARCH_LENGTH:
        return []
    # LIKE '%key%' on search_name: served by the pg_trgm GIN index on PostgreSQL (migration 0002).
    rank = Case(
        When(search_name__startswith=key, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    found = (
        Registrant.objects.filter(search_name__contains=key)
        .annotate(rank=rank)
        .order_by("rank", "search_name", "pk")[:limit]
    )
    return [with_places(registrant) for registrant in found]


_NIT_OR_DOCUMENT = re.compile(r"(\d[\d. ]*)(-\s*\d)?")


def registrant_search(term: str) -> Q:
    """A NIT (with or without DV) or a document number by their indexes; else part of a name."""
    term = term.strip()
    if not term:
        return Q()
    if match := _NIT_OR_DOCUMENT.fullmatch(term):
        digits = re.sub(r"\D", "", match.group(1))
        # Listing every document type lets PostgreSQL use the (type, number) unique index.
        types = list(DocumentType.objects.values_list("code", flat=True))
        return Q(nit=digits.lstrip("0") or "0") | Q(
            document_type_id__in=types, document_number=digits
        )
    return Q(search_name__contains=normalize_name(term))
