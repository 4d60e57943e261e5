import io
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from pypdf import PdfReader

from documents.contexts import formulario_001_spec
from documents.models import StoredDocument
from documents.services import formulario_001_pdf
from registry.models import FormVersion, Registrant
from registry.services.provisional_nit import lapse_provisional_nit
from registry.services.registration import pre_register
from registry.services.states import change_state
from tests import clock
from tests.documents.conftest import ink_ratio, page_1_png, pdf_text
from tests.factories import make_legal, make_natural, natural_data

pytestmark = pytest.mark.django_db

TODAY = clock.TODAY.strftime("%d/%m/%Y")


def _latest(registrant: Registrant) -> FormVersion:
    return registrant.form_versions.latest("version")


def _pre_registered(official):
    return pre_register(natural_data(first_name="VALENTINA"), by=official)


def _provisional(official):
    return make_legal(by=official, bank_certificate_date=None)


def _lapsed(official):
    registrant = _provisional(official)
    lapse_provisional_nit(registrant, today=date.today() + timedelta(days=60))
    return registrant


def _suspended(official):
    return change_state(make_natural(by=official), transition_name="suspend", by=None)


def _cancelled(official):
    return change_state(make_natural(by=official), transition_name="cancel", by=None)


# state → (how to reach it, legend, state mark or note that must show)
STATES = {
    "pre_registered": (
        _pre_registered,
        "SIN VALIDEZ – PRE-INSCRIPCIÓN",
        "no prueba la inscripción",
    ),
    "provisional": (_provisional, "CERTIFICADO", "NIT PROVISIONAL"),
    "active": (
        lambda official: make_natural(by=official),
        "CERTIFICADO",
        "Prueba de la inscripción",
    ),
    "suspended": (_suspended, "SUSPENDIDO", "Prueba de la suspensión"),
    "cancelled": (_cancelled, "CANCELADO", "Prueba de la cancelación"),
    "lapsed": (_lapsed, "SIN VALIDEZ", "NIT PROVISIONAL SIN VALIDEZ"),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("copy", [False, True], ids=["certificado", "copia"])
def test_the_form_shows_its_casillas_data_and_the_legend_of_its_state(
    state, copy, official, tmp_path
):
    reach, legend, mark = STATES[state]
    registrant = reach(official)
    version = _latest(registrant)
    assert version.state == state

    document = formulario_001_pdf(version, copy=copy)

    text = pdf_text(document)
    for casilla in (
        "2. Concepto",
        "4. Número de formulario",
        "5. NIT",
        "24. Tipo de contribuyente",
        "31. Primer apellido",
        "35. Razón social",
        "38. País",
        "41. Dirección principal",
        "46. Actividad principal",
        "53. Responsabilidades",
        "54. Usuario aduanero",
        "984. Nombre de quien firma",
    ):
        assert casilla in text
    assert version.form_number in text
    assert registrant.address in text
    assert TODAY in text
    expected_legend = "COPIA CERTIFICADO" if copy and legend == "CERTIFICADO" else legend
    assert expected_legend in text
    assert mark in text
    if copy and state not in ("pre_registered", "lapsed"):
        assert "válida sin firmas autógrafas" in text
    if registrant.nit:
        assert registrant.nit in text
    assert document.code_display in text
    assert ink_ratio(page_1_png(document, tmp_path)) > 0.03


def test_a_natural_person_shows_names_and_dates_in_colombian_format(official, tmp_path):
    registrant = make_natural(by=official, first_name="JUAN", first_surname="PÉREZ")
    document = formulario_001_pdf(_latest(registrant), copy=False)

    text = pdf_text(document)
    assert "JUAN" in text and "PÉREZ" in text
    assert "15/01/2000" in text  # fecha de expedición, casilla 27
    assert "01/01/2020" in text  # inicio de la actividad principal, casilla 47
    assert "6201" in text and "05" in text
    assert "COLOMBIA" in text
    assert document.pages == 1


def test_a_legal_entity_adds_representation_partners_and_establishments(full_legal_version):
    document = formulario_001_pdf(full_legal_version, copy=True)

    text = pdf_text(document)
    assert "Hoja 3" in text and "98. Representación" in text and "18 Representante legal" in text
    assert "LUZ MARINA ROJAS" in text and "01/03/2024" in text
    assert "Hoja 4" in text and "SOCIO UNO" in text
    assert "33,333 %" in text and "66,5 %" in text and "FRANCIA" in text
    assert "Hoja 5" in text and "148. Tipo de documento" in text and "247201-T" in text
    assert "Hoja 6" in text and "SEDE NORTE" in text and "02 Establecimiento de comercio" in text
    assert document.pages == 2  # hoja 1 alone, the other hojas follow on one page


def test_every_width_the_form_uses_has_a_css_class(full_legal_version):
    css = (Path(settings.BASE_DIR) / "static/css/documents.css").read_text()
    declared = {int(w) for w in re.findall(r"\.w(\d+) \{", css)}
    used: set[int] = set()

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("w"), int):
                used.add(value["w"])
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            if len(value) == 3 and isinstance(value[2], int):  # list header (n, label, w)
                used.add(value[2])
            for item in value:
                walk(item)

    walk(formulario_001_spec(full_legal_version, copy=False).context)
    assert used and used <= declared


def test_a_version_with_missing_optional_data_renders_empty_casillas(official):
    registrant = make_natural(by=official)
    version = FormVersion.objects.create(
        registrant=registrant,
        form_number="999000000017",
        version=_latest(registrant).version + 1,
        concept=FormVersion.Concept.UPDATE,
        state=Registrant.State.ACTIVE,
        snapshot={
            "identification": {"5": "123", "26": None},
            "activities": [{"code": None}],
            "representatives": "not a list",
            "partners": [{}],
        },
    )

    document = formulario_001_pdf(version, copy=False)

    text = pdf_text(document)
    assert "999000000017" in text
    assert "41. Dirección principal" in text
    assert "CERTIFICADO" in text
    assert StoredDocument.objects.filter(form_version=version).count() == 1


def _page_1_words(document: Any, tmp_path: Path) -> tuple[float, list[tuple[float, str]]]:
    """Page 1's height and each word's bottom edge (points from the top), by pdftotext -bbox."""
    target = tmp_path / f"bbox-{document.code}.html"
    subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", document.file.path, str(target)], check=True
    )
    markup = target.read_text()
    page = re.search(r'<page width="[\d.]+" height="([\d.]+)"', markup)
    assert page is not None
    height = float(page.group(1))
    words = [
        (float(y_max), word)
        for y_max, word in re.findall(r'<word [^>]*yMax="([\d.]+)">([^<]*)</word>', markup)
    ]
    return height, words


@pytest.mark.parametrize("kind", ["natural", "legal"])
def test_the_first_page_is_filled_down_to_the_proof(kind, official, full_legal_version, tmp_path):
    version = _latest(make_natural(by=official)) if kind == "natural" else full_legal_version
    document = formulario_001_pdf(version, copy=False)

    height, words = _page_1_words(document, tmp_path)
    margin = 11 * 72 / 25.4  # the page footer (title, code, page number) is in the margin
    lowest_in_body = max(y for y, _word in words if y < height - margin)
    assert lowest_in_body > height * 4 / 5
    assert document.code_display.split("-")[0] in {word.split("-")[0] for _y, word in words}


def test_a_long_list_goes_on_to_further_pages_under_its_head_row(full_legal_version):
    snapshot = dict(full_legal_version.snapshot)
    snapshot["establishments"] = snapshot["establishments"] * 60
    version = FormVersion.objects.create(
        registrant=full_legal_version.registrant,
        form_number="999000000025",
        version=full_legal_version.version + 1,
        concept=FormVersion.Concept.UPDATE,
        state=Registrant.State.ACTIVE,
        snapshot=snapshot,
    )

    document = formulario_001_pdf(version, copy=False)

    with document.file.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
        texts = [" ".join((page.extract_text() or "").split()) for page in pages]
    with_list = [t for t in texts if "SEDE NORTE" in t]
    assert len(with_list) >= 2
    assert all("162. Nombre del establecimiento" in t for t in with_list)
    assert sum(t.count("SEDE NORTE") for t in texts) == 60
