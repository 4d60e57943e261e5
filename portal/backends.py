"""The authentication backend: Django's ModelBackend, whose user comes with its citizen account.

Every signed-in request loads its user; the portal's pages then read the citizen account and
its RUT (portal.services.accounts.citizen_account_of). Here the three come from one statement,
compiled once per process (rut_portal.prepared): a LEFT JOIN that finds no account for an
official, whose `user.citizen_account` then raises as it always did, without a query.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User

from portal.models import CitizenAccount
from registry.models import Registrant
from rut_portal.prepared import Prepared, attnames, instance

_USER = -2460  # stand-in for the key: no user has a negative one

_USER_COLUMNS = attnames(User)
_ACCOUNT_COLUMNS = attnames(CitizenAccount)
_REGISTRANT_COLUMNS = attnames(Registrant)

_USER_WITH_ACCOUNT = Prepared(
    lambda pk: User.objects.filter(pk=pk).values_list(
        *_USER_COLUMNS,
        *(f"citizen_account__{name}" for name in _ACCOUNT_COLUMNS),
        *(f"citizen_account__registrant__{name}" for name in _REGISTRANT_COLUMNS),
    ),
    _USER,
)


def user_with_account(pk: int) -> User | None:
    """The user, with `citizen_account` (and its `registrant`) loaded, or None."""
    rows = _USER_WITH_ACCOUNT.rows(pk)
    if not rows:
        return None
    row = rows[0]
    users, accounts = len(_USER_COLUMNS), len(_USER_COLUMNS) + len(_ACCOUNT_COLUMNS)
    user = instance(User, _USER_COLUMNS, row[:users])
    account = None
    if row[users] is not None:  # the account's id
        account = instance(CitizenAccount, _ACCOUNT_COLUMNS, row[users:accounts])
        registrant = None
        if row[accounts] is not None:
            registrant = instance(Registrant, _REGISTRANT_COLUMNS, row[accounts:])
            CitizenAccount.registrant.field.remote_field.set_cached_value(registrant, account)
        CitizenAccount.registrant.field.set_cached_value(account, registrant)
        CitizenAccount.user.field.set_cached_value(account, user)
    CitizenAccount.user.field.remote_field.set_cached_value(user, account)
    return user


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = user_with_account(int(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None
