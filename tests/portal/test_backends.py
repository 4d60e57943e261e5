"""The signed-in user comes with their citizen account and RUT, or their official profile, in one
statement, and their permissions in one more (portal.backends.AccountBackend)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User

from accounts.models import OfficialProfile
from accounts.scope import is_central, seccional_of
from portal.backends import AccountBackend
from portal.models import CitizenAccount
from portal.services.accounts import citizen_account_of
from registry.models import Registrant
from tests.factories import make_natural

pytestmark = pytest.mark.django_db


def _columns(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_a_citizens_user_account_and_rut_come_in_one_statement(
    account, django_assert_num_queries
) -> None:
    registrant = make_natural(document_number=account.document_number, email=account.email)
    CitizenAccount.objects.filter(pk=account.pk).update(registrant=registrant)

    with django_assert_num_queries(1):
        user = AccountBackend().get_user(account.user_id)
        found = citizen_account_of(user)
        assert found is not None and found.registrant is not None
        assert found.registrant.citizen_account is found and found.user is user

    assert _columns(user) == _columns(User.objects.get(pk=account.user_id))
    assert _columns(found) == _columns(CitizenAccount.objects.get(pk=account.pk))
    assert _columns(found.registrant) == _columns(Registrant.objects.get(pk=registrant.pk))


def test_an_account_without_rut_has_none(account, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        found = citizen_account_of(AccountBackend().get_user(account.user_id))
        assert found is not None and found.pk == account.pk
        assert found.registrant is None


def test_an_officials_user_has_no_account_and_costs_no_second_statement(
    official, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):
        user = AccountBackend().get_user(official.pk)
        assert user == official
        assert citizen_account_of(user) is None
        assert not hasattr(user, "citizen_account")


def test_an_officials_profile_comes_with_their_user(official, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        user = AccountBackend().get_user(official.pk)
        assert user is not None
        assert seccional_of(user) == "32" and not is_central(user)
        assert user.official_profile.user is user

    assert _columns(user.official_profile) == _columns(OfficialProfile.objects.get(user=official))


def test_a_citizen_has_no_official_profile_and_asks_for_none(
    account, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):
        user = AccountBackend().get_user(account.user_id)
        assert not hasattr(user, "official_profile")
        assert seccional_of(user) is None


def test_the_permissions_of_the_user_and_of_their_groups_come_in_one_statement(
    official, django_assert_num_queries
) -> None:
    own = Permission.objects.get(codename="delete_user")
    official.user_permissions.add(own)
    user = AccountBackend().get_user(official.pk)
    assert user is not None
    of_groups = Permission.objects.filter(group__user=official)
    expected = {f"{p.content_type.app_label}.{p.codename}" for p in [*of_groups, own]}

    with django_assert_num_queries(1):  # once for the request: the user keeps them
        assert AccountBackend().get_all_permissions(user) == expected
        assert user.has_perm("auth.delete_user")
        assert user.has_perm("procedures.view_case")
        assert not user.has_perm("procedures.approve_cancellation")
        assert user.has_module_perms("procedures")


def test_an_unknown_or_inactive_user_is_nobody(account) -> None:
    User.objects.filter(pk=account.user_id).update(is_active=False)

    assert AccountBackend().get_user(account.user_id) is None
    assert AccountBackend().get_user(0) is None
