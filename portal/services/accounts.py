"""Citizen accounts: sign-up, activation, passwords, recovery, sign-in, contact changes.

Nothing here tells a caller whether a document has an account: sign-up and recovery return
nothing, and code checks for a document without a pending code answer through a Decoy with
the same messages a real code would produce.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.models import CitizenAccount, CodePurpose, DataPolicyConsent, SignIn
from portal.services import throttle
from portal.services.codes import (
    Decoy,
    TooManyCodes,
    email_after_commit,
    issue_code,
    verify_code,
)
from registry.selectors import registrant_by_document
from rut_portal.errors import DomainError

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

# Version of the personal-data policy shown at /mi-rut/politica-de-datos/ (Ley 1581 de 2012).
DATA_POLICY_VERSION = "2026-01"


class InvalidCredentials(DomainError):
    """Wrong document or password; the message is the same for both."""


class Throttled(DomainError):
    """Too many failed attempts for this document or from this address."""


@dataclass
class SignUpData:
    document_type: str
    document_number: str
    first_name: str
    last_name: str
    email: str
    mobile: str


def document_key(document_type: str, document_number: str) -> str:
    return f"{document_type}:{document_number.strip().upper()}"


def account_for_document(document_type: str, document_number: str) -> CitizenAccount | None:
    return (
        CitizenAccount.objects.select_related("user", "registrant")
        .filter(document_type_id=document_type, document_number=document_number.strip().upper())
        .first()
    )


def record_consent(
    account: CitizenAccount, *, context: str, ip_address: str | None
) -> DataPolicyConsent:
    """Store the authorization to process personal data: which policy version, when, from where."""
    return DataPolicyConsent.objects.create(
        account=account, version=DATA_POLICY_VERSION, context=context, ip_address=ip_address
    )


def _send_code(account: CitizenAccount, *, purpose: str, context: str = "") -> bool:
    """Issue a code and email it after commit; False when too many were sent recently."""
    try:
        code, plain = issue_code(account, purpose=purpose, context=context)
    except TooManyCodes:
        return False
    email_after_commit(code, plain)
    return True


@transaction.atomic
def sign_up(data: SignUpData, *, ip_address: str | None) -> None:
    """Create the account (or refresh one never activated) and email its activation code.

    If the document already has an active account, its owner is told at their own address and
    nothing else happens; the caller shows the same page in every case.
    """
    number = data.document_number.strip().upper()
    account = (
        CitizenAccount.objects.select_for_update()
        .select_related("user")
        .filter(document_type_id=data.document_type, document_number=number)
        .first()
    )
    if account is not None and account.is_activated:
        if throttle.hit(throttle.Limit("signup_notice", 1), str(account.pk)) <= 1:
            from portal.tasks import send_existing_account_notice

            send_existing_account_notice.delay_on_commit(account.pk)
        return
    email = data.email.strip().lower()
    if account is None:
        user = User.objects.create_user(
            username=f"ciudadano:{data.document_type}:{number}",
            email=email,
            first_name=data.first_name[:150],
            last_name=data.last_name[:150],
            is_active=False,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        account = CitizenAccount(user=user, document_type_id=data.document_type)
    account.document_number = number
    account.first_name, account.last_name = data.first_name.strip(), data.last_name.strip()
    account.email, account.mobile = email, data.mobile.strip()
    account.save()
    User.objects.filter(pk=account.user_id).update(
        email=email, first_name=data.first_name[:150], last_name=data.last_name[:150]
    )
    record_consent(account, context=DataPolicyConsent.Context.SIGN_UP, ip_address=ip_address)
    _send_code(account, purpose=CodePurpose.ACTIVATION)


def _check_or_decoy(
    account: CitizenAccount | None, *, purpose: str, submitted: str, decoy: Decoy
) -> CitizenAccount:
    if account is None:
        decoy.check()
    assert account is not None
    verify_code(account, purpose=purpose, submitted=submitted)
    return account


def activate(
    document_type: str, document_number: str, *, submitted: str, decoy: Decoy
) -> CitizenAccount:
    """Confirm the email with the activation code; the person then chooses a password.

    Raises CodeError. Outside a transaction: wrong attempts must stay counted.
    """
    account = account_for_document(document_type, document_number)
    if account is not None and account.is_activated:
        account = None  # nothing to activate: answer as for an unknown document
    account = _check_or_decoy(
        account, purpose=CodePurpose.ACTIVATION, submitted=submitted, decoy=decoy
    )
    with transaction.atomic():
        account.email_confirmed_at = timezone.now()
        account.save(update_fields=["email_confirmed_at"])
        User.objects.filter(pk=account.user_id).update(is_active=True)
        account.user.is_active = True
        link_registrant(account)
    return account


def set_password(account: CitizenAccount, *, password: str) -> None:
    """Choose a password (NIST SP 800-63B: length and a common-password list, no other rules).

    Raises django.core.exceptions.ValidationError with the validators' Spanish messages.
    """
    if not account.is_activated:
        raise DomainError(_("Active primero la cuenta con el código que le enviamos."))
    user = account.user
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])


def request_recovery(document_type: str, document_number: str) -> None:
    """Email a recovery code if the document has an active account; otherwise do nothing."""
    account = account_for_document(document_type, document_number)
    if account is None or not account.is_activated:
        return
    with transaction.atomic():
        _send_code(account, purpose=CodePurpose.RECOVERY)


def verify_recovery(
    document_type: str, document_number: str, *, submitted: str, decoy: Decoy
) -> CitizenAccount:
    """Check the recovery code (raises CodeError); the person then sets a new password."""
    account = account_for_document(document_type, document_number)
    if account is not None and not account.is_activated:
        account = None
    return _check_or_decoy(account, purpose=CodePurpose.RECOVERY, submitted=submitted, decoy=decoy)


def complete_recovery(account: CitizenAccount, *, password: str) -> None:
    """Set the new password, lift the sign-in wait for the document and tell the owner."""
    from portal.tasks import send_password_changed_notice

    with transaction.atomic():
        set_password(account, password=password)
        send_password_changed_notice.delay_on_commit(account.pk)
    throttle.reset(
        throttle.LOGIN_PER_DOCUMENT, document_key(account.document_type_id, account.document_number)
    )


def _throttled_message() -> str:
    minutes = throttle.minutes_left()
    return ngettext(
        "Hubo demasiados intentos fallidos de ingreso. Espere %(minutes)s minuto o use "
        "«Olvidé mi contraseña» para entrar de inmediato.",
        "Hubo demasiados intentos fallidos de ingreso. Espere %(minutes)s minutos o use "
        "«Olvidé mi contraseña» para entrar de inmediato.",
        minutes,
    ) % {"minutes": minutes}


def authenticate_citizen(
    document_type: str,
    document_number: str,
    *,
    password: str,
    ip_address: str,
    user_agent: str = "",
) -> User:
    """Check the document and password, counting failures per document and per address.

    Each attempt is counted before the password is checked, so parallel guesses cannot get
    past the limit; a success gives its count back. Raises InvalidCredentials or Throttled with
    messages that read the same whether or not the document has an account.
    """
    key = document_key(document_type, document_number)
    by_document = throttle.hit(throttle.LOGIN_PER_DOCUMENT, key)
    by_address = throttle.hit(throttle.LOGIN_PER_ADDRESS, ip_address)
    if (
        by_document > throttle.LOGIN_PER_DOCUMENT.max_hits
        or by_address > throttle.LOGIN_PER_ADDRESS.max_hits
    ):
        raise Throttled(_throttled_message())
    account = account_for_document(document_type, document_number)
    if account is None:
        make_password(password)  # same cost as a real check: timing tells nothing
        raise InvalidCredentials(_("El documento o la contraseña no son correctos."))
    user = account.user
    ok = user.is_active and user.check_password(password)
    SignIn.objects.create(
        account=account, succeeded=ok, ip_address=ip_address, user_agent=user_agent[:300]
    )
    if not ok:
        raise InvalidCredentials(_("El documento o la contraseña no son correctos."))
    throttle.reset(throttle.LOGIN_PER_DOCUMENT, key)
    throttle.release(throttle.LOGIN_PER_ADDRESS, ip_address)
    link_registrant(account)
    return user


def link_registrant(account: CitizenAccount) -> bool:
    """Tie the account to the RUT of its document when the RUT's email is the confirmed one.

    The email registered in the RUT is the proof that this person controls that record; without
    it the person is guided to an assisted appointment (DIAN bulletin 2022, case 8).
    """
    if account.registrant_id is not None or not account.is_activated:
        return False
    registrant = registrant_by_document(account.document_type_id, account.document_number)
    if registrant is None or not registrant.email:
        return False
    if registrant.email.strip().lower() != account.email.lower():
        return False
    if CitizenAccount.objects.filter(registrant=registrant).exists():
        return False
    account.registrant = registrant
    account.save(update_fields=["registrant"])
    return True


# --- Contact data of the account ------------------------------------------------------------


def request_email_change(account: CitizenAccount, *, new_email: str) -> None:
    """Email a code to the new address; it changes only when that code comes back."""
    new_email = new_email.strip().lower()
    if new_email == account.email.lower():
        raise DomainError(_("Ese ya es su correo electrónico."), field="email")
    with transaction.atomic():
        if not _send_code(account, purpose=CodePurpose.EMAIL_CHANGE, context=new_email):
            raise TooManyCodes(
                _("Ya le enviamos varios códigos en la última hora; espere un momento.")
            )


def confirm_email_change(account: CitizenAccount, *, new_email: str, submitted: str) -> None:
    """Raises CodeError; call outside a transaction."""
    from portal.tasks import send_email_changed_notice

    new_email = new_email.strip().lower()
    verify_code(account, purpose=CodePurpose.EMAIL_CHANGE, submitted=submitted, context=new_email)
    with transaction.atomic():
        old = account.email
        account.email = new_email
        account.email_confirmed_at = timezone.now()
        account.save(update_fields=["email", "email_confirmed_at"])
        User.objects.filter(pk=account.user_id).update(email=new_email)
        send_email_changed_notice.delay_on_commit(account.pk, old)
        link_registrant(account)


def request_mobile_change(account: CitizenAccount, *, new_mobile: str) -> None:
    """Email a code to the account's confirmed address to authorise the new mobile number.

    There is no SMS gateway: the code proves the owner of the account wants the change.
    """
    new_mobile = new_mobile.strip()
    if new_mobile == account.mobile:
        raise DomainError(_("Ese ya es su número de celular."), field="mobile")
    with transaction.atomic():
        if not _send_code(account, purpose=CodePurpose.MOBILE_CHANGE, context=new_mobile):
            raise TooManyCodes(
                _("Ya le enviamos varios códigos en la última hora; espere un momento.")
            )


def confirm_mobile_change(account: CitizenAccount, *, new_mobile: str, submitted: str) -> None:
    """Raises CodeError; call outside a transaction."""
    new_mobile = new_mobile.strip()
    verify_code(account, purpose=CodePurpose.MOBILE_CHANGE, submitted=submitted, context=new_mobile)
    account.mobile = new_mobile
    account.mobile_confirmed_at = timezone.now()
    account.save(update_fields=["mobile", "mobile_confirmed_at"])


def citizen_account_of(user: User | AnonymousUser | None) -> CitizenAccount | None:
    """The user's account with its RUT, read once per request (cached on the user object, where
    `user.citizen_account` finds it too); None for anyone else."""
    if user is None or not user.is_authenticated:
        return None
    relation = CitizenAccount.user.field.remote_field  # user.citizen_account's cache
    if not relation.is_cached(user):
        found = CitizenAccount.objects.select_related("registrant").filter(user=user).first()
        relation.set_cached_value(user, found)
    account = relation.get_cached_value(user)
    return account if isinstance(account, CitizenAccount) else None
