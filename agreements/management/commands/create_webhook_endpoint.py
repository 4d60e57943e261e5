"""Register a webhook URL for an entity; its signing secret is printed once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agreements.models import AgreementEntity
from agreements.webhooks import create_webhook_endpoint
from rut_portal.errors import DomainError


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("entity_id", type=int)
        parser.add_argument("url")
        parser.add_argument(
            "--from-start",
            action="store_true",
            help="Enviar también los eventos anteriores (todo el registro de cambios).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        entity = AgreementEntity.objects.filter(pk=options["entity_id"]).first()
        if entity is None:
            raise CommandError("No existe esa entidad.")
        try:
            endpoint, secret = create_webhook_endpoint(
                entity, url=options["url"], from_start=options["from_start"]
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Webhook {endpoint.pk} de {entity.name}: {endpoint.url}")
        self.stdout.write(f"Secreto de firma (se muestra una sola vez): {secret}")
