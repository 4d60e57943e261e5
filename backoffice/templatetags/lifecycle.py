"""{% lifecycle_diagram obj %}: the state machine of a case or an inscrito, its state marked."""

from __future__ import annotations

from django import template
from django.db import models

from backoffice.lifecycle import Lifecycle, lifecycle

register = template.Library()


@register.inclusion_tag("admin/_lifecycle.html")
def lifecycle_diagram(obj: models.Model) -> dict[str, Lifecycle]:
    return {"lifecycle": lifecycle(type(obj), str(obj.state))}  # type: ignore[attr-defined]
