from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from procedures.diagrams import lifecycle_document


class Command(BaseCommand):
    help = "Escribe docs/lifecycle.md con los diagramas de estados (Mermaid) de inscrito y trámite."

    def handle(self, *args: object, **options: object) -> None:
        target = Path(settings.BASE_DIR) / "docs" / "lifecycle.md"
        target.write_text(lifecycle_document(), encoding="utf-8")
        self.stdout.write(str(target))
