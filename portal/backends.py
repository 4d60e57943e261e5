"""The authentication backend: Django's ModelBackend, whose user comes with its citizen account.

Every signed-in request loads its user; the portal's pages then read the citizen account and
its RUT (portal.services.accounts.citizen_account_of). Here the three come from one statement,
compiled once per process (rut_portal.prepared): a LEFT JOIN that finds no account for an
official, whose `user.citizen_account` then raises as it always did, without a query. An
official's profile (their role and seccional, read by every admin page through accounts.scope)
comes in the same statement; a citizen's `user.official_profile` raises without a query.

An official's admin page asks for their permissions (ModelBackend reads those given to the
user and those of their groups, two statements compiled per request): here both come from one
prepared statement, read once per request and kept on the user as ModelBackend keeps them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User
from django.db.models import Q

from accounts.models import OfficialProfile
from portal.models import CitizenAccount
from registry.models import Registrant
from rut_portal.prepared import Prepared, attnames, instance

_USER = -2460  # stand-in for the key: no user has a negative one

_USER_COLUMNS = attnames(User)
_ACCOUNT_COLUMNS = attnames(CitizenAccount)
_REGISTRANT_COLUMNS = attnames(Registrant)
_PROFILE_COLUMNS = attnames(OfficialProfile)

_USER_WITH_ACCOUNT = Prepared(
    lambda pk: User.objects.filter(pk=pk).values_list(
        *_USER_COLUMNS,
        *(f"citizen_account__{name}" for name in _ACCOUNT_COLUMNS),
        *(f"citizen_account__registrant__{name}" for name in _REGISTRANT_COLUMNS),
        *(f"official_profile__{name}" for name in _PROFILE_COLUMNS),
    ),
    _USER,
)

# The permissions given to the user, and those of the user's groups.
_PERMISSIONS = Prepared(
    lambda pk: Permission.objects.filter(
        Q(pk__in=User.user_permissions.through.objects.filter(user_id=pk).values("permission_id"))
        | Q(pk__in=Group.permissions.through.objects.filter(group__user=pk).values("permission_id"))
    ).values_list("content_type__app_label", "codename"),
    _USER,
)


def user_with_account(pk: int) -> User | None:
    """The user, with `citizen_account` (and its `registrant`) and `official_profile` loaded,
    or None."""
    rows = _USER_WITH_ACCOUNT.rows(pk)
    if not rows:
        return None
    row = rows[0]
    users, accounts = len(_USER_COLUMNS), len(_USER_COLUMNS) + len(_ACCOUNT_COLUMNS)
    registrants = accounts + len(_REGISTRANT_COLUMNS)
    user = instance(User, _USER_COLUMNS, row[:users])
    account = None
    if row[users] is not None:  # the account's id
        account = instance(CitizenAccount, _ACCOUNT_COLUMNS, row[users:accounts])
        registrant = None
        if row[accounts] is not None:
            registrant = instance(Registrant, _REGISTRANT_COLUMNS, row[accounts:registrants])
            CitizenAccount.registrant.field.remote_field.set_cached_value(registrant, account)
        CitizenAccount.registrant.field.set_cached_value(account, registrant)
        CitizenAccount.user.field.set_cached_value(account, user)
    CitizenAccount.user.field.remote_field.set_cached_value(user, account)
    profile = None
    if row[registrants] is not None:  # the profile's id
        profile = instance(OfficialProfile, _PROFILE_COLUMNS, row[registrants:])
        OfficialProfile.user.field.set_cached_value(profile, user)
    OfficialProfile.user.field.remote_field.set_cached_value(user, profile)
    return user


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = user_with_account(int(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """As ModelBackend's (kept on the user for the request), in one statement."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj)
        if not hasattr(user_obj, "_perm_cache"):
            rows = _PERMISSIONS.rows(user_obj.pk)
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache  # type: ignore[no-any-return]
