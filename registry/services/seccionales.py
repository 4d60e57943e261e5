"""The seccional's own configuration: who signs its communications and formats."""

from __future__ import annotations

from django.db import transaction

from registry.models import Seccional


@transaction.atomic
def set_signer(seccional: Seccional, *, name: str, position: str) -> Seccional:
    """Record who signs for the seccional (the admin logs who changed it, and from what)."""
    seccional = Seccional.objects.select_for_update().get(pk=seccional.pk)
    seccional.signer_name = " ".join(name.split())
    seccional.signer_position = " ".join(position.split())
    seccional.save(update_fields=["signer_name", "signer_position"])
    return seccional
