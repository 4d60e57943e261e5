"""Formatos 1767, 1529 and 1271 from the content the procedures services store."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.contexts.common import (
    FORMAT_KINDS,
    DocumentSpec,
    PublicFacts,
    as_dict,
    identity_from_version,
    local,
    seccional_line,
    text,
    user_name,
    version_in_force,
)
from documents.formatting import date_co, looks_like_date
from procedures.models import OfficialFormat
from registry import reference_cache
from registry.models import Seccional

FIELD_LABELS = {
    "kind": ("", gettext_lazy("Clase de inscrito")),
    "person_type": ("24", gettext_lazy("Tipo de contribuyente")),
    "document_type": ("25", gettext_lazy("Tipo de documento")),
    "document_number": ("26", gettext_lazy("Número de identificación")),
    "document_issue_date": ("27", gettext_lazy("Fecha de expedición")),
    "document_issue_place": ("28", gettext_lazy("Lugar de expedición")),
    "first_surname": ("31", gettext_lazy("Primer apellido")),
    "second_surname": ("32", gettext_lazy("Segundo apellido")),
    "first_name": ("33", gettext_lazy("Primer nombre")),
    "other_names": ("34", gettext_lazy("Otros nombres")),
    "business_name": ("35", gettext_lazy("Razón social")),
    "trade_name": ("36", gettext_lazy("Nombre comercial")),
    "acronym": ("37", gettext_lazy("Sigla")),
    "birth_date": ("", gettext_lazy("Fecha de nacimiento")),
    "birth_place": ("", gettext_lazy("Lugar de nacimiento")),
    "foreign_tax_number": ("", gettext_lazy("Identificación tributaria del exterior")),
    "country": ("38", gettext_lazy("País")),
    "department": ("39", gettext_lazy("Departamento")),
    "municipality": ("40", gettext_lazy("Ciudad/Municipio")),
    "address": ("41", gettext_lazy("Dirección principal")),
    "email": ("42", gettext_lazy("Correo electrónico")),
    "postal_code": ("43", gettext_lazy("Código postal")),
    "phone_1": ("44", gettext_lazy("Teléfono 1")),
    "phone_2": ("45", gettext_lazy("Teléfono 2")),
    "activities": ("46-50", gettext_lazy("Actividades económicas")),
    "responsibilities": ("53", gettext_lazy("Responsabilidades, calidades y atributos")),
    "customs_qualities": ("54", gettext_lazy("Usuario aduanero")),
    "representatives": ("98-110", gettext_lazy("Representación")),
    "partners": ("111-123", gettext_lazy("Socios y/o miembros")),
    "establishments": ("160-168", gettext_lazy("Establecimientos")),
    "seccional": ("12", gettext_lazy("Dirección seccional")),
}


def _change_value(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(_change_value(v) for v in value)
    if looks_like_date(value):
        return date_co(value)
    if value is None:
        return ""
    return text(value)


def _changes(changes: object) -> list[dict[str, str]]:
    rows = []
    for name, pair in as_dict(changes).items():
        before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        casilla, label = FIELD_LABELS.get(name, ("", name))
        rows.append(
            {
                "casilla": casilla,
                "label": str(label),
                "before": _change_value(before),
                "after": _change_value(after),
            }
        )
    return rows


def _registrant_rows(data: dict[str, Any]) -> list[list[str]]:
    return [
        [_("NIT"), text(data.get("nit"))],
        [_("Nombre o razón social"), text(data.get("name"))],
        [
            _("Documento de identificación"),
            " ".join(
                p for p in (text(data.get("document_type")), text(data.get("document_number"))) if p
            ),
        ],
        [_("Dirección"), text(data.get("address"))],
        [
            _("Municipio y departamento"),
            ", ".join(
                p for p in (text(data.get("municipality")), text(data.get("department"))) if p
            ),
        ],
        [_("Dirección seccional"), _seccional_name(text(data.get("seccional")))],
    ]


def _seccional_name(code: str) -> str:
    """ "32 Dirección Seccional de Impuestos de Bogotá" for the code a snapshot keeps."""
    seccional = reference_cache.get(Seccional, code) if code else None
    return f"{code} {seccional.name}" if seccional is not None else code


def official_format_spec(official_format: OfficialFormat) -> DocumentSpec:
    content = as_dict(official_format.content)
    case = official_format.case
    kind = FORMAT_KINDS[official_format.kind]
    registrant = as_dict(content.get("registrant"))
    created = local(official_format.created_at)
    version = version_in_force(case.registrant_id, official_format.created_at)
    identity = identity_from_version(version)
    rows: list[list[str]] = [
        [_("Número del formato"), official_format.number],
        [_("Fecha"), date_co(created)],
        [_("Trámite"), text(content.get("case")) or case.number],
    ]
    sections: list[dict[str, Any]] = [{"title": _("Datos del formato"), "rows": rows}]
    if official_format.kind == OfficialFormat.Kind.F1767:
        location = as_dict(content.get("location"))
        sections += [
            {
                "title": _("Identificación y ubicación del inscrito"),
                "rows": _registrant_rows(registrant),
            },
            {"title": _("Hechos"), "text": text(content.get("facts"))},
            {
                "title": _("Información que se actualiza"),
                "changes": _changes(content.get("changes")),
            },
            {
                "title": _("Pruebas que soportan la solicitud"),
                "text": text(content.get("evidence")),
            },
            {
                "title": _("Ubicación después de la actualización"),
                "rows": _registrant_rows(location)[3:5],
            },
            {
                "title": _("Autorización"),
                "rows": [
                    [_("Jefe que autoriza la actuación"), text(content.get("authorized_by"))],
                    [_("Funcionario que diligencia"), user_name(official_format.created_by)],
                ],
            },
        ]
        heading = _("Solicitud de actuación de oficio en el Registro Único Tributario")
        state = identity["state"]
    else:
        action = (
            _("Cancelación de la inscripción en el RUT")
            if content.get("action") == "cancellation"
            else text(content.get("action"))
        )
        actuation = [
            [_("Actuación"), action],
            [_("Causal"), text(content.get("cause"))],
            # Without an act (a request by the inscrito, the civil registry's death feed) the
            # case itself is the support.
            [
                _("Acto o soporte"),
                text(content.get("act"))
                or _("Trámite %(case)s: %(type)s")
                % {"case": case.number, "type": case.get_case_type_display()},
            ],
            [_("Fecha de la cancelación"), date_co(content.get("cancelled_on"))],
            [_("Formulario 001 generado"), text(content.get("form_number"))],
            [_("Funcionario que aprueba"), user_name(official_format.created_by)],
        ]
        if official_format.kind == OfficialFormat.Kind.F1271:
            heading = _("Situación interna del Registro Único Tributario")
            actuation.insert(1, [_("Situación nueva"), _("Cancelado")])
        else:
            heading = _("Actuación de oficio en el Registro Único Tributario")
        sections += [
            {"title": _("Identificación del inscrito"), "rows": _registrant_rows(registrant)},
            {"title": _("Actuación"), "rows": actuation},
        ]
        state = _("Cancelado") if content.get("action") == "cancellation" else identity["state"]
    title = _("Formato %(kind)s N.º %(n)s") % {
        "kind": official_format.kind,
        "n": official_format.number,
    }
    return DocumentSpec(
        kind=kind,
        template="official_format.html",
        title=title,
        context={
            "format_code": official_format.kind,
            "format_name": str(official_format.get_kind_display()),
            "heading": heading,
            "seccional": seccional_line(case),
            "labels": {
                "casilla": _("Casilla"),
                "field": _("Dato"),
                "before": _("Valor anterior"),
                "after": _("Valor nuevo"),
                "no_changes": _("Sin cambios registrados."),
            },
            "proof": {
                "title": _("Documento electrónico"),
                "note": _(
                    "Formato diligenciado electrónicamente en el trámite %(case)s; no requiere "
                    "firma autógrafa."
                )
                % {"case": case.number},
            },
            "sections": sections,
        },
        facts=PublicFacts(
            number=official_format.number,
            nit=text(registrant.get("nit")) or identity["nit"],
            name=text(registrant.get("name")) or identity["name"],
            state=state,
            issued_on=created.date(),
        ),
        created=created,
        sources={"official_format": official_format},
    )
