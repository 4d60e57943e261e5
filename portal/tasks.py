"""Emails of the citizen portal and its periodic job.

Tasks take ids, load rows and send; they are queued on commit. A code that is no longer the
newest is not sent. Appointment reminders are deadlines (deadlines app), not tasks here.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Appointment, CitizenAccount, CodePurpose, OneTimeCode

SUBJECTS: dict[str, str] = {
    CodePurpose.ACTIVATION: "Código de activación de su cuenta",
    CodePurpose.RECOVERY: "Código para recuperar su contraseña",
    CodePurpose.SIGNATURE: "Código de firma de su solicitud",
    CodePurpose.EMAIL_CHANGE: "Código para confirmar su nuevo correo",
    CodePurpose.MOBILE_CHANGE: "Código para confirmar su nuevo celular",
}


def render_email(template: str, context: dict[str, Any]) -> str:
    return render_to_string(
        f"emails/{template}.txt", {"site_url": settings.SITE_URL.rstrip("/"), **context}
    )


def _send(template: str, to: str, subject: str, context: dict[str, Any]) -> None:
    send_mail(f"RUT - {subject}", render_email(template, context), None, [to])


@shared_task(bind=True, max_retries=3, default_retry_delay=30, acks_late=True)
def send_code_email(self: object, account_id: int, code_id: int, plain: str) -> bool:
    """Email a one-time code, unless a newer code replaced it or it can no longer be used."""
    code = OneTimeCode.objects.select_related("account").get(pk=code_id)
    newest = (
        OneTimeCode.objects.filter(account_id=account_id, purpose=code.purpose)
        .order_by("-id")
        .values_list("pk", flat=True)
        .first()
    )
    if newest != code.pk or code.used_at or code.blocked or code.expires_at <= timezone.now():
        return False
    account = code.account
    to = code.context if code.purpose == CodePurpose.EMAIL_CHANGE else account.email
    _send(
        "portal_code",
        to,
        _(SUBJECTS[code.purpose]),
        {
            "account": account,
            "code": plain,
            "purpose": code.get_purpose_display(),
            "purpose_code": code.purpose,
            "expires_at": code.expires_at,
            "context": code.context,
        },
    )
    return True


@shared_task(acks_late=True)
def send_existing_account_notice(account_id: int) -> None:
    """Someone tried to sign up with the document of an existing account: tell its owner."""
    account = CitizenAccount.objects.get(pk=account_id)
    _send(
        "portal_existing_account",
        account.email,
        _("Intento de crear otra cuenta"),
        {"account": account},
    )


@shared_task(acks_late=True)
def send_password_changed_notice(account_id: int) -> None:
    account = CitizenAccount.objects.get(pk=account_id)
    _send("portal_password_changed", account.email, _("Su contraseña cambió"), {"account": account})


@shared_task(acks_late=True)
def send_email_changed_notice(account_id: int, old_email: str) -> None:
    account = CitizenAccount.objects.get(pk=account_id)
    _send(
        "portal_email_changed", old_email, _("Su correo electrónico cambió"), {"account": account}
    )


@shared_task(acks_late=True)
def send_filing_received(account_id: int, case_number: str) -> None:
    account = CitizenAccount.objects.get(pk=account_id)
    _send(
        "portal_filing_received",
        account.email,
        _("Recibimos su solicitud %(n)s") % {"n": case_number},
        {"account": account, "case_number": case_number},
    )


@shared_task(acks_late=True)
def send_appointment_confirmation(appointment_id: int) -> None:
    appointment = Appointment.objects.select_related("account", "slot__seccional").get(
        pk=appointment_id
    )
    if appointment.state != Appointment.State.BOOKED:
        return
    _send(
        "portal_appointment_booked",
        appointment.account.email,
        _("Cita de videoatención confirmada"),
        {"appointment": appointment, "account": appointment.account},
    )


@shared_task(acks_late=True)
def send_appointment_cancelled(appointment_id: int) -> None:
    appointment = Appointment.objects.select_related("account", "slot__seccional").get(
        pk=appointment_id
    )
    _send(
        "portal_appointment_cancelled",
        appointment.account.email,
        _("Cita de videoatención cancelada"),
        {"appointment": appointment, "account": appointment.account},
    )


@shared_task(acks_late=True)
def sweep_portal() -> dict[str, int]:
    """Periodic job: open the videoatención agenda ahead and purge old sign-in counters."""
    from portal.services.appointments import sweep

    return sweep()
