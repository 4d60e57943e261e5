"""Demo data: users of every role and a living registry, written through the real services.

Every inscrito below goes through the same services a person would use (pre-inscripción,
formalisation, provisional NIT, actualización, suspensión, cancelación...), so the demo also
leaves the Formulario 001 versions and audit trail those services write. Details that the specs
leave open (addresses, phones, dates, representatives) come from a seeded random generator, so
two fresh databases get the same registry. Loading is idempotent: users and inscritos that
already exist are skipped, never changed.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from accounts.services import create_official
from registry.models import (
    ActivityRole,
    Municipality,
    PersonType,
    Registrant,
    RegistrantKind,
    Representative,
    Seccional,
)
from registry.reference import load_reference_data
from registry.services.common import normalize_name
from registry.services.provisional_nit import activate_provisional_nit, lapse_provisional_nit
from registry.services.registration import formalize_registration, pre_register
from registry.services.seccionales import set_signer
from registry.services.states import change_state
from registry.services.updates import update_registrant
from registry.validation import (
    ActivityData,
    EstablishmentData,
    PartnerData,
    RegistrantData,
    RepresentativeData,
)

SEED = 2460  # Decreto 2460 de 2013
# Known on purpose: the command prints it so a person can log in to the demo. Never reuse it.
DEMO_PASSWORD = "rut-demo-2026"

K = RegistrantKind


# --- Users ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    role_label: str
    first_name: str
    last_name: str
    role: str = ""  # an accounts.Role for officials; empty for the superuser
    seccional: str | None = None


ADMIN = DemoUser("admin", "Superusuario", "Administrador", "del portal")
OFFICIALS = [
    DemoUser(
        "funcionario.bogota",
        "Funcionario, seccional 32 Bogotá",
        "Ana María",
        "Rojas Pardo",
        Role.OFFICIAL,
        "32",
    ),
    DemoUser(
        "funcionario.medellin",
        "Funcionario, seccional 11 Medellín",
        "Julián",
        "Restrepo Vélez",
        Role.OFFICIAL,
        "11",
    ),
    DemoUser(
        "director.bogota",
        "Director seccional 32 Bogotá",
        "Marta Lucía",
        "Gómez Ardila",
        Role.DIRECTOR,
        "32",
    ),
    DemoUser(
        "director.medellin",
        "Director seccional 11 Medellín",
        "Santiago",
        "Arango Mejía",
        Role.DIRECTOR,
        "11",
    ),
    DemoUser("nivel.central", "Nivel central", "Claudia", "Becerra Niño", Role.CENTRAL, None),
]
DEMO_USERS = [ADMIN, *OFFICIALS]
# Who signs each demo seccional's communications: its director.
SIGNERS = {
    "32": ("Marta Lucía Gómez Ardila", "Directora Seccional de Impuestos de Bogotá"),
    "11": ("Santiago Arango Mejía", "Director Seccional de Impuestos de Medellín"),
}


def _ensure_user(spec: DemoUser) -> bool:
    """Create the user unless it exists; returns whether it was created."""
    if User.objects.filter(username=spec.username).exists():
        return False
    email = f"{spec.username}@example.com"
    if spec is ADMIN:
        User.objects.create_superuser(
            spec.username,
            email,
            DEMO_PASSWORD,
            first_name=spec.first_name,
            last_name=spec.last_name,
        )
    else:
        create_official(
            username=spec.username,
            password=DEMO_PASSWORD,
            role=spec.role,
            seccional=spec.seccional,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=email,
        )
    return True


# --- What each demo inscrito is ---------------------------------------------------------------

# How an inscrito reaches its state; every step is a service call.
PRE = "pre_registered"
PROVISIONAL = "provisional"
PROVISIONAL_ACTIVATED = "provisional_activated"
LAPSED = "lapsed"
ACTIVE = "active"
SUSPENDED = "suspended"
SUSPENSION_LIFTED = "suspension_lifted"
CANCELLED = "cancelled"
REACTIVATED = "reactivated"
_THROUGH_PROVISIONAL = {PROVISIONAL, PROVISIONAL_ACTIVATED, LAPSED}


@dataclass(frozen=True)
class Member:
    """A partner (hoja 4): either another demo inscrito (by business name) or a person."""

    share: str
    registrant: str = ""
    name: str = ""
    document: tuple[str, str] = ("13", "")
    nationality: str = "CO"


@dataclass(frozen=True)
class Spec:
    kind: str
    path: str
    city: str = ""  # DIVIPOLA municipality; empty when domiciled abroad
    person_type: str = ""  # only for kinds that may be either (casilla 24)
    names: tuple[str, str, str, str] = ("", "", "", "")  # first, other, surname, second surname
    business_name: str = ""
    trade_name: str = ""
    acronym: str = ""
    document: tuple[str, str] = ("", "")
    country: str = "CO"
    foreign_tax_number: str = ""
    activities: tuple[str, ...] = ()  # principal, secondary, others
    responsibilities: tuple[str, ...] = ()
    customs: tuple[str, ...] = ()
    members: tuple[Member, ...] = ()
    establishments: tuple[tuple[str, str, str], ...] = ()  # name, CIIU, municipality
    attorney: bool = False  # represented by an apoderado (foreign investors, estates)
    updates: tuple[str, ...] = ()  # see _apply_update
    reason: str = ""  # why it was suspended or cancelled

    @property
    def display_name(self) -> str:
        return self.business_name or " ".join(part for part in self.names if part)


def _person(
    kind: str,
    path: str,
    names: tuple[str, str, str, str],
    document: tuple[str, str],
    city: str,
    activities: tuple[str, ...],
    **extra: Any,
) -> Spec:
    return Spec(
        kind=kind,
        path=path,
        names=names,
        document=document,
        city=city,
        activities=activities,
        **extra,
    )


def _entity(
    kind: str, path: str, business_name: str, city: str, activities: tuple[str, ...], **extra: Any
) -> Spec:
    return Spec(
        kind=kind, path=path, business_name=business_name, city=city, activities=activities, **extra
    )


SPECS: list[Spec] = [
    # Personas naturales: the cédula is the NIT.
    _person(
        K.NATURAL_PERSON,
        ACTIVE,
        ("CAMILA", "ANDREA", "RODRÍGUEZ", "SUÁREZ"),
        ("13", "1020734561"),
        "11001",
        ("6201", "6202"),
        responsibilities=("05", "49", "52"),
        updates=("phone", "move:05001"),
    ),
    _person(
        K.NATURAL_PERSON,
        ACTIVE,
        ("JORGE", "ELIÉCER", "MARTÍNEZ", "LÓPEZ"),
        ("13", "79543218"),
        "11001",
        ("0010",),
        responsibilities=("05",),
    ),
    _person(
        K.NATURAL_PERSON,
        ACTIVE,
        ("LUZ", "DARY", "OSPINA", "CARDONA"),
        ("13", "43567890"),
        "05001",
        ("4711",),
        responsibilities=("47", "52"),
        trade_name="TIENDA LA ESQUINA DE LUZ",
        establishments=(("TIENDA LA ESQUINA DE LUZ", "4711", "05001"),),
        updates=("address",),
    ),
    _person(
        K.NATURAL_PERSON,
        ACTIVE,
        ("ANDRÉS", "FELIPE", "CASTAÑO", "RÍOS"),
        ("13", "1037612345"),
        "05266",
        ("6920", "7020"),
        responsibilities=("05", "49"),
    ),
    _person(
        K.NATURAL_PERSON,
        SUSPENDED,
        ("MARÍA", "FERNANDA", "VARGAS", "PÉREZ"),
        ("13", "52876543"),
        "11001",
        ("8621",),
        responsibilities=("05", "49"),
        reason="La dirección informada no existe según la verificación de campo.",
    ),
    _person(
        K.NATURAL_PERSON,
        CANCELLED,
        ("CARLOS", "ALBERTO", "MEJÍA", "ZAPATA"),
        ("13", "71654321"),
        "05001",
        ("4923",),
        responsibilities=("05", "48"),
        reason="Cese definitivo de actividades informado por el inscrito.",
    ),
    _person(
        K.NATURAL_PERSON,
        PRE,
        ("DIANA", "MARCELA", "TORRES", "NIÑO"),
        ("13", "1015432198"),
        "76001",
        ("9602",),
        responsibilities=("49",),
    ),
    _person(
        K.NATURAL_PERSON,
        PRE,
        ("SEBASTIÁN", "", "OCAMPO", "RESTREPO"),
        ("13", "1036987654"),
        "05615",
        ("4520",),
    ),
    _person(
        K.NATURAL_PERSON,
        ACTIVE,
        ("LUIS", "EDUARDO", "HERNÁNDEZ", "BARRERA"),
        ("13", "19456789"),
        "15001",
        ("0020",),
        responsibilities=("05",),
    ),
    _person(
        K.NATURAL_PERSON,
        SUSPENSION_LIFTED,
        ("PAOLA", "ANDREA", "GIRALDO", "MUÑOZ"),
        ("13", "1088234567"),
        "66001",
        ("5613",),
        responsibilities=("47",),
        reason="No se localizó al inscrito en la dirección informada.",
    ),
    _person(
        K.NATURAL_PERSON,
        REACTIVATED,
        ("HÉCTOR", "FABIO", "ZULUAGA", "GIL"),
        ("13", "10234567"),
        "17001",
        ("0123", "1061"),
        responsibilities=("05", "48"),
        reason="Cese de actividades informado por el inscrito.",
    ),
    _person(
        K.NATURAL_PERSON,
        ACTIVE,
        ("YESENIA", "PATRICIA", "DÍAZ", "MERCADO"),
        ("13", "1143876543"),
        "08001",
        ("4773",),
        responsibilities=("05", "48", "52"),
        establishments=(
            ("DROGUERÍA SAN PATRICIO", "4773", "08001"),
            ("DROGUERÍA SAN PATRICIO 2", "4773", "08001"),
        ),
    ),
    _person(
        K.NATURAL_PERSON,
        ACTIVE,
        ("ALESSANDRO", "", "ROSSI", "BIANCHI"),
        ("22", "456789"),
        "11001",
        ("5611",),
        responsibilities=("05", "48", "52"),
        trade_name="TRATTORIA DA ALESSANDRO",
        establishments=(("TRATTORIA DA ALESSANDRO", "5611", "11001"),),
    ),
    # Sucesiones ilíquidas: registered with the causante's document.
    _person(
        K.ESTATE,
        ACTIVE,
        ("RAFAEL", "ANTONIO", "GUTIÉRREZ", "PÉREZ"),
        ("13", "17123456"),
        "11001",
        ("0090",),
        responsibilities=("05",),
        attorney=True,
    ),
    _person(
        K.ESTATE,
        CANCELLED,
        ("GLORIA", "INÉS", "SALAZAR", "DE MONTOYA"),
        ("13", "32456789"),
        "05001",
        ("6810",),
        responsibilities=("05",),
        attorney=True,
        reason="Sentencia aprobatoria de la partición: la sucesión quedó liquidada.",
    ),
    # Personas jurídicas.
    _entity(
        K.LEGAL_ENTITY,
        ACTIVE,
        "SOLUCIONES DIGITALES DEL CARIBE S.A.S.",
        "08001",
        ("6201", "6202"),
        acronym="SODICA",
        responsibilities=("05", "07", "14", "42", "48", "52"),
        updates=("phone", "activity:6311", "responsibility:55"),
    ),
    _entity(
        K.LEGAL_ENTITY,
        ACTIVE,
        "CONSTRUCTORA MONTAÑA VERDE S.A.",
        "05001",
        ("4111", "4290"),
        responsibilities=("05", "07", "09", "14", "42", "48", "52"),
        establishments=(("SALA DE VENTAS MIRADOR DE LAS PALMAS", "4111", "05266"),),
        updates=("address",),
    ),
    _entity(
        K.LEGAL_ENTITY,
        ACTIVE,
        "ALIMENTOS LA SABANA S.A.S.",
        "25175",
        ("1011", "4711"),
        responsibilities=("05", "07", "10", "42", "48", "52"),
        customs=("22", "23"),
    ),
    _entity(
        K.LEGAL_ENTITY,
        PROVISIONAL,
        "TRANSPORTES DEL VALLE DEL CAUCA S.A.S.",
        "76001",
        ("4923",),
        responsibilities=("05", "07", "42", "48"),
    ),
    _entity(
        K.LEGAL_ENTITY,
        PROVISIONAL,
        "INNOVA ANALÍTICA S.A.S.",
        "11001",
        ("6311", "7020"),
        responsibilities=("05", "42", "48"),
    ),
    _entity(
        K.LEGAL_ENTITY,
        LAPSED,
        "COMERCIALIZADORA EL DORADO S.A.S.",
        "11001",
        ("4659",),
        responsibilities=("05", "42", "48"),
    ),
    _entity(
        K.LEGAL_ENTITY,
        PROVISIONAL_ACTIVATED,
        "HOTELES DEL MAR DE CARTAGENA S.A.S.",
        "13001",
        ("5511", "5611"),
        responsibilities=("05", "07", "42", "48", "52"),
    ),
    _entity(
        K.LEGAL_ENTITY,
        SUSPENDED,
        "FLORES DE LA SABANA C.I. S.A.S.",
        "25269",
        ("0125",),
        responsibilities=("05", "07", "10", "42"),
        customs=("04", "22"),
        reason="Orden de autoridad competente dentro de una investigación aduanera.",
    ),
    _entity(
        K.LEGAL_ENTITY,
        CANCELLED,
        "INVERSIONES ALTAMIRA LTDA.",
        "68001",
        ("6810",),
        responsibilities=("05", "42"),
        reason="Liquidación de la sociedad inscrita en el registro mercantil.",
    ),
    _entity(
        K.LEGAL_ENTITY,
        PRE,
        "PANADERÍA Y PASTELERÍA SAN JOSÉ S.A.S.",
        "11001",
        ("1081",),
        responsibilities=("05", "48"),
    ),
    # Entidades sin ánimo de lucro.
    _entity(
        K.NONPROFIT,
        ACTIVE,
        "FUNDACIÓN SEMILLAS DE PAZ",
        "11001",
        ("8899", "8559"),
        responsibilities=("04", "07", "42", "52"),
    ),
    _entity(
        K.NONPROFIT,
        LAPSED,
        "ASOCIACIÓN DE PEQUEÑOS CAFICULTORES DEL QUINDÍO",
        "63001",
        ("9411",),
        responsibilities=("04", "42"),
    ),
    _entity(
        K.NONPROFIT,
        PROVISIONAL,
        "CORPORACIÓN CULTURAL RÍO MAGDALENA",
        "41001",
        ("9006",),
        responsibilities=("04", "42"),
    ),
    # Sociedades de hecho.
    _entity(
        K.DE_FACTO_PARTNERSHIP,
        ACTIVE,
        "SOCIEDAD DE HECHO HERMANOS QUINTERO",
        "73001",
        ("0111",),
        responsibilities=("05", "42"),
        members=(
            Member("50", name="ÉDGAR QUINTERO ROA", document=("13", "14222333")),
            Member("50", name="WILSON QUINTERO ROA", document=("13", "14333444")),
        ),
    ),
    _entity(
        K.DE_FACTO_PARTNERSHIP,
        CANCELLED,
        "TALLER EL PISTÓN SOCIEDAD DE HECHO",
        "54001",
        ("4520",),
        responsibilities=("05", "48"),
        members=(
            Member("60", name="RUBÉN DARÍO PABÓN", document=("13", "88123456")),
            Member("40", name="NELSON JAVIER ARIAS", document=("13", "88234567")),
        ),
        reason="Disolución de la sociedad de hecho por acuerdo de los socios.",
    ),
    # Consorcios y uniones temporales: their members are demo companies above.
    _entity(
        K.CONSORTIUM,
        ACTIVE,
        "CONSORCIO VIAL ANDINO 2025",
        "11001",
        ("4210",),
        responsibilities=("07", "09", "14", "48", "52"),
        members=(
            Member("60", registrant="CONSTRUCTORA MONTAÑA VERDE S.A."),
            Member("40", registrant="SOLUCIONES DIGITALES DEL CARIBE S.A.S."),
        ),
    ),
    _entity(
        K.CONSORTIUM,
        CANCELLED,
        "CONSORCIO INTERVENTORÍA ABURRÁ 2024",
        "05001",
        ("7112",),
        responsibilities=("07", "48"),
        members=(
            Member("50", registrant="CONSTRUCTORA MONTAÑA VERDE S.A."),
            Member(
                "50", name="INGENIERÍA Y PROYECTOS DEL SUR S.A.S.", document=("31", "830123456")
            ),
        ),
        reason="Terminación y liquidación del contrato de interventoría.",
    ),
    _entity(
        K.TEMPORARY_UNION,
        ACTIVE,
        "UNIÓN TEMPORAL SALUD INTEGRAL DEL SUR",
        "52001",
        ("8610",),
        responsibilities=("07", "14", "52"),
        members=(
            Member("70", registrant="FUNDACIÓN SEMILLAS DE PAZ"),
            Member("30", registrant="ALIMENTOS LA SABANA S.A.S."),
        ),
    ),
    _entity(
        K.TEMPORARY_UNION,
        PRE,
        "UNIÓN TEMPORAL CONECTIVIDAD RURAL 2026",
        "50001",
        ("6190",),
        responsibilities=("07", "48"),
        members=(
            Member("50", registrant="SOLUCIONES DIGITALES DEL CARIBE S.A.S."),
            Member("50", name="REDES DEL LLANO S.A.S.", document=("31", "822004567")),
        ),
    ),
    # Patrimonios autónomos, comunidades organizadas, fondos, entidades públicas.
    _entity(
        K.AUTONOMOUS_TRUST,
        ACTIVE,
        "PATRIMONIO AUTÓNOMO FIDEICOMISO TORRES DEL PARQUE",
        "11001",
        ("6431",),
        responsibilities=("05", "07", "42"),
    ),
    _entity(
        K.AUTONOMOUS_TRUST,
        SUSPENDED,
        "PATRIMONIO AUTÓNOMO CENTRO LOGÍSTICO DEL NORTE",
        "08001",
        ("6431", "5229"),
        responsibilities=("05", "07", "42"),
        reason="Inconsistencias entre el RUT y el contrato de fiducia; verificación en curso.",
    ),
    _entity(
        K.ORGANIZED_COMMUNITY,
        ACTIVE,
        "ACUEDUCTO COMUNITARIO VEREDA LA ESPERANZA",
        "05615",
        ("3600",),
        responsibilities=("06", "42"),
    ),
    _entity(
        K.ORGANIZED_COMMUNITY,
        ACTIVE,
        "MERCADO CAMPESINO COMUNITARIO DE TENJO",
        "25799",
        ("4721",),
        responsibilities=("06",),
    ),
    _entity(
        K.INVESTMENT_FUND,
        ACTIVE,
        "FONDO DE INVERSIÓN COLECTIVA RENTA FIJA ANDINA",
        "11001",
        ("6630",),
        responsibilities=("05", "07", "14", "42"),
    ),
    _entity(
        K.INVESTMENT_FUND,
        ACTIVE,
        "FONDO DE CAPITAL PRIVADO INFRAESTRUCTURA DEL PACÍFICO",
        "76001",
        ("6630",),
        responsibilities=("05", "07", "42"),
        updates=("email",),
    ),
    _entity(
        K.PUBLIC_ENTITY,
        ACTIVE,
        "E.S.E. HOSPITAL SAN RAFAEL DE LA VEGA",
        "25402",
        ("8610",),
        responsibilities=("07", "09", "14", "52"),
    ),
    _entity(
        K.PUBLIC_ENTITY,
        ACTIVE,
        "INSTITUTO MUNICIPAL DE DEPORTES DE SOACHA",
        "25754",
        ("8412",),
        responsibilities=("07", "09", "14"),
    ),
    # Sucursales and establecimientos permanentes of foreign persons.
    _entity(
        K.FOREIGN_BRANCH,
        ACTIVE,
        "NORTHERN RAIL SYSTEMS INC. SUCURSAL COLOMBIA",
        "11001",
        ("4290", "7112"),
        responsibilities=("05", "07", "18", "42", "48", "52"),
        customs=("23",),
        foreign_tax_number="98-7654321",
    ),
    _entity(
        K.FOREIGN_BRANCH,
        PROVISIONAL,
        "TECNOLOGÍAS IBÉRICAS S.L. SUCURSAL COLOMBIA",
        "05001",
        ("6202",),
        responsibilities=("05", "42", "48"),
        foreign_tax_number="B12345674",
    ),
    _entity(
        K.PERMANENT_ESTABLISHMENT,
        ACTIVE,
        "ENERGÍA SOLAR ATLÁNTICA GMBH ESTABLECIMIENTO PERMANENTE",
        "08001",
        ("3511",),
        person_type=PersonType.LEGAL,
        responsibilities=("05", "07", "36", "42", "48"),
        foreign_tax_number="DE298765432",
    ),
    _person(
        K.PERMANENT_ESTABLISHMENT,
        ACTIVE,
        ("JOHN", "MICHAEL", "SMITH", ""),
        ("41", "P53829104"),
        "11001",
        ("7112",),
        person_type=PersonType.NATURAL,
        responsibilities=("05", "36", "48"),
        foreign_tax_number="123-45-6789",
    ),
    # Inversionistas extranjeros and prestadores de servicios desde el exterior, domiciled
    # abroad, act through an apoderado in Colombia.
    _person(
        K.FOREIGN_INVESTOR_NATURAL,
        ACTIVE,
        ("MARIE", "CLAIRE", "DUBOIS", ""),
        ("41", "19FR45821"),
        "",
        ("0090",),
        country="FR",
        foreign_tax_number="1850575108042",
        attorney=True,
    ),
    _person(
        K.FOREIGN_INVESTOR_NATURAL,
        CANCELLED,
        ("KENJI", "", "TANAKA", ""),
        ("41", "TK4418209"),
        "",
        ("0090",),
        country="JP",
        foreign_tax_number="123456789012",
        attorney=True,
        reason="Liquidación total de la inversión extranjera registrada.",
    ),
    _entity(
        K.FOREIGN_INVESTOR_LEGAL,
        ACTIVE,
        "NORDLICHT CAPITAL PARTNERS GMBH",
        "",
        ("6630",),
        country="DE",
        document=("44", "HRB104522"),
        foreign_tax_number="DE812345678",
        attorney=True,
    ),
    _entity(
        K.FOREIGN_INVESTOR_LEGAL,
        ACTIVE,
        "ANDES HOLDINGS LLC",
        "",
        ("6630",),
        country="US",
        document=("44", "6104877"),
        foreign_tax_number="84-1234567",
        attorney=True,
    ),
    _entity(
        K.FOREIGN_SERVICE_PROVIDER,
        ACTIVE,
        "STREAMWAVE MEDIA LIMITED",
        "",
        ("5911",),
        person_type=PersonType.LEGAL,
        country="IE",
        document=("44", "IE612345"),
        foreign_tax_number="IE3312345LH",
        responsibilities=("46",),
        attorney=True,
    ),
    _person(
        K.FOREIGN_SERVICE_PROVIDER,
        ACTIVE,
        ("PRIYA", "", "RAMANATHAN", ""),
        ("41", "Z4821930"),
        "",
        ("6201",),
        person_type=PersonType.NATURAL,
        country="IN",
        foreign_tax_number="ABCPR1234K",
        responsibilities=("46",),
        attorney=True,
    ),
    # Profesionales de compra y venta de divisas, and those who only need a NIT.
    _person(
        K.CURRENCY_EXCHANGE,
        ACTIVE,
        ("ÓSCAR", "IVÁN", "BUITRAGO", "PEÑA"),
        ("13", "88456123"),
        "54001",
        ("6615",),
        person_type=PersonType.NATURAL,
        responsibilities=("05", "17", "21"),
    ),
    _entity(
        K.CURRENCY_EXCHANGE,
        SUSPENDED,
        "CAMBIOS LA FRONTERA S.A.S.",
        "52356",
        ("6615",),
        person_type=PersonType.LEGAL,
        responsibilities=("05", "07", "17", "21", "42"),
        reason="Verificación de la habilitación como profesional de compra y venta de divisas.",
    ),
    _person(
        K.NIT_ONLY,
        ACTIVE,
        ("VALENTINA", "", "ARIAS", "QUINTERO"),
        ("13", "1007456321"),
        "11001",
        ("0082",),
        person_type=PersonType.NATURAL,
        responsibilities=("20",),
    ),
    _entity(
        K.NIT_ONLY,
        ACTIVE,
        "CONJUNTO RESIDENCIAL ALAMEDA DEL RÍO P.H.",
        "25754",
        ("8110",),
        person_type=PersonType.LEGAL,
        responsibilities=("20",),
    ),
]


# --- Random but reproducible details ------------------------------------------------------------

_FIRST = [
    "ANA",
    "LUIS",
    "MARÍA",
    "JOSÉ",
    "CLAUDIA",
    "JUAN",
    "SANDRA",
    "CARLOS",
    "NATALIA",
    "ANDRÉS",
    "LINA",
    "FELIPE",
    "ADRIANA",
    "MAURICIO",
    "CATALINA",
    "DIEGO",
    "PILAR",
    "GERMÁN",
]
_SURNAMES = [
    "GARCÍA",
    "RODRÍGUEZ",
    "MARTÍNEZ",
    "LÓPEZ",
    "GONZÁLEZ",
    "HERNÁNDEZ",
    "SÁNCHEZ",
    "RAMÍREZ",
    "TORRES",
    "CASTRO",
    "VARGAS",
    "MORENO",
    "JIMÉNEZ",
    "ROJAS",
    "OSORIO",
    "CARDONA",
    "QUINTERO",
    "RESTREPO",
    "OCHOA",
    "BERMÚDEZ",
    "SALCEDO",
    "PINZÓN",
]
_STREETS = ["CL", "CR", "AK", "AC", "DG", "TV"]
_UNITS = ["", "", " OF 302", " OF 1204", " LC 2", " AP 501", " PI 3", " BG 7"]
# First digits of the phone numbers of each department (indicativos since 2021).
_AREA = {
    "11": "601",
    "25": "601",
    "15": "608",
    "05": "604",
    "76": "602",
    "08": "605",
    "13": "605",
    "47": "605",
    "23": "604",
    "68": "607",
    "54": "607",
    "66": "606",
    "17": "606",
    "63": "606",
    "73": "608",
    "41": "608",
    "50": "608",
    "52": "602",
    "19": "602",
}
# Address and phone of those domiciled abroad.
_ABROAD = {
    "FR": ("12 RUE DE RIVOLI, 75004 PARIS", "+33142685300"),
    "JP": ("1-2-3 MARUNOUCHI, CHIYODA-KU, TOKYO", "+81332101234"),
    "DE": ("FRIEDRICHSTRASSE 68, 10117 BERLIN", "+493020458800"),
    "US": ("350 FIFTH AVENUE, NEW YORK, NY 10118", "+12125550147"),
    "IE": ("2 GRAND CANAL SQUARE, DUBLIN 2", "+35315550123"),
    "IN": ("14 MG ROAD, BENGALURU 560001", "+918025550199"),
}
_NOT_IN_EMAIL = {"sas", "ltda", "sucursal", "colombia", "de", "del", "la", "el", "los", "las", "y"}


class _Details:
    """The seeded generator of everything the specs leave open."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def day(self, first_year: int, last_year: int) -> date:
        start = date(first_year, 1, 1)
        return start + timedelta(days=self.rng.randrange((date(last_year, 12, 31) - start).days))

    def address(self) -> str:
        r = self.rng
        letter = r.choice(["", "", "", "A", "B", "BIS"])
        return (
            f"{r.choice(_STREETS)} {r.randint(1, 150)}{letter} {r.randint(1, 120)} "
            f"{r.randint(1, 99):02d}{r.choice(_UNITS)}"
        )

    def mobile(self) -> str:
        return f"3{self.rng.choice(['00', '01', '04', '10', '12', '15', '20', '22'])}" + (
            f"{self.rng.randint(0, 9_999_999):07d}"
        )

    def landline(self, department: str) -> str:
        return f"{_AREA.get(department, '601')}{self.rng.randint(2_000_000, 7_999_999)}"

    def person_name(self) -> str:
        r = self.rng
        return f"{r.choice(_FIRST)} {r.choice(_SURNAMES)} {r.choice(_SURNAMES)}"

    def cedula(self) -> str:
        return str(
            self.rng.choice(
                [
                    self.rng.randint(10_000_000, 99_999_999),
                    self.rng.randint(1_000_000_000, 1_150_000_000),
                ]
            )
        )

    def postal_code(self, department: str) -> str:
        return f"{department}{self.rng.randint(0, 8)}{self.rng.randint(0, 999):03d}"


def _email(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = [
        w
        for w in "".join(c if c.isalnum() else " " for c in plain).split()
        if len(w) > 1 and w not in _NOT_IN_EMAIL
    ]
    return f"{'.'.join(words[:3])}@example.com"


def _people(spec: Spec, details: _Details) -> list[RepresentativeData]:
    """Representación (hojas 3 and 5) proportionate to the kind of inscrito."""
    since = details.day(2015, 2024)
    people: list[RepresentativeData] = []
    if spec.attorney:
        people.append(
            RepresentativeData(
                role=Representative.Role.ATTORNEY,
                document_type="13",
                document_number=details.cedula(),
                name=details.person_name(),
                professional_card=f"{details.rng.randint(40_000, 390_000)}",
                since=since,
            )
        )
    if spec.business_name and spec.country == "CO":
        people.append(
            RepresentativeData(
                role=Representative.Role.LEGAL_REPRESENTATIVE,
                document_type="13",
                document_number=details.cedula(),
                name=details.person_name(),
                since=since,
            )
        )
        if spec.kind in {K.LEGAL_ENTITY, K.FOREIGN_BRANCH, K.INVESTMENT_FUND, K.NONPROFIT}:
            people.append(
                RepresentativeData(
                    role=Representative.Role.DEPUTY_REPRESENTATIVE,
                    document_type="13",
                    document_number=details.cedula(),
                    name=details.person_name(),
                    since=since,
                )
            )
            people.append(
                RepresentativeData(
                    role=Representative.Role.STATUTORY_AUDITOR,
                    document_type="13",
                    document_number=details.cedula(),
                    name=details.person_name(),
                    professional_card=f"{details.rng.randint(10_000, 290_000)}-T",
                    since=since,
                )
            )
        people.append(
            RepresentativeData(
                role=Representative.Role.ACCOUNTANT,
                document_type="13",
                document_number=details.cedula(),
                name=details.person_name(),
                professional_card=f"{details.rng.randint(10_000, 290_000)}-T",
                since=since,
            )
        )
    return people


def _partners(spec: Spec, details: _Details) -> list[PartnerData]:
    if spec.members:
        return [_member(m, details) for m in spec.members]
    if spec.kind != K.LEGAL_ENTITY:
        return []
    # Sociedades: two or three shareholders whose shares add up to 100 %.
    first = details.rng.choice([40, 50, 60, 70])
    shares = [first, 100 - first] if details.rng.random() < 0.5 else [first, 80 - first, 20]
    return [
        PartnerData(
            document_type="13",
            document_number=details.cedula(),
            name=details.person_name(),
            share_percentage=Decimal(share),
            since=details.day(2010, 2024),
        )
        for share in shares
    ]


def _member(member: Member, details: _Details) -> PartnerData:
    since = details.day(2023, 2025)
    if member.registrant:
        company = Registrant.objects.get(business_name=member.registrant)
        return PartnerData(
            document_type="31",
            document_number=company.nit or "",
            nit=company.nit or "",
            name=company.business_name,
            share_percentage=Decimal(member.share),
            since=since,
        )
    doc_type, number = member.document
    return PartnerData(
        document_type=doc_type,
        document_number=number,
        name=member.name,
        nit=number if doc_type == "31" else "",
        nationality=member.nationality,
        share_percentage=Decimal(member.share),
        since=since,
    )


def _data(spec: Spec, details: _Details, municipalities: dict[str, str]) -> RegistrantData:
    """The inscription form for one spec, with the open details filled in."""
    started = details.day(2008, 2024)
    activities = [
        ActivityData(
            code=code,
            started_on=started if i == 0 else details.day(started.year, 2025),
            role=[ActivityRole.PRINCIPAL, ActivityRole.SECONDARY][i]
            if i < 2
            else ActivityRole.OTHER,
        )
        for i, code in enumerate(spec.activities)
    ]
    department = municipalities.get(spec.city, "")
    first, other, surname, second_surname = spec.names
    natural = not spec.business_name
    doc_type, doc_number = spec.document
    domestic = spec.country == "CO"
    return RegistrantData(
        kind=spec.kind,
        person_type=spec.person_type,
        document_type=doc_type,
        document_number=doc_number,
        document_issue_date=details.day(1990, 2015) if natural else None,
        document_issue_place=spec.city if natural and doc_type == "13" else "",
        first_name=first,
        other_names=other,
        first_surname=surname,
        second_surname=second_surname,
        birth_date=details.day(1948, 2002) if natural else None,
        birth_place=spec.city if natural and doc_type == "13" else "",
        foreign_tax_number=spec.foreign_tax_number,
        business_name=spec.business_name,
        trade_name=spec.trade_name,
        acronym=spec.acronym,
        country=spec.country,
        department=department,
        municipality=spec.city,
        address=details.address() if domestic else _ABROAD[spec.country][0],
        postal_code=details.postal_code(department) if domestic else "",
        email=_email(spec.display_name),
        phone_1=(
            _ABROAD[spec.country][1]
            if not domestic
            else details.mobile()
            if natural
            else details.landline(department)
        ),
        activities=activities,
        responsibilities=list(spec.responsibilities),
        customs_qualities=list(spec.customs),
        representatives=_people(spec, details),
        partners=_partners(spec, details),
        establishments=[
            EstablishmentData(
                name=name,
                activity=code,
                municipality=city,
                department=municipalities[city],
                address=details.address(),
                kind_code="01",
                phone=details.landline(municipalities[city]),
                opened_on=details.day(started.year, 2025),
            )
            for name, code, city in spec.establishments
        ],
    )


# --- Running the services ---------------------------------------------------------------------


class _Cast:
    """The demo officials who act on each inscrito, by the seccional that has jurisdiction."""

    def __init__(self) -> None:
        users = {
            u.username: u
            for u in User.objects.filter(username__in=[s.username for s in DEMO_USERS])
        }
        self.central = users["nivel.central"]
        self.officials = {"32": users["funcionario.bogota"], "11": users["funcionario.medellin"]}
        self.directors = {"32": users["director.bogota"], "11": users["director.medellin"]}

    def official(self, registrant: Registrant) -> User:
        return self.officials.get(registrant.seccional_id, self.central)

    def director(self, registrant: Registrant) -> User:
        return self.directors.get(registrant.seccional_id, self.central)


def _apply_update(
    data: RegistrantData, change: str, details: _Details, municipalities: dict[str, str]
) -> tuple[RegistrantData, str]:
    """One actualización of the record, with the reason the inscrito gave."""
    what, _sep, value = change.partition(":")
    if what == "phone":
        return replace(data, phone_2=details.mobile()), "Nuevo teléfono de contacto."
    if what == "email":
        return replace(data, email=f"tributaria.{data.email}"), "Nuevo correo electrónico."
    if what == "address":
        return replace(data, address=details.address()), "Cambio de dirección, mismo municipio."
    if what == "move":
        department = municipalities[value]
        moved = replace(
            data,
            municipality=value,
            department=department,
            address=details.address(),
            postal_code=details.postal_code(department),
            phone_2=details.landline(department),
        )
        return moved, "Cambio de domicilio a otro municipio."
    if what == "activity":
        extra = ActivityData(
            code=value, role=ActivityRole.OTHER, started_on=details.day(2025, 2025)
        )
        return replace(data, activities=[*data.activities, extra]), "Nueva actividad económica."
    if what == "responsibility":
        return (
            replace(data, responsibilities=[*data.responsibilities, value]),
            "Nueva responsabilidad.",
        )
    raise ValueError(change)


def _act(details: _Details) -> str:
    return f"Resolución {details.rng.randint(100, 9999):06d} de 2026"


def _create(
    spec: Spec, cast: _Cast, details: _Details, municipalities: dict[str, str]
) -> Registrant:
    """Take one inscrito along its path, one service call per step."""
    data = _data(spec, details, municipalities)
    registrant = pre_register(data, by=None)
    if spec.path == PRE:
        return registrant
    # A certificate of the last four weeks (art. 10: no older than one month); one draw, as before.
    bank_certificate = (
        None
        if spec.path in _THROUGH_PROVISIONAL
        else timezone.localdate() - timedelta(days=details.rng.randrange(364) % 28)
    )
    registrant = formalize_registration(
        registrant, by=cast.official(registrant), bank_certificate_date=bank_certificate
    )
    if spec.path == PROVISIONAL_ACTIVATED:
        registrant = activate_provisional_nit(
            registrant, by=cast.official(registrant), certificate_date=timezone.localdate()
        )
    if spec.path == LAPSED:
        # The demo cannot wait fifteen business days: it dates the issue back (that timestamp
        # only) and lets the same service the nightly sweep uses take the NIT's validity away.
        Registrant.objects.filter(pk=registrant.pk).update(
            provisional_nit_issued_at=timezone.now() - timedelta(days=45)
        )
        lapse_provisional_nit(registrant, today=timezone.localdate())
    for change in spec.updates:
        data, reason = _apply_update(data, change, details, municipalities)
        registrant = update_registrant(
            registrant,
            by=cast.official(registrant),
            data=data,
            expected_revision=registrant.revision,
            reason=reason,
        )
    for transition_name, by in _transitions(spec.path, registrant, cast):
        registrant = change_state(
            registrant,
            transition_name=transition_name,
            by=by,
            reason=_reason(spec, transition_name),
            legal_basis="Decreto 1625 de 2016, título 1.6.1.2 (Decreto 2460 de 2013)",
            act_reference=_act(details),
        )
    registrant.refresh_from_db()
    return registrant


def _transitions(path: str, registrant: Registrant, cast: _Cast) -> list[tuple[str, User]]:
    official, director = cast.official(registrant), cast.director(registrant)
    return {
        SUSPENDED: [("suspend", official)],
        SUSPENSION_LIFTED: [("suspend", official), ("lift_suspension", official)],
        CANCELLED: [("cancel", director)],
        REACTIVATED: [("cancel", director), ("reactivate", official)],
    }.get(path, [])


def _reason(spec: Spec, transition_name: str) -> str:
    if transition_name == "lift_suspension":
        return "Se verificó la información; cesaron las causas de la suspensión."
    if transition_name == "reactivate":
        return "El inscrito reanudó actividades y solicitó la reactivación."
    return spec.reason


def _exists(spec: Spec) -> bool:
    return Registrant.objects.filter(
        kind=spec.kind, search_name=normalize_name(spec.display_name)
    ).exists()


# --- Entry point --------------------------------------------------------------------------------


@dataclass
class DemoResult:
    users: list[tuple[DemoUser, bool]] = field(default_factory=list)
    created: list[Registrant] = field(default_factory=list)
    skipped: int = 0

    @property
    def states(self) -> Counter[str]:
        return Counter(r.get_state_display() for r in self.created)


@transaction.atomic
def load_demo_data(*, seed: int = SEED) -> DemoResult:
    """Create the demo users and inscritos that are missing; what exists is left untouched."""
    if not Municipality.objects.exists():
        load_reference_data()
    result = DemoResult(users=[(spec, _ensure_user(spec)) for spec in DEMO_USERS])
    for code, (name, position) in SIGNERS.items():
        seccional = Seccional.objects.get(pk=code)
        if not seccional.signer_name:
            set_signer(seccional, name=name, position=position)
    cast = _Cast()
    details = _Details(seed)
    municipalities = dict(Municipality.objects.values_list("code", "department_id"))
    for spec in SPECS:
        # Draw from the generator even for skipped specs, so a resumed load stays reproducible.
        spec_details = _Details(details.rng.randrange(2**32))
        if _exists(spec):
            result.skipped += 1
            continue
        result.created.append(_create(spec, cast, spec_details, municipalities))
    return result
