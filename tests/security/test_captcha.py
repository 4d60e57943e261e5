"""Sign-up and recovery ask a self-hosted proof-of-work captcha after the first attempt."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from rut_portal import captcha

pytestmark = pytest.mark.django_db

RECOVERY = {"document_type": "13", "document_number": "1020304050"}
SIGN_UP = {
    **RECOVERY,
    "first_name": "Ana María",
    "last_name": "Rojas Díaz",
    "email": "ana@example.co",
    "mobile": "3001234567",
    "accept_policy": "on",
}


def _challenge(page) -> captcha.Challenge:
    html = page.content.decode()
    fields = dict(re.findall(r'data-(salt|challenge|maximum|signature)="([^"]+)"', html))
    return captcha.Challenge(
        salt=fields["salt"],
        challenge=fields["challenge"],
        maximum=int(fields["maximum"]),
        signature=fields["signature"],
    )


@pytest.mark.parametrize(
    ("name", "data"), [("portal:recover", RECOVERY), ("portal:sign_up", SIGN_UP)]
)
def test_the_first_attempt_has_no_captcha_the_second_needs_one(client, name, data):
    url = reverse(name)
    assert "data-captcha" not in client.get(url).content.decode()
    assert client.post(url, data).status_code == 302

    page = client.get(url)
    assert 'src="/static/js/captcha.js"' in page.content.decode()
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Espere a que termine la verificación automática" in refused.content.decode()

    solution = captcha.solve(_challenge(refused))
    assert client.post(url, {**data, "captcha": solution}).status_code == 302


def test_a_solution_works_once_and_a_wrong_number_never(client):
    url = reverse("portal:recover")
    client.post(url, RECOVERY)
    challenge = _challenge(client.get(url))
    solution = captcha.solve(challenge)
    signature, number = solution.rsplit(":", 1)
    wrong = f"{signature}:{(int(number) + 1) % (challenge.maximum + 1)}"

    refused = client.post(url, {**RECOVERY, "captcha": wrong})
    assert "La verificación automática venció o no es válida" in refused.content.decode()
    assert client.post(url, {**RECOVERY, "captcha": solution}).status_code == 302
    replay = client.post(url, {**RECOVERY, "captcha": solution})
    assert "La verificación automática venció o no es válida" in replay.content.decode()


def test_a_forged_challenge_is_refused(client):
    client.post(reverse("portal:recover"), RECOVERY)
    forged = captcha.Challenge(salt="a", challenge=captcha._hash("a", 1), maximum=1, signature="x")

    page = client.post(reverse("portal:recover"), {**RECOVERY, "captcha": f"{forged.signature}:1"})

    assert page.status_code == 200
    assert "La verificación automática venció o no es válida" in page.content.decode()


def test_the_captcha_page_sends_no_email_until_solved(client):
    client.post(reverse("portal:sign_up"), SIGN_UP)
    mail.outbox.clear()

    client.post(reverse("portal:sign_up"), {**SIGN_UP, "document_number": "99887766"})

    assert mail.outbox == []
