"""Communications and formats as a DIAN official would sign them (issue 19, item 3)."""

import pytest

from documents.contexts.communications import greeting
from documents.services import communication_pdf, official_format_pdf
from procedures.models import Case, Communication, OfficialFormat, RequesterKind
from registry.models import Seccional
from registry.services.seccionales import set_signer
from tests.documents.conftest import pdf_text
from tests.factories import make_legal

pytestmark = pytest.mark.django_db


def _letter(case, kind):
    return case.communications.get(kind=kind)


def test_a_natural_person_is_greeted_senor_a_and_a_judge_senores(judicial_cancellation):
    to_person = pdf_text(communication_pdf(_letter(judicial_cancellation, "to_registrant")))
    to_judge = pdf_text(communication_pdf(_letter(judicial_cancellation, "to_judicial_authority")))

    assert "Señor(a)" in to_person and "Señores" not in to_person
    assert "Señores" in to_judge and "Señor(a)" not in to_judge


def test_an_entity_is_greeted_senores_and_a_person_filing_for_it_senor_a(official):
    entity = make_legal(by=official)
    case = Case(registrant=entity, requester_kind=RequesterKind.USER)

    to_entity = Communication(case=case, kind=Communication.Kind.TO_REGISTRANT)
    to_its_attorney = Communication(
        case=case, kind=Communication.Kind.TO_REQUESTER, recipient_name="Laura Pérez Gil"
    )

    assert (greeting(to_entity), greeting(to_its_attorney)) == ("Señores", "Señor(a)")


@pytest.fixture
def bogota_signer(db):
    # Before the case: a letter is rendered once, with the signer of its day.
    return set_signer(
        Seccional.objects.get(pk="32"), name="Marta Lucía Gómez Ardila", position="Directora"
    )


def test_the_letter_is_signed_by_the_seccionals_configured_signer(
    bogota_signer, judicial_cancellation
):
    seccional = judicial_cancellation.seccional
    assert seccional == bogota_signer

    text = pdf_text(communication_pdf(_letter(judicial_cancellation, "to_registrant")))

    signature = text[text.index("Atentamente,") :]
    assert signature.startswith(f"Atentamente, Marta Lucía Gómez Ardila Directora {seccional.name}")
    assert signature.count(seccional.name) == 1  # named once, not repeated by the footer


def test_without_a_configured_signer_the_seccional_is_named_once(judicial_cancellation):
    text = pdf_text(communication_pdf(_letter(judicial_cancellation, "to_registrant")))

    signature = text[text.index("Atentamente,") :]
    assert signature.count(judicial_cancellation.seccional.name) == 1


def test_the_five_year_notice_names_its_recipient_seccional_once(judicial_cancellation):
    notice = _letter(judicial_cancellation, Communication.Kind.TO_SECCIONAL)

    text = pdf_text(communication_pdf(notice))

    addressed = text[text.index("Señores") : text.index("Asunto:")]
    assert addressed.count(notice.recipient_name) == 1


def test_formato_1529_names_the_seccional_and_the_act(judicial_cancellation):
    fmt = judicial_cancellation.formats.get(kind=OfficialFormat.Kind.F1529)
    seccional = judicial_cancellation.registrant.seccional

    text = pdf_text(official_format_pdf(fmt))

    assert f"Dirección seccional {seccional.code} {seccional.name}" in text
    assert "Acto o soporte —" not in text
