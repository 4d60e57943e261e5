"""A communication reaches its recipient as HTML with a text alternative and its PDFs attached."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from procedures.models import Communication
from procedures.tasks import send_communication
from registry.models import Seccional
from registry.services.seccionales import set_signer
from tests.documents.conftest import judicial_cancellation  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bogota_signer(db):
    return set_signer(
        Seccional.objects.get(pk="32"), name="Marta Lucía Gómez Ardila", position="Directora"
    )


def test_the_inscrito_gets_html_a_text_alternative_and_the_letter_as_pdf(
    bogota_signer,
    judicial_cancellation,  # noqa: F811
) -> None:
    letter = judicial_cancellation.communications.get(kind=Communication.Kind.TO_REGISTRANT)
    Communication.objects.filter(pk=letter.pk).update(sent_at=None)
    mail.outbox.clear()

    assert send_communication(letter.pk) is True

    (message,) = mail.outbox
    assert message.to == ["inscrito@example.co"]
    assert message.body.startswith(f"Señor(a)\n{letter.recipient_name}")
    assert "Marta Lucía Gómez Ardila\nDirectora\n" in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html, mimetype = message.alternatives[0]
    assert isinstance(html, str)
    assert mimetype == "text/html"
    assert '<html lang="es-CO">' in html and "<strong>Marta Lucía Gómez Ardila</strong>" in html
    name, content, kind = message.attachments[0]
    assert (name, kind) == (f"{judicial_cancellation.number}-{letter.pk}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    assert name in message.body  # the text announces what is attached


def test_a_second_delivery_sends_nothing(judicial_cancellation) -> None:  # noqa: F811
    letter = judicial_cancellation.communications.get(kind=Communication.Kind.TO_REGISTRANT)
    send_communication(letter.pk)
    mail.outbox.clear()

    assert send_communication(letter.pk) is False
    assert mail.outbox == []
