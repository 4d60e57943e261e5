from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documentos oficiales")

    def ready(self) -> None:
        # The deployment check of SITE_URL; each new Formulario 001 version rendered ahead.
        from documents import checks, signals  # noqa: F401
