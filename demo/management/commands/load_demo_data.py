from django.core.management.base import BaseCommand

from demo.portal import load_demo_citizen
from demo.procedures import load_demo_cases
from demo.registry import DEMO_PASSWORD, load_demo_data
from open_data.services.statistics import publish_statistics


class Command(BaseCommand):
    help = (
        "Carga datos de demostración: usuarios de cada rol, inscritos de todas las clases en "
        "estados variados y la cuenta de Mi RUT de un ciudadano, a través de los servicios "
        "reales. Se puede ejecutar varias veces."
    )

    def handle(self, *args: object, **options: object) -> None:
        result = load_demo_data()
        cases = load_demo_cases()
        citizen = load_demo_citizen(password=DEMO_PASSWORD)
        # Figures derived from the data above, so /estadisticas/ has something to show before
        # beat's first run (refreshed on every load: it writes no registry data).
        statistics = publish_statistics()
        if cases:
            self.stdout.write(self.style.SUCCESS(f"Trámites de demostración creados: {cases}"))
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Inscritos creados: {len(result.created)}"))
            for state, count in sorted(result.states.items()):
                self.stdout.write(f"  {state}: {count}")
        if result.skipped:
            self.stdout.write(f"Inscritos que ya estaban cargados (sin cambios): {result.skipped}")
        if (
            not result.created
            and not citizen.created
            and not any(created for _user, created in result.users)
        ):
            self.stdout.write(
                self.style.SUCCESS(
                    "Los datos de demostración ya estaban cargados; no se cambió nada."
                )
            )
        self.stdout.write(
            f"Estadísticas abiertas publicadas en /estadisticas/ "
            f"({statistics.case_figures} cifras de trámites)."
        )
        existed = "  (ya existía: su contraseña no se cambió)"
        self.stdout.write(f"\nUsuarios de demostración (contraseña {DEMO_PASSWORD}):")
        self.stdout.write("  En /admin/ (funcionarios y superusuario), con su usuario:")
        for user, created in result.users:
            note = "" if created else existed
            self.stdout.write(f"    {user.username:<22} {user.role_label}{note}")
        self.stdout.write("  En /mi-rut/ (ciudadano), con su tipo y número de documento:")
        note = "" if citizen.created else existed
        self.stdout.write(
            f"    {citizen.document_type} {citizen.document_number}: {citizen.name}{note}"
        )
