"""Signing in: throttled per typed document and per address, sessions that expire, the log."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import SignIn
from portal.services import throttle
from portal.services.accounts import (
    InvalidCredentials,
    Throttled,
    authenticate_citizen,
    complete_recovery,
)
from tests.portal.conftest import PASSWORD

pytestmark = pytest.mark.django_db
WRONG = "esta no es la contraseña"


def _attempt(number: str = "1020304050", password: str = WRONG, ip: str = "10.0.0.1"):
    return authenticate_citizen("13", number, password=password, ip_address=ip)


def test_the_right_password_signs_in_and_is_logged(account):
    user = _attempt(password=PASSWORD)

    assert user == account.user
    assert SignIn.objects.get(account=account).succeeded


def test_five_failures_make_the_document_wait_even_with_the_right_password(account):
    for _ in range(throttle.LOGIN_PER_DOCUMENT.max_hits):
        with pytest.raises(InvalidCredentials):
            _attempt()

    with pytest.raises(Throttled, match="Espere"):
        _attempt(password=PASSWORD)
    assert SignIn.objects.filter(account=account, succeeded=False).count() == 5


def test_the_wait_reads_the_same_for_a_document_without_account(account):
    for _ in range(throttle.LOGIN_PER_DOCUMENT.max_hits):
        with pytest.raises(InvalidCredentials) as unknown:
            _attempt(number="999999999")
        with pytest.raises(InvalidCredentials) as known:
            _attempt()
        assert unknown.value.message == known.value.message

    with pytest.raises(Throttled) as unknown_wait:
        _attempt(number="999999999")
    with pytest.raises(Throttled) as known_wait:
        _attempt()
    assert unknown_wait.value.message == known_wait.value.message


def test_recovery_lifts_the_wait_at_once(account):
    for _ in range(throttle.LOGIN_PER_DOCUMENT.max_hits):
        with pytest.raises(InvalidCredentials):
            _attempt()

    complete_recovery(account, password="otra frase larga para entrar")

    assert _attempt(password="otra frase larga para entrar") == account.user


def test_one_address_trying_many_documents_is_throttled(account):
    for n in range(throttle.LOGIN_PER_ADDRESS.max_hits):
        with pytest.raises(InvalidCredentials):
            _attempt(number=str(5000000 + n), ip="10.9.9.9")

    with pytest.raises(Throttled):
        _attempt(password=PASSWORD, ip="10.9.9.9")
    assert _attempt(password=PASSWORD, ip="10.0.0.2") == account.user


def test_a_time_without_zone_counts_in_the_window_of_the_same_instant():
    naive = datetime(2025, 3, 4, 10, 7)  # read in TIME_ZONE, as Django reads naive times
    limit = throttle.LOGIN_PER_DOCUMENT

    assert throttle.hit(limit, "1020304050", now=naive) == 1
    assert throttle.hit(limit, "1020304050", now=timezone.make_aware(naive)) == 2


def test_the_owner_sees_the_sign_ins_of_the_account(client, account):
    with pytest.raises(InvalidCredentials):
        _attempt(ip="203.0.113.7")
    response = client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": "1020304050", "password": PASSWORD},
    )
    assert response.status_code == 302

    page = client.get(reverse("portal:account")).content.decode()
    assert "203.0.113.7" in page and "Contraseña errada" in page and "Exitoso" in page


def test_a_session_ends_after_thirty_idle_minutes(client, account):
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": "1020304050", "password": PASSWORD},
    )

    assert client.session.get_expiry_age() == 30 * 60


def test_a_session_older_than_twelve_hours_is_closed(client, account):
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": "1020304050", "password": PASSWORD},
    )
    session = client.session
    session["portal_signed_in_at"] = 1
    session.save()

    response = client.get(reverse("portal:account"))

    assert response.status_code == 302 and reverse("portal:login") in response["Location"]
    assert "_auth_user_id" not in client.session
