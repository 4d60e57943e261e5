"""No page tells whether a document has an account."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from portal.models import CitizenAccount

pytestmark = pytest.mark.django_db


def _visible_text(response) -> str:
    from django.contrib.messages import get_messages

    return " | ".join(str(m) for m in get_messages(response.wsgi_request))


def test_signing_up_with_a_taken_document_answers_like_a_new_one(client, account, mailoutbox):
    form = {
        "document_type": "13",
        "first_name": "Intruso",
        "last_name": "X",
        "email": "otro@example.co",
        "mobile": "3109998877",
        "accept_policy": "on",
    }
    taken = client.post(reverse("portal:sign_up"), {**form, "document_number": "1020304050"})
    taken_text = _visible_text(taken)
    # Another person, from another address (the captcha counts attempts per address).
    fresh = Client(REMOTE_ADDR="10.0.0.2").post(
        reverse("portal:sign_up"), {**form, "document_number": "77889900"}
    )

    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"] == reverse("portal:activate")
    assert taken_text == _visible_text(fresh)
    account.refresh_from_db()
    assert account.email == "ana@example.co"  # nothing changed on the existing account


def test_a_taken_document_warns_its_owner_not_the_newcomer(
    client, account, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portal:sign_up"),
            {
                "document_type": "13",
                "document_number": "1020304050",
                "first_name": "Intruso",
                "last_name": "X",
                "email": "otro@example.co",
                "mobile": "3109998877",
                "accept_policy": "on",
            },
        )

    assert [m.to for m in mail.outbox] == [["ana@example.co"]]
    assert "intentó crear una cuenta" in mail.outbox[0].body


def test_recovery_answers_the_same_for_unknown_documents(client, account):
    known = client.post(
        reverse("portal:recover"), {"document_type": "13", "document_number": "1020304050"}
    )
    known_text = _visible_text(known)
    unknown = Client(REMOTE_ADDR="10.0.0.3").post(  # another person, from another address
        reverse("portal:recover"), {"document_type": "13", "document_number": "55555555"}
    )

    assert known["Location"] == unknown["Location"]
    assert known_text == _visible_text(unknown)
    assert not CitizenAccount.objects.filter(document_number="55555555").exists()


def _wrong_code_messages(client, number: str) -> list[str]:
    client.post(reverse("portal:recover"), {"document_type": "13", "document_number": number})
    seen = []
    for _ in range(6):
        page = client.post(
            reverse("portal:recover_code"),
            {"document_type": "13", "document_number": number, "code": "QQQQQQ"},
        ).content.decode()
        start = page.index('<ul class="errorlist')
        seen.append(page[start : page.index("</ul>", start)])
    return seen


def test_wrong_recovery_codes_get_the_same_answers_with_or_without_account(client, account):
    with_account = _wrong_code_messages(client, "1020304050")
    without = _wrong_code_messages(Client(), "55555555")

    assert with_account == without
    assert "Le quedan 4 intentos" in with_account[0]
    assert "bloqueado" in with_account[4] and "bloqueado" in with_account[5]
