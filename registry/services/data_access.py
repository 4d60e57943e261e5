"""Data protection policy: the log of who looked at an inscrito's personal data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.models import DataAccessLog, Registrant

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def log_data_access(*, user: User, registrant: Registrant, what: str) -> DataAccessLog:
    """Data protection policy: record who looked at an inscrito's personal data, and what."""
    return DataAccessLog.objects.create(user=user, registrant=registrant, what=what[:200])
