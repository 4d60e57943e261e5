"""Issue a new API token for an entity (the secret is printed once; only its hash is kept)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agreements.models import AgreementEntity
from agreements.services import issue_token


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("entity_id", type=int)
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        entity = AgreementEntity.objects.filter(pk=options["entity_id"]).first()
        if entity is None:
            raise CommandError("No existe esa entidad.")
        token, raw = issue_token(entity, name=options["name"])
        self.stdout.write(f"Token {token.prefix}… de {entity.name}: {raw}")
