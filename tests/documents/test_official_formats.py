import pytest

from documents.services import official_format_pdf
from procedures.models import OfficialFormat
from tests.documents.conftest import ink_ratio, page_1_png, pdf_text

pytestmark = pytest.mark.django_db


def test_formato_1767_has_identification_facts_changes_evidence_and_authorising_chief(
    judicial_cancellation, tmp_path
):
    fmt = judicial_cancellation.formats.get(kind=OfficialFormat.Kind.F1767)

    document = official_format_pdf(fmt)

    text = pdf_text(document)
    assert "Solicitud de actuación de oficio en el Registro Único Tributario" in text
    assert fmt.number in text and judicial_cancellation.number in text
    assert fmt.content["registrant"]["nit"] in text
    assert fmt.content["registrant"]["name"] in text
    assert "Dirección desactualizada según la orden judicial." in text
    assert "41 Dirección principal CL 26 69 76 CL 100 15 20" in text  # casilla, before, after
    assert "Copia de la sentencia 2026-00123." in text
    assert "Jefe GIT Registro Único Tributario" in text
    assert document.code_display in text
    assert (document.number, document.nit) == (fmt.number, fmt.content["registrant"]["nit"])
    assert ink_ratio(page_1_png(document, tmp_path)) > 0.02


def test_formato_1529_records_the_cancellation_with_cause_act_and_date(
    judicial_cancellation, tmp_path
):
    fmt = judicial_cancellation.formats.get(kind=OfficialFormat.Kind.F1529)

    document = official_format_pdf(fmt)

    text = pdf_text(document)
    assert "Actuación de oficio en el Registro Único Tributario" in text
    assert "Cancelación de la inscripción en el RUT" in text
    assert "Orden de autoridad competente" in text
    assert "Sentencia 2026-00123 10/11/2026 Juzgado 12 Civil del Circuito" in text
    assert fmt.content["form_number"] in text
    assert "Marta Gómez" in text  # the director who approved
    assert document.state_label == "Cancelado"
    assert ink_ratio(page_1_png(document, tmp_path)) > 0.02


def test_formato_1271_records_the_internal_situation(special_cancellation, tmp_path):
    fmt = special_cancellation.formats.get(kind=OfficialFormat.Kind.F1271)

    document = official_format_pdf(fmt)

    text = pdf_text(document)
    assert "Situación interna del Registro Único Tributario" in text
    assert "Situación nueva Cancelado" in text
    assert "Suplantación declarada por autoridad" in text
    assert fmt.number in text
    assert ink_ratio(page_1_png(document, tmp_path)) > 0.02
