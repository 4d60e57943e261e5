"""One-time codes never reach the broker in clear, and waits read "1 minuto", not "1 minutos"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from celery.app.task import Task
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.services import accounts, throttle
from portal.services.accounts import Throttled, authenticate_citizen
from tests.portal.conftest import PASSWORD, last_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every task message sent, as the text the broker would keep."""
    sent: list[str] = []
    original = Task.apply_async

    def spy(self: Task, args: Any = None, kwargs: Any = None, **options: Any) -> Any:
        sent.append(f"{self.name} {args!r} {kwargs!r}")
        return original(self, args, kwargs, **options)

    monkeypatch.setattr(Task, "apply_async", spy)
    return sent


def test_activation_and_recovery_codes_are_emailed_without_the_broker(
    broker_messages, sign_up, django_capture_on_commit_callbacks
):
    activation = sign_up()
    activated = accounts.activate(
        "13", "1020304050", submitted=activation, decoy=accounts.Decoy.start()
    )
    accounts.set_password(activated, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        accounts.request_recovery("13", "1020304050")
    recovery = last_code("ana@example.co")

    assert recovery != activation
    assert len(mail.outbox) == 2
    assert not [m for m in broker_messages if activation in m or recovery in m]


def test_a_code_replaced_before_commit_is_not_emailed(account, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accounts.request_recovery("13", "1020304050")
        accounts.request_recovery("13", "1020304050")

    assert len(mail.outbox) == 1


def _half_a_minute_before_the_window_ends(clock: Any) -> None:
    now = timezone.now()
    seconds = int(throttle.WINDOW.total_seconds())
    left = seconds - int(now.timestamp()) % seconds
    clock.move_to(now + timedelta(seconds=left - 30))


def test_one_minute_left_reads_in_the_singular_at_sign_in(account, clock):
    for _ in range(throttle.LOGIN_PER_DOCUMENT.max_hits):
        with pytest.raises(accounts.InvalidCredentials):
            authenticate_citizen("13", "1020304050", password="otra", ip_address="10.0.0.1")
    _half_a_minute_before_the_window_ends(clock)

    with pytest.raises(Throttled) as waited:
        authenticate_citizen("13", "1020304050", password=PASSWORD, ip_address="10.0.0.1")

    assert "Espere 1 minuto o use «Olvidé mi contraseña»" in waited.value.message


def test_one_minute_left_reads_in_the_singular_on_code_pages(client, clock, monkeypatch):
    monkeypatch.setattr(throttle, "CODES_PER_ADDRESS", throttle.Limit("code_ip", 1))
    _half_a_minute_before_the_window_ends(clock)
    data = {"document_type": "13", "document_number": "1020304050", "code": "ABCDEF"}
    client.post(reverse("portal:recover_code"), data)

    page = client.post(reverse("portal:recover_code"), data)

    assert "Demasiados intentos desde esta conexión. Espere 1 minuto." in page.content.decode()
