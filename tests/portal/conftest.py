"""Citizen accounts made through the real services, and the codes they receive by email."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from portal.models import CitizenAccount
from portal.services import accounts

PASSWORD = "mi casa tiene un patio con naranjos"
CODE_IN_EMAIL = re.compile(r"^ {4}([A-Z]{6}|\d{6})$", re.MULTILINE)


def last_code(to: str | None = None) -> str:
    """The code in the newest email (to that address, when given)."""
    for message in reversed(mail.outbox):
        if to is None or to in message.to:
            found = CODE_IN_EMAIL.search(str(message.body))
            if found:
                return found.group(1)
    raise AssertionError("no code was emailed")


@pytest.fixture
def sign_up(django_capture_on_commit_callbacks: Any) -> Callable[..., str]:
    """Sign up a document; returns the activation code that was emailed."""

    def _sign_up(number: str = "1020304050", email: str = "ana@example.co") -> str:
        with django_capture_on_commit_callbacks(execute=True):
            accounts.sign_up(
                accounts.SignUpData(
                    document_type="13",
                    document_number=number,
                    first_name="Ana María",
                    last_name="Rojas Díaz",
                    email=email,
                    mobile="3001234567",
                ),
                ip_address="127.0.0.1",
            )
        return last_code(email)

    return _sign_up


@pytest.fixture
def make_account(sign_up: Callable[..., str]) -> Callable[..., CitizenAccount]:
    """An activated account with PASSWORD."""

    def _make(number: str = "1020304050", email: str = "ana@example.co") -> CitizenAccount:
        code = sign_up(number, email)
        account = accounts.activate("13", number, submitted=code, decoy=accounts.Decoy.start())
        accounts.set_password(account, password=PASSWORD)
        return CitizenAccount.objects.get(pk=account.pk)

    return _make


@pytest.fixture
def account(db: None, make_account: Callable[..., CitizenAccount]) -> CitizenAccount:
    return make_account()
