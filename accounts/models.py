"""Who works in the registry: DIAN officials, their seccional and role."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import Seccional


class Role(models.TextChoices):
    OFFICIAL = "official", _("Funcionario de seccional")
    DIRECTOR = "director", _("Director seccional")
    CENTRAL = "central", _("Nivel central")


# Group name for each role; the groups and their permissions are created by migration 0002.
ROLE_GROUPS: dict[str, str] = {
    Role.OFFICIAL: "Funcionario",
    Role.DIRECTOR: "Director seccional",
    Role.CENTRAL: "Nivel central",
}


class OfficialProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="official_profile"
    )
    role = models.CharField(_("rol"), max_length=10, choices=Role.choices)
    seccional = models.ForeignKey(
        Seccional,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        verbose_name=_("seccional"),
    )

    class Meta:
        verbose_name = _("funcionario")
        verbose_name_plural = _("funcionarios")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="central") | models.Q(seccional__isnull=False),
                name="seccional_roles_have_seccional",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
