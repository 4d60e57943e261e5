"""Publish the open statistics once, here and now, without Celery beat (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from open_data.services.statistics import publish_statistics


class Command(BaseCommand):
    help = (
        "Calcula y publica las estadísticas abiertas de /estadisticas/ (lo mismo que Celery beat "
        "ejecuta periódicamente). Reemplaza la publicación anterior."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        publication = publish_statistics()
        levels = ", ".join(f"{level}: {n}" for level, n in publication.levels.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Estadísticas publicadas en {publication.snapshot.seconds:.2f} s: "
                f"{publication.case_figures} cifras de trámites ({levels}) y "
                f"{publication.registrant_figures} de inscritos."
            )
        )
