"""Background jobs of the procedures app: they take ids, load rows and call one service."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import EmailMultiAlternatives, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from procedures.models import Communication


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def send_communication(self: object, communication_id: int) -> bool:
    """Email one communication; a second delivery of the same message sends nothing.

    HTML with a plain-text alternative and a PDF attached: the Formulario 001 when the
    communication carries one (the certified RUT sent abroad, art. 9 par.), else the letter
    itself. The PDF is rendered (or reused) before the row is locked.
    """
    from documents.services import communication_pdf, formulario_001_pdf

    communication = Communication.objects.select_related(
        "form_version", "case__registrant", "case__seccional"
    ).get(pk=communication_id)
    if communication.sent_at is not None or not communication.recipient_email:
        return False
    # The certified RUT is what its email announces; any other email carries its letter.
    if communication.form_version is not None:
        stored = formulario_001_pdf(communication.form_version, copy=False)
        name = f"RUT-{communication.form_version.form_number}.pdf"
    else:
        stored = communication_pdf(communication)
        name = f"{communication.case.number}-{communication.pk}.pdf"
    with stored.file.open("rb") as handle:
        files = [(name, handle.read())]
    context = email_context(communication, attachments=[name for name, _content in files])
    with transaction.atomic():
        communication = Communication.objects.select_for_update().get(pk=communication_id)
        if communication.sent_at is not None:
            return False
        message = EmailMultiAlternatives(
            communication.subject,
            render_to_string("emails/communication.txt", context),
            to=[communication.recipient_email],
        )
        message.attach_alternative(
            render_to_string("emails/communication.html", context), "text/html"
        )
        for name, content in files:
            message.attach(name, content, "application/pdf")
        message.send()
        communication.sent_at = timezone.now()
        communication.save(update_fields=["sent_at"])
    return True


def email_context(communication: Communication, *, attachments: list[str]) -> dict[str, object]:
    """What the email of a communication says: the letter's greeting, text and signature."""
    from documents.contexts.common import seccional_line, signature
    from documents.contexts.communications import greeting

    case = communication.case
    return {
        "greeting": greeting(communication),
        "recipient": communication.recipient_name,
        "subject": communication.subject,
        "paragraphs": [p for p in communication.body.split("\n\n") if p.strip()],
        "attachments": attachments,
        "seccional": seccional_line(case),
        **signature(case),
    }


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def notify_referral(self: object, referral_id: int) -> None:
    """Tell the receiving area (fiscalización or the legal division) about a new referral."""
    from django.conf import settings

    from procedures.models import Referral

    referral = Referral.objects.select_related("registrant").get(pk=referral_id)
    recipient = (
        settings.LEGAL_DIVISION_EMAIL
        if referral.kind == Referral.Kind.CRIMINAL_REPORT
        else settings.AUDIT_AREA_EMAIL
    )
    send_mail(
        f"DIAN - RUT: {referral.get_kind_display()}",
        f"{referral.registrant}\n\n{referral.reason}",
        None,
        [recipient],
    )


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def acknowledge_petition(self: object, petition_id: int, text: str) -> bool:
    """Email the petitioner (acknowledgement or answer)."""
    from procedures.models import Petition

    petition = Petition.objects.get(pk=petition_id)
    if not petition.requester_email:
        return False
    send_mail(
        f"DIAN - {petition.number}: {petition.subject}", text, None, [petition.requester_email]
    )
    return True
