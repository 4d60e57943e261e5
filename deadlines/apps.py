from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("Términos legales")

    def ready(self) -> None:
        # Register the built-in actions and the configuration check.
        from deadlines import actions, checks  # noqa: F401
