"""A self-hosted proof-of-work captcha (the ALTCHA idea): no third party, nothing to read or hear.

The server picks a secret number n below `CAPTCHA_MAX_NUMBER` and a random salt, and sends the
salt, sha256(salt + n) and a signature over both (SECRET_KEY). The browser (static/js/captcha.js)
tries 0, 1, 2... until its hash matches and sends the number back. A person waits a second or two
and does nothing else, whatever their sight, hearing or motor abilities; a script pays that CPU
time for every attempt. A solution expires with its challenge and works once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache

SALT = "rut_portal.captcha"
LIFETIME_SECONDS = 600


@dataclass(frozen=True)
class Challenge:
    salt: str
    challenge: str
    maximum: int
    signature: str


class CaptchaRefused(ValueError):
    """The solution is missing, wrong, expired or already used."""


def _hash(salt: str, number: int) -> str:
    return hashlib.sha256(f"{salt}{number}".encode()).hexdigest()


def new_challenge() -> Challenge:
    maximum = settings.CAPTCHA_MAX_NUMBER
    salt = secrets.token_hex(12)
    challenge = _hash(salt, secrets.randbelow(maximum + 1))
    signature = signing.dumps({"s": salt, "c": challenge}, salt=SALT)
    return Challenge(salt=salt, challenge=challenge, maximum=maximum, signature=signature)


def solve(challenge: Challenge) -> str:
    """What the browser computes (used by tests and the attack campaign to play a person)."""
    for number in range(challenge.maximum + 1):
        if _hash(challenge.salt, number) == challenge.challenge:
            return f"{challenge.signature}:{number}"
    raise CaptchaRefused("no solution")


def verify(solution: str) -> None:
    """Accept a solution once; raise CaptchaRefused otherwise."""
    signature, _sep, number = solution.rpartition(":")
    if not signature or not number.isdigit() or len(number) > 12:
        raise CaptchaRefused("malformed")
    try:
        signed = signing.loads(signature, salt=SALT, max_age=LIFETIME_SECONDS)
    except signing.BadSignature as exc:  # also SignatureExpired
        raise CaptchaRefused("bad or expired signature") from exc
    if _hash(signed["s"], int(number)) != signed["c"]:
        raise CaptchaRefused("wrong number")
    # Single use: the first request to store this challenge wins; a replay finds it there.
    if not cache.add(f"captcha:{signed['c']}", 1, LIFETIME_SECONDS):
        raise CaptchaRefused("already used")
