import pytest
from django.utils import timezone

from documents.contexts import NoApprovedCancellation
from documents.services import cancellation_resolution_pdf
from tests.documents.conftest import ink_ratio, page_1_png, pdf_text

pytestmark = pytest.mark.django_db


def test_the_resolution_cancels_the_inscription_with_its_grounds(judicial_cancellation, tmp_path):
    case = judicial_cancellation
    registrant = case.registrant

    document = cancellation_resolution_pdf(case)

    text = pdf_text(document)
    decided_on = timezone.localdate(case.decided_at).strftime("%d/%m/%Y")
    assert f"RESOLUCIÓN N.º {case.number} DEL {decided_on}" in text
    assert "Por la cual se cancela de oficio la inscripción en el Registro Único Tributario" in text
    assert registrant.display_name in text and registrant.formatted_nit in text
    assert "CONSIDERANDO" in text and "RESUELVE" in text
    assert "Juzgado 12 Civil del Circuito de Bogotá" in text
    assert "Orden judicial" in text  # the evidence attached to the case
    assert "Artículo 1." in text and f"con efecto a partir del {decided_on}" in text
    assert "recurso de reposición" in text
    assert "Marta Gómez" in text and "Proyectó: Ana Rojas" in text
    assert (document.state_label, document.number) == ("Cancelado", case.number)
    assert ink_ratio(page_1_png(document, tmp_path)) > 0.02


def test_only_an_approved_cancellation_has_a_resolution(rejected_case):
    with pytest.raises(NoApprovedCancellation) as error:
        cancellation_resolution_pdf(rejected_case)
    assert "no tiene una cancelación aprobada" in error.value.message
