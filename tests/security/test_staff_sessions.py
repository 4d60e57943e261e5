"""Officials' sessions end after 30 minutes idle and 12 hours in all (ASVS 3.3.1, 3.3.2)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PAGE = "/admin/password_change/"


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _sign_in(client) -> None:
    response = client.post(
        "/admin/login/", {"username": "directora", "password": "x", "next": "/admin/"}
    )
    assert response.status_code == 302


def test_thirty_minutes_idle_end_the_session(client, director, clock):
    _sign_in(client)
    clock.shift(29 * 60)
    assert client.get(PAGE).status_code == 200

    clock.shift(31 * 60)
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not _signed_in(client)


def test_the_session_cookie_expires_with_the_idle_limit(client, director):
    _sign_in(client)

    assert client.session.get_expiry_age() == 30 * 60


def test_twelve_hours_end_the_session_however_active(client, director, clock):
    _sign_in(client)
    for _ in range(28):  # a request every 25 minutes for 11 h 40 min
        clock.shift(25 * 60)
        assert client.get(PAGE).status_code == 200
    clock.shift(25 * 60)  # 12 h 05 min after signing in, 25 minutes after the last request

    response = client.get(PAGE)

    assert response.status_code == 302
    assert not _signed_in(client)
