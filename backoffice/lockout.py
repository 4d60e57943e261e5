"""What django-axes counts officials' sign-in attempts by (AXES_USERNAME_CALLABLE)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest

USERNAME_MAX = User._meta.get_field("username").max_length or 150


def attempted_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The typed username, cut to the longest a username can be.

    No account has a longer name, and axes stores it in a 255-character column: an overlong
    name typed at /admin/login/ was a 500 (found by the attack campaign). Cut, it still counts
    towards the lock like any other wrong attempt.
    """
    source: Any = credentials if credentials else request.POST
    return str(source.get("username") or "")[:USERNAME_MAX]
