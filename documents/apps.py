from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documentos oficiales")

    def ready(self) -> None:
        # Register the deployment check of SITE_URL.
        from documents import checks  # noqa: F401
