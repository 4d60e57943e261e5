"""What every document builder shares: the spec it returns and small, forgiving readers.

A builder turns a source (a Formulario 001 version, an OfficialFormat, a Communication, an
approved cancellation case) into a DocumentSpec: the template, a JSON-able context holding every
printed string already formatted, and the public facts the verification page may show. The
content key hashes the context, so two calls with the same source give the same key.

Builders never read the live inscrito: registrant data comes from the form version in force
when the document was issued (Decreto 2460 de 2013, art. 19: the form is the proof).
Missing optional data prints as an empty casilla, never as an error.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from procedures.models import Case, OfficialFormat
from registry.models import FormVersion, Registrant
from registry.nit import format_nit


class DocumentKind(models.TextChoices):
    FORMULARIO_001 = "formulario_001", gettext_lazy("Formulario 001")
    FORMULARIO_001_COPY = "formulario_001_copy", gettext_lazy("Formulario 001 (copia electrónica)")
    FORMAT_1529 = "format_1529", gettext_lazy("Formato 1529 Actuaciones de oficio")
    FORMAT_1271 = "format_1271", gettext_lazy("Formato 1271 Situación interna RUT")
    FORMAT_1767 = "format_1767", gettext_lazy("Formato 1767 Solicitud actuación de oficio")
    COMMUNICATION = "communication", gettext_lazy("Comunicación oficial")
    CANCELLATION_RESOLUTION = (
        "cancellation_resolution",
        gettext_lazy("Resolución de cancelación del RUT"),
    )
    RUT_AS_OF = "rut_as_of", gettext_lazy("Certificado del RUT en una fecha")


FORMAT_KINDS: dict[str, str] = {
    OfficialFormat.Kind.F1529: DocumentKind.FORMAT_1529,
    OfficialFormat.Kind.F1271: DocumentKind.FORMAT_1271,
    OfficialFormat.Kind.F1767: DocumentKind.FORMAT_1767,
}


@dataclass(frozen=True)
class PublicFacts:
    """What the public verification page shows: nothing reserved."""

    number: str
    nit: str
    name: str
    state: str
    issued_on: date
    # The period a historical certificate's version was in force ("Vigente del … al …").
    validity: str = ""

    def as_json(self) -> dict[str, str]:
        facts = {
            "number": self.number,
            "nit": self.nit,
            "name": self.name,
            "state": self.state,
            "issued_on": self.issued_on.isoformat(),
        }
        if self.validity:  # only when set: the keys of every other document stay as they were
            facts["validity"] = self.validity
        return facts


@dataclass
class DocumentSpec:
    kind: str
    template: str
    title: str
    context: dict[str, Any]
    facts: PublicFacts
    created: datetime
    sources: dict[str, models.Model] = field(default_factory=dict)


# --- small helpers -----------------------------------------------------------------------------


def text(value: object) -> str:
    if value is None:
        return ""
    return str(value).strip()


def as_dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def cell(n: str, label: object, value: object = "", w: int = 0, **extra: Any) -> dict[str, Any]:
    return {"n": n, "label": str(label), "value": text(value), "w": w, **extra}


def rows(*rows: list[dict[str, Any]], subtitle: str = "") -> dict[str, Any]:
    return {"type": "rows", "subtitle": subtitle, "rows": list(rows)}


def local(moment: datetime | None) -> datetime:
    moment = moment or timezone.now()
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def state_label(state: str) -> str:
    try:
        return str(Registrant.State(state).label)
    except ValueError:
        return state


@cache
def _auxiliary_codes() -> dict[tuple[str, str], str]:
    """Names of RUT auxiliary codes (establishment types ...), from registry/data."""
    import registry

    path = Path(registry.__file__).resolve().parent / "data" / "codigos_auxiliares_rut.csv"
    with path.open(encoding="utf-8") as handle:
        return {(row["grupo"], row["codigo_rut"]): row["nombre"] for row in csv.DictReader(handle)}


def establishment_kind(code: str) -> str:
    name = _auxiliary_codes().get(("tipo_establecimiento", code), "")
    return f"{code} {name}".strip()


def version_in_force(registrant_id: int | None, at: datetime) -> FormVersion | None:
    """The Formulario 001 version that described the inscrito at `at` (None if none yet)."""
    if registrant_id is None:
        return None
    return (
        FormVersion.objects.filter(registrant_id=registrant_id, created_at__lte=at)
        .order_by("-version")
        .first()
    )


def identity_from_version(version: FormVersion | None) -> dict[str, str]:
    """NIT, name, document and address of the inscrito as a form version recorded them."""
    if version is None:
        return {
            "nit": "",
            "name": "",
            "document": "",
            "address": "",
            "place": "",
            "state": "",
        }
    snapshot = as_dict(version.snapshot)
    ident, location = as_dict(snapshot.get("identification")), as_dict(snapshot.get("location"))
    nit, dv = text(ident.get("5")), text(ident.get("6"))
    document = " ".join(p for p in (text(ident.get("25_label")), text(ident.get("26"))) if p)
    place = ", ".join(p for p in (text(location.get("40")), text(location.get("39"))) if p)
    return {
        "nit": format_nit(nit, int(dv)) if nit and dv.isdigit() else nit,
        "name": text(ident.get("display_name")),
        "document": document,
        "address": text(location.get("41")),
        "place": place,
        "state": state_label(version.state),
    }


def user_name(user: Any) -> str:
    if user is None:
        return ""
    return text(user.get_full_name()) or text(user.get_username())


def signature(case: Case) -> dict[str, str]:
    """Who signs for the case's seccional (its configuration), else the official who decided."""
    seccional = case.seccional if case.seccional_id else None
    if seccional is not None and seccional.signer_name:
        return {"signer": seccional.signer_name, "signer_position": seccional.signer_position}
    return {"signer": user_name(case.decided_by), "signer_position": ""}


def seccional_line(case: Case) -> str:
    return case.seccional.name if case.seccional_id else ""
