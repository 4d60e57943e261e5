"""Object-level scope: an official acts on the cases and inscritos of their own seccional."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from accounts.models import OfficialProfile, Role


def profile_of(user: AbstractBaseUser | AnonymousUser | None) -> OfficialProfile | None:
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.official_profile  # type: ignore[union-attr]
    except OfficialProfile.DoesNotExist:
        return None


def is_central(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    profile = profile_of(user)
    return bool(getattr(user, "is_superuser", False)) or (
        profile is not None and profile.role == Role.CENTRAL
    )


def seccional_of(user: AbstractBaseUser | AnonymousUser | None) -> str | None:
    profile = profile_of(user)
    return profile.seccional_id if profile else None


def can_act_in(user: AbstractBaseUser | AnonymousUser | None, seccional_code: str) -> bool:
    """Central level and superusers act everywhere; officials only in their seccional."""
    return is_central(user) or seccional_of(user) == seccional_code
