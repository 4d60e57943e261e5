from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Cuentas y funcionarios")

    def ready(self) -> None:
        import rut_portal.checks  # noqa: F401  (registers the deployment checks)
        from accounts.roles import ensure_role_groups

        # After auth has created the permissions of every app (accounts is listed last).
        post_migrate.connect(ensure_role_groups, sender=self, dispatch_uid="ensure_role_groups")
