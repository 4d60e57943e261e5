"""Creating officials with their role, group and seccional."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction

from accounts.models import ROLE_GROUPS, OfficialProfile, Role


@transaction.atomic
def create_official(
    *,
    username: str,
    password: str,
    role: str,
    seccional: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """A staff user in the role's group, tied to its seccional (central level: none)."""
    user = User.objects.create_user(
        username=username,
        password=password,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    OfficialProfile.objects.create(
        user=user, role=role, seccional_id=None if role == Role.CENTRAL else seccional
    )
    return user
