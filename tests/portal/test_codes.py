"""One-time codes: CSPRNG, hashed, single use, newest only, ten minutes, five attempts."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from portal.models import CodePurpose, OneTimeCode
from portal.services.codes import (
    MAX_ATTEMPTS,
    CodeError,
    TooManyCodes,
    issue_code,
    verify_code,
)

pytestmark = pytest.mark.django_db


def test_an_activation_code_is_six_uppercase_letters_stored_only_as_a_hash(account):
    code, plain = issue_code(account, purpose=CodePurpose.ACTIVATION)

    assert len(plain) == 6 and plain.isalpha() and plain.isupper()
    assert plain not in code.code_hash and len(code.code_hash) == 64
    assert code.expires_at - code.created_at == timedelta(minutes=10)


def test_a_signature_code_is_six_digits(account):
    _code, plain = issue_code(account, purpose=CodePurpose.SIGNATURE)

    assert len(plain) == 6 and plain.isdigit()


def test_the_code_is_accepted_in_lower_case_and_only_once(account):
    _code, plain = issue_code(account, purpose=CodePurpose.RECOVERY)

    verify_code(account, purpose=CodePurpose.RECOVERY, submitted=f" {plain.lower()} ")
    with pytest.raises(CodeError, match="ya fue usado"):
        verify_code(account, purpose=CodePurpose.RECOVERY, submitted=plain)


def test_an_expired_code_is_refused(account):
    now = timezone.now()
    _code, plain = issue_code(account, purpose=CodePurpose.RECOVERY, now=now)

    with pytest.raises(CodeError, match="venció"):
        verify_code(
            account,
            purpose=CodePurpose.RECOVERY,
            submitted=plain,
            now=now + timedelta(minutes=10, seconds=1),
        )


def test_only_the_newest_code_is_valid(account):
    _old, old_plain = issue_code(account, purpose=CodePurpose.RECOVERY)
    _new, new_plain = issue_code(account, purpose=CodePurpose.RECOVERY)
    if old_plain == new_plain:  # one chance in 26**6
        pytest.skip("the CSPRNG drew the same code twice")

    with pytest.raises(CodeError, match="no es correcto"):
        verify_code(account, purpose=CodePurpose.RECOVERY, submitted=old_plain)
    verify_code(account, purpose=CodePurpose.RECOVERY, submitted=new_plain)


def test_a_code_of_one_purpose_does_not_confirm_another(account):
    _code, plain = issue_code(account, purpose=CodePurpose.SIGNATURE, context="filing:1")

    with pytest.raises(CodeError):
        verify_code(account, purpose=CodePurpose.SIGNATURE, submitted=plain, context="filing:2")


def test_the_fifth_wrong_attempt_blocks_the_code_even_for_the_right_one(account):
    code, plain = issue_code(account, purpose=CodePurpose.ACTIVATION)
    wrong = "AAAAAA" if plain != "AAAAAA" else "BBBBBB"
    messages = []
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(CodeError) as refused:
            verify_code(account, purpose=CodePurpose.ACTIVATION, submitted=wrong)
        messages.append(refused.value.message)

    assert messages[0] == "El código no es correcto. Le quedan 4 intentos con este código."
    assert messages[3] == "El código no es correcto. Le queda 1 intento con este código."
    assert "quedó bloqueado" in messages[4]
    with pytest.raises(CodeError, match="bloqueado"):
        verify_code(account, purpose=CodePurpose.ACTIVATION, submitted=plain)
    code.refresh_from_db()
    assert code.blocked and code.attempts == MAX_ATTEMPTS and code.used_at is None


def test_blocking_a_code_does_not_lock_the_person_out(account):
    _code, plain = issue_code(account, purpose=CodePurpose.RECOVERY)
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(CodeError):
            verify_code(
                account,
                purpose=CodePurpose.RECOVERY,
                submitted="ZZZZZZ" if plain != "ZZZZZZ" else "YYYYYY",
            )

    _fresh, fresh_plain = issue_code(account, purpose=CodePurpose.RECOVERY)
    verify_code(account, purpose=CodePurpose.RECOVERY, submitted=fresh_plain)


def test_codes_are_rationed_per_hour(account):
    for _ in range(5):
        issue_code(account, purpose=CodePurpose.RECOVERY)

    with pytest.raises(TooManyCodes):
        issue_code(account, purpose=CodePurpose.RECOVERY)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_attempts_are_all_counted(reference_data, make_account):
    """Twenty guesses at once, each on its own connection: no counted attempt is lost.

    A guess that finds the code already blocked is refused without counting; every other one
    adds exactly one to the counter, in one UPDATE.
    """
    account = make_account()
    code, plain = issue_code(account, purpose=CodePurpose.SIGNATURE)
    wrong = "000000" if plain != "000000" else "111111"
    barrier = threading.Barrier(20)
    refused: list[str] = []

    def guess() -> None:
        try:
            barrier.wait()
            verify_code(account, purpose=CodePurpose.SIGNATURE, submitted=wrong)
        except CodeError as exc:
            refused.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    code.refresh_from_db()
    counted = [m for m in refused if m.startswith("El código no es correcto")]
    assert len(refused) == 20
    assert code.attempts == len(counted) >= MAX_ATTEMPTS
    assert code.blocked


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_right_code_sent_twice_at_once_is_spent_once(reference_data, make_account):
    account = make_account()
    _code, plain = issue_code(account, purpose=CodePurpose.SIGNATURE)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def spend() -> None:
        try:
            barrier.wait()
            verify_code(account, purpose=CodePurpose.SIGNATURE, submitted=plain)
            outcomes.append("ok")
        except CodeError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=spend) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == ["ok"] + ["refused"] * 7
    assert OneTimeCode.objects.get(account=account, purpose=CodePurpose.SIGNATURE).used_at
