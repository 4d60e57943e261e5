"""Loading the reference tables shipped in registry/data (idempotent: run it at will)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from django.db import models, transaction

from registry import reference_cache
from registry.models import (
    CustomsQuality,
    Department,
    DocumentType,
    EconomicActivity,
    Municipality,
    Responsibility,
    Seccional,
)

M = TypeVar("M", bound=models.Model)

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> Iterator[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _upsert(model: type[M], objects: list[M], fields: list[str]) -> int:
    model._default_manager.bulk_create(
        objects, update_conflicts=True, unique_fields=["pk"], update_fields=fields
    )
    return len(objects)


@transaction.atomic
def load_reference_data() -> dict[str, int]:
    """Insert or refresh every reference table; returns the row count per table."""
    counts = {
        "seccionales": _upsert(
            Seccional,
            [
                Seccional(code=r["codigo"], name=r["nombre"], kind=r["tipo"], city=r["ciudad_sede"])
                for r in _rows("direcciones_seccionales.csv")
            ],
            ["name", "kind", "city"],
        ),
        "departamentos": _upsert(
            Department,
            [
                Department(code=r["codigo_departamento"], name=r["nombre_departamento"])
                for r in _rows("divipola_departamentos.csv")
            ],
            ["name"],
        ),
        "municipios": _upsert(
            Municipality,
            [
                Municipality(
                    code=r["codigo_municipio"],
                    name=r["nombre_municipio"],
                    department_id=r["codigo_departamento"],
                    is_current=r["vigente"] == "si",
                )
                for r in _rows("divipola_municipios.csv")
            ],
            ["name", "department", "is_current"],
        ),
        "tipos_documento": _upsert(
            DocumentType,
            [
                DocumentType(code=r["codigo"], name=r["nombre"], applies_to=r["aplica_a"])
                for r in _rows("tipos_documento.csv")
            ],
            ["name", "applies_to"],
        ),
        "ciiu": _upsert(
            EconomicActivity,
            [
                EconomicActivity(
                    code=r["codigo"],
                    name=r["nombre"],
                    section=r["seccion"],
                    is_special=r["tipo"] == "codigo_especial_dian",
                )
                for r in _rows("ciiu_rev4_ac.csv")
            ],
            ["name", "section", "is_special"],
        ),
        "responsabilidades": _upsert(
            Responsibility,
            [
                Responsibility(
                    code=r["codigo"], name=r["nombre"], is_current=r["vigencia"] != "historica"
                )
                for r in _rows("responsabilidades.csv")
            ],
            ["name", "is_current"],
        ),
        "usuarios_aduaneros": _upsert(
            CustomsQuality,
            [
                CustomsQuality(code=r["codigo_rut"], name=r["nombre"])
                for r in _rows("codigos_auxiliares_rut.csv")
                if r["grupo"] == "usuario_aduanero"
            ],
            ["name"],
        ),
    }
    counts["jurisdicciones"] = _assign_jurisdictions()
    reference_cache.clear()  # readers in this transaction see the new rows
    transaction.on_commit(reference_cache.clear)  # rows read before the commit are dropped
    return counts


def _assign_jurisdictions() -> int:
    by_department: dict[str, str] = {}
    by_municipality: dict[str, str] = {}
    for row in _rows("jurisdiccion_seccionales.csv"):
        target = by_department if row["ambito"] == "departamento" else by_municipality
        target[row["codigo"]] = row["codigo_seccional"]
    municipalities = list(Municipality.objects.all())
    for municipality in municipalities:
        municipality.seccional_id = by_municipality.get(
            municipality.code, by_department.get(municipality.department_id)
        )
    Municipality.objects.bulk_update(municipalities, ["seccional"], batch_size=500)
    return len(municipalities)
