from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MassChangesConfig(AppConfig):
    name = "mass_changes"
    verbose_name = _("Cambios masivos")
