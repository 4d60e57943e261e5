"""What an inscription or update carries, and the rules it must meet before anything is written.

Forms and API serializers check shapes (types, lengths, required fields); this module checks the
registry's own rules, so the web, the admin and the API refuse the same inputs with the same
Spanish messages.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

import pycountry
from django.utils.translation import gettext as _

from registry import reference_cache
from registry.models import (
    KIND_PERSON_TYPE,
    ActivityRole,
    CustomsQuality,
    DocumentType,
    EconomicActivity,
    Municipality,
    PersonType,
    Registrant,
    RegistrantKind,
    Representative,
    Responsibility,
)
from rut_portal.errors import InvalidData


@dataclass
class ActivityData:
    code: str
    role: str = ActivityRole.PRINCIPAL
    started_on: date | None = None


@dataclass
class RepresentativeData:
    role: str
    document_type: str
    document_number: str
    name: str
    professional_card: str = ""
    since: date | None = None


@dataclass
class PartnerData:
    document_type: str
    document_number: str
    name: str
    nit: str = ""
    nationality: str = "CO"
    share_percentage: Decimal | None = None
    since: date | None = None


@dataclass
class EstablishmentData:
    name: str
    department: str
    municipality: str
    address: str
    kind_code: str = ""
    activity: str = ""
    phone: str = ""
    opened_on: date | None = None


@dataclass
class RegistrantData:
    kind: str
    person_type: str = ""
    document_type: str = ""
    document_number: str = ""
    document_issue_date: date | None = None
    document_issue_place: str = ""
    document_issue_country: str = ""
    first_surname: str = ""
    second_surname: str = ""
    first_name: str = ""
    other_names: str = ""
    birth_date: date | None = None
    birth_place: str = ""
    birth_country: str = ""
    foreign_tax_number: str = ""
    business_name: str = ""
    trade_name: str = ""
    acronym: str = ""
    country: str = "CO"
    department: str = ""
    municipality: str = ""
    address: str = ""
    postal_code: str = ""
    email: str = ""
    phone_1: str = ""
    phone_2: str = ""
    seccional: str = ""
    activities: list[ActivityData] = field(default_factory=list)
    responsibilities: list[str] = field(default_factory=list)
    customs_qualities: list[str] = field(default_factory=list)
    representatives: list[RepresentativeData] = field(default_factory=list)
    partners: list[PartnerData] = field(default_factory=list)
    establishments: list[EstablishmentData] = field(default_factory=list)

    @property
    def resolved_person_type(self) -> str:
        return KIND_PERSON_TYPE.get(self.kind, self.person_type)


# Identification data: these change only in assisted mode (procedure; DIAN bulletin 2022).
IDENTIFICATION_FIELDS = (
    "kind",
    "person_type",
    "document_type",
    "document_number",
    "document_issue_date",
    "document_issue_place",
    "document_issue_country",
    "first_surname",
    "second_surname",
    "first_name",
    "other_names",
    "birth_date",
    "birth_place",
    "birth_country",
    "business_name",
)
FOREIGN_KINDS = frozenset(
    {
        RegistrantKind.FOREIGN_INVESTOR_NATURAL,
        RegistrantKind.FOREIGN_INVESTOR_LEGAL,
        RegistrantKind.FOREIGN_SERVICE_PROVIDER,
    }
)


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidData(self.errors)


def _is_country(code: str) -> bool:
    return len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


def validate_registrant_data(data: RegistrantData) -> None:
    """Raise InvalidData with every field error found (in Spanish), or return quietly."""
    errors = _Errors()
    if data.kind not in RegistrantKind.values:
        errors.add("kind", _("La clase de inscrito «%(kind)s» no existe.") % {"kind": data.kind})
        errors.raise_if_any()
    person_type = data.resolved_person_type
    if person_type not in PersonType.values:
        errors.add("person_type", _("Indique si es persona natural o jurídica (casilla 24)."))
    elif data.kind in KIND_PERSON_TYPE and data.person_type and data.person_type != person_type:
        errors.add("person_type", _("La casilla 24 no corresponde a la clase de inscrito."))
    _check_identification(data, person_type, errors)
    _check_location(data, errors)
    _check_classification(data, errors)
    _check_people(data, errors)
    errors.raise_if_any()


def _check_identification(data: RegistrantData, person_type: str, errors: _Errors) -> None:
    natural = person_type == PersonType.NATURAL
    doc_type = reference_cache.get(DocumentType, data.document_type)
    if data.document_type and doc_type is None:
        errors.add(
            "document_type",
            _("El tipo de documento «%(code)s» no existe.") % {"code": data.document_type},
        )
    if natural:
        if not data.document_type:
            errors.add("document_type", _("Indique el tipo de documento."))
        elif doc_type and doc_type.applies_to == DocumentType.AppliesTo.LEGAL:
            errors.add("document_type", _("Ese tipo de documento es de personas jurídicas."))
        if not data.document_number:
            errors.add("document_number", _("Indique el número de identificación."))
        if not data.first_surname:
            errors.add("first_surname", _("Indique el primer apellido."))
        if not data.first_name:
            errors.add("first_name", _("Indique el primer nombre."))
    else:
        if not data.business_name.strip():
            errors.add("business_name", _("Indique la razón social."))
        if doc_type and doc_type.applies_to == DocumentType.AppliesTo.NATURAL:
            errors.add("document_type", _("Ese tipo de documento es de personas naturales."))
    if data.document_number and not data.document_number.isalnum():
        errors.add(
            "document_number", _("El número de identificación solo admite letras y dígitos.")
        )
    if (
        data.document_type in ("13", "22")
        and data.document_number
        and not data.document_number.isdigit()
    ):
        errors.add("document_number", _("La cédula solo tiene dígitos."))
    if data.kind in FOREIGN_KINDS and not data.foreign_tax_number:
        errors.add(
            "foreign_tax_number",
            _("Indique el número de identificación tributaria del país de origen."),
        )
    if data.birth_date and data.birth_date > date.today():
        errors.add("birth_date", _("La fecha de nacimiento no puede ser futura."))
    for place, country in (
        ("document_issue_place", "document_issue_country"),
        ("birth_place", "birth_country"),
    ):
        _check_place(getattr(data, place), getattr(data, country), place, country, errors)


def _check_place(code: str, country: str, place: str, country_name: str, errors: _Errors) -> None:
    """A place of issue or birth: a DIVIPOLA municipio in Colombia, or only a country abroad."""
    if code and reference_cache.get(Municipality, code) is None:
        errors.add(place, _("El municipio «%(code)s» no existe en la DIVIPOLA.") % {"code": code})
    if country and not _is_country(country):
        errors.add(country_name, _("El país «%(code)s» no existe.") % {"code": country})
    elif code and country and country.upper() != "CO":
        errors.add(place, _("Un lugar en el exterior se indica solo con el país, sin municipio."))


def _check_location(data: RegistrantData, errors: _Errors) -> None:
    if not _is_country(data.country):
        errors.add("country", _("El país «%(code)s» no existe.") % {"code": data.country})
        return
    if data.country.upper() != "CO":
        return
    if not data.department:
        errors.add("department", _("Indique el departamento."))
    if not data.municipality:
        errors.add("municipality", _("Indique el municipio."))
    if not (data.department and data.municipality):
        return
    municipality = reference_cache.get(Municipality, data.municipality)
    if municipality is None:
        errors.add(
            "municipality",
            _("El municipio «%(code)s» no existe en la DIVIPOLA.") % {"code": data.municipality},
        )
    elif municipality.department_id != data.department:
        errors.add(
            "municipality",
            _("El municipio %(name)s no pertenece al departamento %(dep)s.")
            % {"name": municipality.name, "dep": data.department},
        )
    if not data.address.strip():
        errors.add("address", _("Indique la dirección principal."))


def _check_classification(data: RegistrantData, errors: _Errors) -> None:
    codes = [a.code for a in data.activities]
    known = reference_cache.table(EconomicActivity)
    for code in codes:
        if code not in known:
            errors.add("activities", _("La actividad CIIU «%(code)s» no existe.") % {"code": code})
    roles = [a.role for a in data.activities]
    for role in roles:
        if role not in ActivityRole.values:
            errors.add("activities", _("Tipo de actividad desconocido: %(role)s.") % {"role": role})
    if data.activities and roles.count(ActivityRole.PRINCIPAL) != 1:
        errors.add("activities", _("Debe haber exactamente una actividad principal."))
    if roles.count(ActivityRole.SECONDARY) > 1:
        errors.add("activities", _("Solo puede haber una actividad secundaria."))
    if len(set(codes)) != len(codes):
        errors.add("activities", _("Una actividad CIIU está repetida."))
    if any(a.started_on and a.started_on > date.today() for a in data.activities):
        errors.add("activities", _("La fecha de inicio de una actividad no puede ser futura."))
    responsibilities = reference_cache.table(Responsibility)
    for code in data.responsibilities:
        if code not in responsibilities or not responsibilities[code].is_current:
            errors.add(
                "responsibilities",
                _("La responsabilidad «%(code)s» no existe o no está vigente.") % {"code": code},
            )
    customs = reference_cache.table(CustomsQuality)
    for code in data.customs_qualities:
        if code not in customs:
            errors.add(
                "customs_qualities",
                _("La calidad de usuario aduanero «%(code)s» no existe.") % {"code": code},
            )


def _check_people(data: RegistrantData, errors: _Errors) -> None:
    doc_types = reference_cache.table(DocumentType)
    for rep in data.representatives:
        if rep.role not in Representative.Role.values:
            errors.add(
                "representatives",
                _("Calidad de representación desconocida: %(r)s.") % {"r": rep.role},
            )
        if rep.document_type not in doc_types:
            errors.add(
                "representatives",
                _("Tipo de documento desconocido: %(c)s.") % {"c": rep.document_type},
            )
        if not rep.name.strip() or not rep.document_number.strip():
            errors.add("representatives", _("Cada representante necesita nombre y documento."))
    total = Decimal(0)
    for partner in data.partners:
        if partner.document_type not in doc_types:
            errors.add(
                "partners",
                _("Tipo de documento desconocido: %(c)s.") % {"c": partner.document_type},
            )
        if partner.share_percentage is not None:
            total += partner.share_percentage
    if total > 100:
        errors.add("partners", _("La participación de los socios suma más del 100 %."))
    for est in data.establishments:
        municipality = reference_cache.get(Municipality, est.municipality)
        if municipality is None or municipality.department_id != est.department:
            errors.add(
                "establishments",
                _("El municipio del establecimiento «%(name)s» no pertenece a su departamento.")
                % {"name": est.name},
            )


# --- Conversions: case payloads are RegistrantData stored as JSON ------------------------------

_NESTED = {
    "activities": ActivityData,
    "representatives": RepresentativeData,
    "partners": PartnerData,
    "establishments": EstablishmentData,
}
_DATE_FIELDS = {"document_issue_date", "birth_date", "started_on", "since", "opened_on"}


def _decode(name: str, value: object) -> object:
    if name in _DATE_FIELDS and isinstance(value, str) and value:
        return date.fromisoformat(value)
    if name == "share_percentage" and value not in (None, ""):
        return Decimal(str(value))
    return value


def data_to_json(data: RegistrantData) -> dict[str, object]:
    """RegistrantData as plain JSON (dates ISO, decimals as strings)."""

    def encode(value: object) -> object:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, list):
            return [encode(v) for v in value]
        if isinstance(value, dict):
            return {k: encode(v) for k, v in value.items()}
        return value

    return encode(asdict(data))  # type: ignore[return-value]


def data_from_json(payload: dict[str, object]) -> RegistrantData:
    values: dict[str, object] = {}
    for name, value in payload.items():
        if name in _NESTED and isinstance(value, list):
            values[name] = [
                _NESTED[name](**{k: _decode(k, v) for k, v in item.items()}) for item in value
            ]
        else:
            values[name] = _decode(name, value)
    return RegistrantData(**values)  # type: ignore[arg-type]


def data_from_registrant(registrant: Registrant) -> RegistrantData:
    """The current record as RegistrantData, to prefill an update."""
    r = registrant
    return RegistrantData(
        kind=r.kind,
        person_type=r.person_type,
        document_type=r.document_type_id or "",
        document_number=r.document_number,
        document_issue_date=r.document_issue_date,
        document_issue_place=r.document_issue_place_id or "",
        document_issue_country=r.document_issue_country,
        first_surname=r.first_surname,
        second_surname=r.second_surname,
        first_name=r.first_name,
        other_names=r.other_names,
        birth_date=r.birth_date,
        birth_place=r.birth_place_id or "",
        birth_country=r.birth_country,
        foreign_tax_number=r.foreign_tax_number,
        business_name=r.business_name,
        trade_name=r.trade_name,
        acronym=r.acronym,
        country=r.country,
        department=r.department_id or "",
        municipality=r.municipality_id or "",
        address=r.address,
        postal_code=r.postal_code,
        email=r.email,
        phone_1=r.phone_1,
        phone_2=r.phone_2,
        activities=[
            ActivityData(code=a.activity_id, role=a.role, started_on=a.started_on)
            for a in r.activities.all()
        ],
        responsibilities=sorted(r.responsibilities.values_list("code", flat=True)),
        customs_qualities=sorted(r.customs_qualities.values_list("code", flat=True)),
        representatives=[
            RepresentativeData(
                role=p.role,
                document_type=p.document_type_id,
                document_number=p.document_number,
                name=p.name,
                professional_card=p.professional_card,
                since=p.since,
            )
            for p in r.representatives.all()
        ],
        partners=[
            PartnerData(
                document_type=p.document_type_id,
                document_number=p.document_number,
                name=p.name,
                nit=p.nit,
                nationality=p.nationality,
                share_percentage=p.share_percentage,
                since=p.since,
            )
            for p in r.partners.all()
        ],
        establishments=[
            EstablishmentData(
                name=e.name,
                department=e.department_id,
                municipality=e.municipality_id,
                address=e.address,
                kind_code=e.kind_code,
                activity=e.activity_id or "",
                phone=e.phone,
                opened_on=e.opened_on,
            )
            for e in r.establishments.all()
        ],
    )
