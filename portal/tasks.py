"""Emails of the citizen portal and its periodic job.

Tasks take ids, load rows and send; they are queued on commit. One-time codes are not sent from
here: their plain text must never sit in the broker (portal.services.codes.email_after_commit).
Appointment reminders are deadlines (deadlines app), not tasks here.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from portal.models import Appointment, CitizenAccount


def render_email(template: str, context: dict[str, Any]) -> str:
    return render_to_string(
        f"emails/{template}.txt", {"site_url": settings.SITE_URL.rstrip("/"), **context}
    )


def send_email(template: str, to: str, subject: str, context: dict[str, Any]) -> None:
    send_mail(f"RUT - {subject}", render_email(template, context), None, [to])


@shared_task(acks_late=True)
def send_existing_account_notice(account_id: int) -> None:
    """Someone tried to sign up with the document of an existing account: tell its owner."""
    account = CitizenAccount.objects.get(pk=account_id)
    send_email(
        "portal_existing_account",
        account.email,
        _("Intento de crear otra cuenta"),
        {"account": account},
    )


@shared_task(acks_late=True)
def send_password_changed_notice(account_id: int) -> None:
    account = CitizenAccount.objects.get(pk=account_id)
    send_email(
        "portal_password_changed", account.email, _("Su contraseña cambió"), {"account": account}
    )


@shared_task(acks_late=True)
def send_email_changed_notice(account_id: int, old_email: str) -> None:
    account = CitizenAccount.objects.get(pk=account_id)
    send_email(
        "portal_email_changed", old_email, _("Su correo electrónico cambió"), {"account": account}
    )


@shared_task(acks_late=True)
def send_filing_received(account_id: int, case_number: str) -> None:
    account = CitizenAccount.objects.get(pk=account_id)
    send_email(
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
    send_email(
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
    send_email(
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
