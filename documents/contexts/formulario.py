"""Formulario 001: the numbered casillas of a form version, with the legend of art. 19."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.contexts.common import (
    DocumentKind,
    DocumentSpec,
    PublicFacts,
    as_dict,
    as_list,
    cell,
    establishment_kind,
    local,
    rows,
    state_label,
    text,
)
from documents.formatting import country_co, date_co, number_co, percent_co
from registry.models import FormVersion, PersonType, Registrant
from registry.nit import format_nit
from registry.services.states import SUSPENSION_KEEPS_OBLIGATIONS

# Casillas 53 and 54 print 20 positions each; more codes than that go on in further boxes.
CODE_POSITIONS = 20
REPRESENTATION_CODES = {"legal_rep": "18", "deputy_rep": "19"}
AUDIT_ROLES = [
    ("auditor", "124", gettext_lazy("Revisor fiscal principal")),
    ("deputy_auditor", "136", gettext_lazy("Revisor fiscal suplente")),
    ("accountant", "148", gettext_lazy("Contador")),
]


@dataclass(frozen=True)
class Legend:
    """Decreto 2460 de 2013, art. 19: the legend the form carries for each state."""

    text: str
    alert: bool
    state_mark: str
    note: str
    watermark: str


PROOF_OF: dict[str, Any] = {
    Registrant.State.ACTIVE: gettext_lazy("Prueba de la inscripción en el RUT"),
    Registrant.State.PROVISIONAL: gettext_lazy(
        "Prueba de la inscripción en el RUT con NIT provisional, que queda en firme al "
        "acreditar la cuenta bancaria (art. 10 lit. a)"
    ),
    Registrant.State.SUSPENDED: gettext_lazy("Prueba de la suspensión de la inscripción en el RUT"),
    Registrant.State.CANCELLED: gettext_lazy(
        "Prueba de la cancelación de la inscripción en el RUT"
    ),
}


def formulario_legend(state: str, *, copy: bool) -> Legend:
    """Certificado (or Copia Certificado) unless the state must be written instead."""
    if state == Registrant.State.PRE_REGISTERED:
        void = _("Sin validez – pre-inscripción")
        note = _(
            "Pre-inscripción sin formalizar: no prueba la inscripción en el RUT ni asigna NIT "
            "(Decreto 2460 de 2013, art. 6 y 19)."
        )
        return Legend(void, True, "", note, void)
    if state == Registrant.State.LAPSED:
        note = _(
            "El NIT provisional perdió su validez: no se acreditó la cuenta bancaria a tiempo "
            "(Decreto 2460 de 2013, art. 10 lit. a)."
        )
        return Legend(_("Sin validez"), True, _("NIT provisional sin validez"), note, "")
    if state not in PROOF_OF:
        note = _(
            "Esta versión del formulario no registra el estado del inscrito: no sirve de prueba."
        )
        return Legend(_("Estado no registrado"), True, "", note, "")
    note = _("%(proof)s (Decreto 2460 de 2013, art. 19).") % {"proof": PROOF_OF[state]}
    if copy:
        note += " " + _("Copia generada por medios electrónicos: válida sin firmas autógrafas.")
    certified = _("Copia Certificado") if copy else _("Certificado")
    if state == Registrant.State.SUSPENDED:
        return Legend(_("Suspendido"), True, "", f"{note} {SUSPENSION_KEEPS_OBLIGATIONS}", "")
    if state == Registrant.State.CANCELLED:
        return Legend(_("Cancelado"), True, "", note, "")
    if state == Registrant.State.PROVISIONAL:
        return Legend(certified, False, _("NIT provisional"), note, "")
    return Legend(certified, False, "", note, "")


def _activities(snapshot: dict[str, Any]) -> dict[str, Any]:
    activities = as_list(snapshot.get("activities"))
    by_role: dict[str, list[dict[str, Any]]] = {}
    for activity in activities:
        by_role.setdefault(text(activity.get("role")), []).append(activity)
    principal = (by_role.get("principal") or [{}])[0]
    secondary = (by_role.get("secondary") or [{}])[0]
    others = by_role.get("other", [])
    notes = [f"{text(a.get('code'))} {text(a.get('name'))}" for a in activities]
    establishments = as_list(snapshot.get("establishments"))
    return {
        "row": [
            cell("46", _("Actividad principal (CIIU)"), principal.get("code"), 14),
            cell("47", _("Fecha de inicio"), date_co(principal.get("started_on")), 12),
            cell("48", _("Actividad secundaria (CIIU)"), secondary.get("code"), 14),
            cell("49", _("Fecha de inicio"), date_co(secondary.get("started_on")), 12),
            cell(
                "50",
                _("Otras actividades"),
                "",
                20,
                codes=_positions([text(a.get("code")) for a in others], 2),
            ),
            cell("51", _("Ocupación"), "", 10),
            cell("52", _("Número de establecimientos"), number_co(len(establishments)), 18),
        ],
        "notes": [n for n in notes if n.strip()],
    }


def _positions(codes: list[str], count: int) -> list[str]:
    """The printed form's row of boxes: every position drawn, the codes in the first ones."""
    return codes + [""] * (count - len(codes))


def _coded_list(items: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    codes = [text(i.get("code")) for i in items]
    names = [f"{text(i.get('code'))} – {text(i.get('name'))}" for i in items]
    return [c for c in codes if c], [n for n in names if n.strip(" –")]


def _sheet_1(version: FormVersion, snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    ident, location = as_dict(snapshot.get("identification")), as_dict(snapshot.get("location"))
    person_type = text(ident.get("24"))
    person_labels: dict[str, str] = {
        PersonType.LEGAL: _("Persona jurídica"),
        PersonType.NATURAL: _("Persona natural o sucesión ilíquida"),
    }
    person_label = person_labels.get(person_type, "")
    document_type = " ".join(p for p in (text(ident.get("25")), text(ident.get("25_label"))) if p)
    activities = _activities(snapshot)
    issue_country = country_co(text(ident.get("issue_country")))
    birth_place = ", ".join(
        p
        for p in (text(ident.get("birth_place")), country_co(text(ident.get("birth_country"))))
        if p
    )
    responsibilities, responsibility_names = _coded_list(as_list(snapshot.get("responsibilities")))
    customs, customs_names = _coded_list(as_list(snapshot.get("customs_qualities")))
    department = " ".join(p for p in (text(location.get("39_code")), text(location.get("39"))) if p)
    municipality_code = text(location.get("40_code"))
    municipality = " ".join(p for p in (municipality_code[2:], text(location.get("40"))) if p)
    classification: list[dict[str, Any]] = [rows(activities["row"])]
    if activities["notes"]:
        classification.append({"type": "notes", "notes": activities["notes"]})
    classification.append(
        rows(
            [
                cell(
                    "53",
                    _("Responsabilidades, calidades y atributos"),
                    w=100,
                    codes=_positions(responsibilities, CODE_POSITIONS),
                )
            ]
        )
    )
    if responsibility_names:
        classification.append({"type": "notes", "notes": responsibility_names})
    classification.append(
        rows(
            [
                cell(
                    "54",
                    _("Usuario aduanero"),
                    w=100,
                    codes=_positions(customs, CODE_POSITIONS),
                )
            ]
        )
    )
    if customs_names:
        classification.append({"type": "notes", "notes": customs_names})
    classification.append(
        rows(
            [
                cell("55", _("Exportador: forma"), "", 25),
                cell("56", _("Exportador: tipo"), "", 25),
                cell("57", _("Servicio: modo"), "", 25),
                cell("58", _("Servicio: código CPC"), "", 25),
            ]
        )
    )
    return [
        {
            "title": _("Identificación"),
            "items": [
                rows(
                    [
                        cell("24", _("Tipo de contribuyente"), person_label, 22),
                        cell("25", _("Tipo de documento"), document_type, 22),
                        cell("26", _("Número de identificación"), ident.get("26"), 18),
                        cell("27", _("Fecha de expedición"), date_co(ident.get("27")), 13),
                        cell("28", _("Lugar de expedición: país"), issue_country, 25),
                    ],
                    [
                        cell("29", _("Departamento"), ident.get("issue_department"), 25),
                        cell("30", _("Ciudad/Municipio"), ident.get("28"), 25),
                        cell("", _("Lugar de nacimiento"), birth_place, 25),
                        cell(
                            "",
                            _("Identificación tributaria del exterior"),
                            ident.get("foreign_tax_number"),
                            25,
                        ),
                    ],
                    [
                        cell("31", _("Primer apellido"), ident.get("31"), 25),
                        cell("32", _("Segundo apellido"), ident.get("32"), 25),
                        cell("33", _("Primer nombre"), ident.get("33"), 25),
                        cell("34", _("Otros nombres"), ident.get("34"), 25),
                    ],
                    [cell("35", _("Razón social"), ident.get("35"), 100)],
                    [
                        cell("36", _("Nombre comercial"), ident.get("36"), 75),
                        cell("37", _("Sigla"), ident.get("37"), 25),
                    ],
                )
            ],
        },
        {
            "title": _("Ubicación"),
            "items": [
                rows(
                    [
                        cell("38", _("País"), country_co(text(location.get("38"))), 25),
                        cell("39", _("Departamento"), department, 35),
                        cell("40", _("Ciudad/Municipio"), municipality, 40),
                    ],
                    [cell("41", _("Dirección principal"), location.get("41"), 100)],
                    [
                        cell("42", _("Correo electrónico"), location.get("42"), 40),
                        cell("43", _("Código postal"), location.get("43"), 16),
                        cell("44", _("Teléfono 1"), location.get("44"), 22),
                        cell("45", _("Teléfono 2"), location.get("45"), 22),
                    ],
                )
            ],
        },
        {"title": _("Clasificación"), "items": classification},
    ]


def _representation_sheet(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    people = [
        p
        for p in as_list(snapshot.get("representatives"))
        if text(p.get("role")) in ("legal_rep", "deputy_rep", "attorney")
    ]
    items: list[dict[str, Any]] = []
    for person in people:
        role = text(person.get("role"))
        code = REPRESENTATION_CODES.get(role, "")
        representation = " ".join(p for p in (code, text(person.get("role_label"))) if p)
        items.append(
            rows(
                [
                    cell("98", _("Representación"), representation, 34),
                    cell("99", _("Fecha de inicio"), date_co(person.get("since")), 14),
                    cell("100", _("Tipo de documento"), person.get("document_type"), 12),
                    cell("101", _("Número de identificación"), person.get("document_number"), 18),
                    cell("102", _("DV"), "", 6),
                    cell("103", _("Tarjeta profesional"), person.get("professional_card"), 16),
                ],
                [
                    cell("104-107", _("Apellidos y nombres"), person.get("name"), 52),
                    cell("108", _("NIT"), "", 16),
                    cell("109", _("DV"), "", 6),
                    cell("110", _("Razón social"), "", 26),
                ],
                subtitle=text(person.get("role_label")),
            )
        )
    if not items:
        items.append({"type": "empty", "text": _("Sin representantes registrados.")})
    return [{"title": _("Representación"), "items": items}]


def _list_item(
    head: list[tuple[str, str, int]], rows: list[list[dict[str, Any]]], empty: str
) -> dict[str, Any]:
    """Repeated rows under one header row; each value takes its column's width."""
    widths = [w for _n, _label, w in head]
    return {
        "type": "list",
        "head": head,
        "rows": [[{**c, "w": w} for c, w in zip(row, widths, strict=True)] for row in rows],
        "empty": empty,
    }


def _partners_sheet(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    head = [
        ("111", _("Tipo doc."), 6),
        ("112", _("Número de identificación"), 14),
        ("113", _("DV"), 5),
        ("114", _("Nacionalidad"), 11),
        ("115-119", _("Apellidos y nombres o razón social"), 26),
        ("120", _("Valor capital"), 9),
        ("121", _("% participación"), 9),
        ("122", _("Fecha de ingreso"), 10),
        ("123", _("Fecha de retiro"), 10),
    ]
    rows: list[list[dict[str, Any]]] = []
    for partner in as_list(snapshot.get("partners")):
        nit = text(partner.get("nit"))
        rows.append(
            [
                {"value": text(partner.get("document_type"))},
                {"value": text(partner.get("document_number")) or nit},
                {"value": ""},
                {"value": country_co(text(partner.get("nationality")))},
                {"value": text(partner.get("name"))},
                {"value": "", "num": True},
                {"value": percent_co(partner.get("share_percentage")), "num": True},
                {"value": date_co(partner.get("since"))},
                {"value": ""},
            ]
        )
    return [
        {
            "title": _(
                "Socios y/o miembros de juntas directivas, consorciados, integrantes de "
                "uniones temporales"
            ),
            "items": [_list_item(head, rows, _("Sin socios o miembros registrados."))],
        }
    ]


def _audit_sheet(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    people = {text(p.get("role")): p for p in as_list(snapshot.get("representatives"))}
    items = []
    for role, first, label in AUDIT_ROLES:
        person = people.get(role, {})
        n = int(first)
        items.append(
            rows(
                [
                    cell(str(n), _("Tipo de documento"), person.get("document_type"), 12),
                    cell(
                        str(n + 1), _("Número de identificación"), person.get("document_number"), 20
                    ),
                    cell(str(n + 2), _("DV"), "", 6),
                    cell(str(n + 3), _("Tarjeta profesional"), person.get("professional_card"), 16),
                    cell(f"{n + 4}-{n + 7}", _("Apellidos y nombres"), person.get("name"), 46),
                ],
                [
                    cell(str(n + 8), _("NIT de la sociedad o firma"), "", 20),
                    cell(str(n + 9), _("DV"), "", 6),
                    cell(str(n + 10), _("Sociedad o firma designada"), "", 54),
                    cell(str(n + 11), _("Fecha de nombramiento"), date_co(person.get("since")), 20),
                ],
                subtitle=str(label),
            )
        )
    return [{"title": _("Revisor fiscal y contador"), "items": items}]


def _establishments_sheet(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    head = [
        ("160", _("Tipo"), 16),
        ("161", _("CIIU"), 6),
        ("162", _("Nombre del establecimiento"), 16),
        ("163", _("Depto."), 6),
        ("164", _("Ciudad/Municipio"), 11),
        ("165", _("Dirección"), 16),
        ("166", _("Matrícula mercantil"), 9),
        ("167", _("Teléfono"), 10),
        ("168", _("Fecha de apertura"), 10),
    ]
    rows = [
        [
            {"value": establishment_kind(text(e.get("kind_code")))},
            {"value": text(e.get("activity"))},
            {"value": text(e.get("name"))},
            {"value": text(e.get("department"))},
            {"value": text(e.get("municipality_name"))},
            {"value": text(e.get("address"))},
            {"value": ""},
            {"value": text(e.get("phone"))},
            {"value": date_co(e.get("opened_on"))},
        ]
        for e in as_list(snapshot.get("establishments"))
    ]
    return [
        {
            "title": _("Establecimientos, agencias, sucursales, oficinas, sedes o negocios"),
            "items": [_list_item(head, rows, _("Sin establecimientos registrados."))],
        }
    ]


def _signature(snapshot: dict[str, Any], person_type: str) -> list[dict[str, Any]]:
    ident = as_dict(snapshot.get("identification"))
    if person_type == PersonType.NATURAL:
        return [
            cell("984", _("Nombre de quien firma"), ident.get("display_name"), 60),
            cell("985", _("Cargo"), "", 40),
        ]
    legal = next(
        (p for p in as_list(snapshot.get("representatives")) if p.get("role") == "legal_rep"), {}
    )
    return [
        cell("984", _("Nombre de quien firma"), legal.get("name"), 60),
        cell("985", _("Cargo"), _("Representante legal") if legal else "", 40),
    ]


def _recorded_state(version: FormVersion) -> str:
    """The inscrito's state the version recorded; "" when it holds no valid state."""
    for candidate in (version.state, as_dict(version.snapshot).get("state")):
        if candidate in Registrant.State.values:
            return str(candidate)
    return ""


def _header(version: FormVersion, snapshot: dict[str, Any]) -> list[list[dict[str, Any]]]:
    ident, seccional = as_dict(snapshot.get("identification")), as_dict(snapshot.get("seccional"))
    seccional_text = " ".join(
        p for p in (text(seccional.get("code")), text(seccional.get("name"))) if p
    )
    return [
        [
            cell("2", _("Concepto"), f"{version.concept} {version.get_concept_display()}", 30),
            cell("4", _("Número de formulario"), version.form_number, 24),
            cell("", _("Versión"), number_co(version.version), 10),
            cell("", _("Fecha"), date_co(local(version.created_at)), 14),
            cell("", _("Clase de inscrito"), snapshot.get("kind_label"), 22),
        ],
        [
            cell("5", _("NIT"), ident.get("5"), 18),
            cell("6", _("DV"), ident.get("6"), 6),
            cell("12", _("Dirección seccional"), seccional_text, 50),
            cell("14", _("Buzón electrónico"), "", 26),
        ],
    ]


def _further_sheets(snapshot: dict[str, Any], person_type: str) -> list[dict[str, Any]]:
    """Hojas 3 to 6, each only when it has data (representation always for legal persons)."""
    roles = {text(p.get("role")) for p in as_list(snapshot.get("representatives"))}
    sheets = []
    if person_type == PersonType.LEGAL or roles & {"legal_rep", "deputy_rep", "attorney"}:
        sheets.append({"number": 3, "sections": _representation_sheet(snapshot)})
    if as_list(snapshot.get("partners")):
        sheets.append({"number": 4, "sections": _partners_sheet(snapshot)})
    if roles & {"auditor", "deputy_auditor", "accountant"}:
        sheets.append({"number": 5, "sections": _audit_sheet(snapshot)})
    if as_list(snapshot.get("establishments")):
        sheets.append({"number": 6, "sections": _establishments_sheet(snapshot)})
    for position, sheet in enumerate(sheets):
        # Hoja 1 is the proof (art. 19) and stands alone on page 1; the others follow on.
        sheet["break_before"] = position == 0
    return sheets


def formulario_001_spec(version: FormVersion, *, copy: bool) -> DocumentSpec:
    """The Formulario 001 of a version: hoja 1 always, further hojas when they have data."""
    snapshot = as_dict(version.snapshot)
    ident = as_dict(snapshot.get("identification"))
    person_type = text(ident.get("24"))
    state = _recorded_state(version)
    nit, dv = text(ident.get("5")), text(ident.get("6"))
    name = text(ident.get("display_name"))
    created = local(version.created_at)
    first = {"number": 1, "sections": _sheet_1(version, snapshot), "break_before": False}
    return DocumentSpec(
        kind=DocumentKind.FORMULARIO_001_COPY if copy else DocumentKind.FORMULARIO_001,
        template="formulario_001.html",
        title=_("Formulario 001 RUT N.º %(n)s") % {"n": version.form_number},
        context={
            "header": _header(version, snapshot),
            "name_row": [
                cell("4", _("Número de formulario"), version.form_number, 20),
                cell("5", _("NIT"), nit, 16),
                cell("6", _("DV"), dv, 6),
                cell("31-35", _("Nombre o razón social"), name, 58),
            ],
            "sheets": [first, *_further_sheets(snapshot, person_type)],
            "signature": _signature(snapshot, person_type),
            "dian_use": [
                cell("59", _("Anexos"), "", 20),
                cell("60", _("Número de folios"), "", 20),
                cell("61", _("Fecha"), date_co(created), 60),
            ],
            "legend": formulario_legend(state, copy=copy).__dict__,
            "copy": copy,
        },
        facts=PublicFacts(
            number=version.form_number,
            nit=format_nit(nit, int(dv)) if nit and dv.isdigit() else "",
            name=name,
            state=state_label(state) if state else "",
            issued_on=created.date(),
        ),
        created=created,
        sources={"form_version": version},
    )
