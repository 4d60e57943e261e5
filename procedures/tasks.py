"""Background jobs of the procedures app: they take ids, load rows and call one service."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.utils import timezone

from procedures.models import Communication


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def send_communication(self: object, communication_id: int) -> bool:
    """Email one communication; a second delivery of the same message sends nothing.

    A communication that carries a Formulario 001 (the certified RUT sent abroad, art. 9 par.)
    attaches its PDF, rendered (or reused) before the row is locked.
    """
    from documents.services import formulario_001_pdf

    communication = Communication.objects.select_related("form_version").get(pk=communication_id)
    if communication.sent_at is not None or not communication.recipient_email:
        return False
    attachment = None
    if communication.form_version is not None:
        stored = formulario_001_pdf(communication.form_version, copy=False)
        with stored.file.open("rb") as handle:
            attachment = (f"RUT-{communication.form_version.form_number}.pdf", handle.read())
    with transaction.atomic():
        communication = Communication.objects.select_for_update().get(pk=communication_id)
        if communication.sent_at is not None:
            return False
        message = EmailMessage(
            communication.subject, communication.body, to=[communication.recipient_email]
        )
        if attachment is not None:
            message.attach(attachment[0], attachment[1], "application/pdf")
        message.send()
        communication.sent_at = timezone.now()
        communication.save(update_fields=["sent_at"])
    return True


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
