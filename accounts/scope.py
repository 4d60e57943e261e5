"""Object-level scope: an official acts on the cases and inscritos of their own seccional."""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model, QuerySet

from accounts.models import OfficialProfile, Role

M = TypeVar("M", bound=Model)


def profile_of(user: User | AnonymousUser | None) -> OfficialProfile | None:
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.official_profile
    except OfficialProfile.DoesNotExist:
        return None


def is_central(user: User | AnonymousUser | None) -> bool:
    profile = profile_of(user)
    return bool(getattr(user, "is_superuser", False)) or (
        profile is not None and profile.role == Role.CENTRAL
    )


def seccional_of(user: User | AnonymousUser | None) -> str | None:
    profile = profile_of(user)
    return profile.seccional_id if profile else None


def can_act_in(user: User | AnonymousUser | None, seccional_code: str) -> bool:
    """Central level and superusers act everywhere; officials only in their seccional."""
    return is_central(user) or seccional_of(user) == seccional_code


def scope_to_seccional(
    queryset: QuerySet[M], user: User | AnonymousUser | None, *, field: str = "seccional_id"
) -> QuerySet[M]:
    """The rows an official may list: their seccional's (``field`` names it); central: all."""
    if is_central(user):
        return queryset
    code = seccional_of(user)
    return queryset.filter(**{field: code}) if code else queryset.none()
