"""System checks of the deadlines app: the configured closing days must be real dates."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from rut_portal.business_days import extra_non_business_days


@register()
def check_extra_non_business_days(**kwargs: Any) -> list[CheckMessage]:
    try:
        extra_non_business_days(tuple(getattr(settings, "EXTRA_NON_BUSINESS_DAYS", ())))
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="deadlines.E001")]
    return []
