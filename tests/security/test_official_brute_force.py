"""Officials' sign-in resists password guessing (ASVS 2.2.1): the attempt is locked, not the
person."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def _sign_in(client: Client, password: str, address: str = "203.0.113.7") -> int:
    response = client.post(
        LOGIN,
        {"username": "directora", "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )
    return response.status_code


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_in(client, director):
    statuses = [_sign_in(client, f"wrong-{n}") for n in range(30)]

    final = _sign_in(client, "x")

    assert statuses[:4] == [200] * 4  # the form again, "usuario o contraseña incorrectos"
    assert set(statuses[4:]) == {429}  # the fifth failure locks this username at this address
    assert final == 429
    assert "_auth_user_id" not in client.session


def test_the_owner_still_signs_in_from_another_address(client, director):
    for n in range(10):
        _sign_in(client, f"wrong-{n}")

    assert _sign_in(Client(), "x", address="198.51.100.20") == 302


def test_the_lock_ends_after_fifteen_minutes(client, director, clock):
    for n in range(6):
        _sign_in(client, f"wrong-{n}")
    clock.shift(16 * 60)

    assert _sign_in(client, "x") == 302


def test_a_success_clears_the_count(client, director):
    for n in range(4):
        _sign_in(client, f"wrong-{n}")
    assert _sign_in(client, "x") == 302
    client.logout()

    statuses = [_sign_in(client, f"again-{n}") for n in range(4)]

    assert statuses == [200] * 4
    assert _sign_in(client, "x") == 302


def test_an_overlong_username_is_refused_like_any_other_and_still_counts(client, director):
    statuses = [
        client.post(
            LOGIN,
            {"username": "x" * 5000, "password": "y", "next": "/admin/"},
            REMOTE_ADDR="203.0.113.9",
        ).status_code
        for _ in range(6)
    ]

    assert statuses == [200] * 4 + [429] * 2
