"""Create an entity with an agreement and print its first API token (shown only once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agreements.models import EntityKind, Scope
from agreements.services import QUERYABLE_FIELDS, create_agreement_entity, issue_token
from rut_portal.errors import DomainError


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--kind", required=True, choices=EntityKind.values)
        parser.add_argument("--scope", action="append", default=[], choices=Scope.values)
        parser.add_argument(
            "--field", action="append", default=[], choices=sorted(QUERYABLE_FIELDS)
        )
        parser.add_argument("--email", default="")
        parser.add_argument("--nit", default="")
        parser.add_argument("--agreement-number", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            entity = create_agreement_entity(
                name=options["name"],
                kind=options["kind"],
                scopes=options["scope"],
                allowed_fields=options["field"],
                email=options["email"],
                nit=options["nit"],
                agreement_number=options["agreement_number"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        _token, raw = issue_token(entity, name="inicial")
        self.stdout.write(f"Entidad {entity.pk}: {entity.name}")
        self.stdout.write(f"Token (se muestra una sola vez): {raw}")
