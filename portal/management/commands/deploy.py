from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from portal.services.appointments import sweep
from rut_portal.database_roles import grant_application_role


class Command(BaseCommand):
    help = (
        "The deploy step, run once per deploy as the schema's owner (docker-compose's `migrate` "
        "service): migrate, grant the application role (DATABASE_APP_ROLE) its privileges, "
        "load the reference tables and open the videoatención agenda, so a fresh deployment "
        "has slots before beat's first run. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, stdout=self.stdout)
        if settings.DATABASE_APP_ROLE and connection.vendor == "postgresql":
            tables = grant_application_role(settings.DATABASE_APP_ROLE)
            self.stdout.write(
                f"role {settings.DATABASE_APP_ROLE}: rows of every table; INSERT and SELECT only "
                f"on {', '.join(tables)}"
            )
        call_command("load_reference_data", stdout=self.stdout)
        self.stdout.write("slots opened: {slots_opened}".format(**sweep()))
