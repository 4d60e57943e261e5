from django.core.management.base import BaseCommand

from registry.reference import load_reference_data


class Command(BaseCommand):
    help = "Carga o actualiza las tablas de referencia (DIVIPOLA, CIIU, casilla 53, seccionales)."

    def handle(self, *args: object, **options: object) -> None:
        for table, count in load_reference_data().items():
            self.stdout.write(f"{table}: {count}")
