import pytest
from django.utils import timezone

from documents.services import communication_pdf
from procedures.models import Communication
from tests.documents.conftest import ink_ratio, page_1_png, pdf_text

pytestmark = pytest.mark.django_db


def _letter(case, kind):
    return case.communications.filter(kind=kind).first()


@pytest.mark.parametrize(
    ("kind", "heading"),
    [
        (
            Communication.Kind.TO_REGISTRANT,
            "Comunicación de cancelación de oficio de la inscripción",
        ),
        (
            Communication.Kind.TO_REQUESTER,
            "Comunicación de cancelación de oficio de la inscripción",
        ),
        (
            Communication.Kind.TO_SECCIONAL,
            "Aviso de cancelación de oficio de la inscripción en el RUT",
        ),
        (
            Communication.Kind.TO_JUDICIAL_AUTHORITY,
            "Oficio: cumplimiento de la orden de cancelación",
        ),
        (Communication.Kind.TO_CUSTOMS, "Aviso a los procesos de aduanas"),
    ],
)
def test_each_communication_of_a_cancellation_identifies_the_inscrito(
    judicial_cancellation, kind, heading, tmp_path
):
    communication = _letter(judicial_cancellation, kind)
    registrant = judicial_cancellation.registrant

    document = communication_pdf(communication)

    text = pdf_text(document)
    assert heading in text
    assert communication.recipient_name in text
    assert registrant.formatted_nit in text and registrant.display_name in text
    assert judicial_cancellation.number in text
    assert communication.body.split(".")[0] in text
    assert (document.nit, document.state_label) == (registrant.formatted_nit, "Cancelado")
    assert ink_ratio(page_1_png(document, tmp_path)) > 0.02


def test_the_letter_to_the_judge_gives_the_cancellation_date(judicial_cancellation):
    letter = _letter(judicial_cancellation, Communication.Kind.TO_JUDICIAL_AUTHORITY)

    text = pdf_text(communication_pdf(letter))

    cancelled_on = timezone.localdate(judicial_cancellation.decided_at).strftime("%d/%m/%Y")
    assert f"Fecha de cancelación del RUT {cancelled_on}" in text
    assert "Sentencia 2026-00123 10/11/2026" in text


def test_a_rejection_invites_to_file_again(rejected_case):
    letter = _letter(rejected_case, Communication.Kind.REJECTION)

    text = pdf_text(communication_pdf(letter))

    assert "Comunicación de rechazo por requisitos" in text
    assert "No llegó la orden ejecutoriada." in text
    assert "puede radicar nuevamente la solicitud" in text


def test_a_reactivation_is_communicated_to_the_registrant(reactivation_case):
    letter = _letter(reactivation_case, Communication.Kind.TO_REGISTRANT)

    document = communication_pdf(letter)

    text = pdf_text(document)
    assert "Comunicación de reactivación del RUT" in text
    assert document.state_label == "Activo"
