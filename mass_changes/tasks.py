"""Background jobs of mass changes: they take ids and call one service."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mass_changes.models import MassChange, MassChangeNotice


@shared_task(acks_late=True)
def run_mass_change_task(batch_id: int) -> str:
    """Run (or resume) an approved batch; a redelivery continues where the last one stopped."""
    from mass_changes.services import run_mass_change

    return run_mass_change(batch_id).state


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def send_mass_change_notices(self: object, batch_id: int, chunk: int) -> int:
    """Email the chunk's communications not yet sent; a second delivery sends nothing again."""
    from mass_changes.services import notice_text

    batch = MassChange.objects.get(pk=batch_id)
    pending = MassChangeNotice.objects.filter(
        batch_id=batch_id, chunk=chunk, sent_at__isnull=True
    ).exclude(recipient_email="")
    sent = 0
    for notice_id in pending.values_list("pk", flat=True):
        with transaction.atomic():
            notice = (
                MassChangeNotice.objects.select_for_update(skip_locked=True)
                .select_related("registrant", "form_version")
                .filter(pk=notice_id, sent_at__isnull=True)
                .first()
            )
            if notice is None:
                continue
            send_mail(
                _("DIAN - RUT: %(change)s") % {"change": batch.get_kind_display()},
                notice_text(batch, notice),
                None,
                [notice.recipient_email],
            )
            notice.sent_at = timezone.now()
            notice.save(update_fields=["sent_at"])
            sent += 1
    return sent
