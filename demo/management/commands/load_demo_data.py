import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from demo.portal import book_demo_appointment, load_demo_citizen
from demo.procedures import load_demo_cases
from demo.registry import DEMO_PASSWORD, load_demo_data
from open_data.services.statistics import publish_statistics


class Command(BaseCommand):
    help = (
        "Carga datos de demostración: usuarios de cada rol, inscritos de todas las clases en "
        "estados variados y la cuenta de Mi RUT de un ciudadano, a través de los servicios "
        "reales. Se puede ejecutar varias veces."
    )

    def handle(self, *args: object, **options: Any) -> None:
        verbose = options["verbosity"] >= 2
        with quiet_unless(verbose):
            self.progress(verbose, "Cargando inscritos y usuarios de demostración...")
            result = load_demo_data()
            self.progress(verbose, "Cargando trámites de demostración...")
            cases = load_demo_cases()
            self.progress(verbose, "Cargando la cuenta de Mi RUT del ciudadano...")
            citizen = load_demo_citizen(password=DEMO_PASSWORD)
            self.progress(verbose, "Reservando la cita de videoatención del ciudadano...")
            appointment = book_demo_appointment()
            # Figures derived from the data above, so /estadisticas/ has something to show before
            # beat's first run (refreshed on every load: it writes no registry data).
            self.progress(verbose, "Publicando las estadísticas abiertas...")
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
            and not (appointment and appointment.created)
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
        if appointment is None:
            self.stdout.write(
                "  Su cita de videoatención no se reservó: la agenda no tiene cupos o él ya "
                "tiene el máximo de citas pendientes."
            )
        else:
            note = "" if appointment.created else "  (ya estaba reservada)"
            self.stdout.write(
                f"  Su cita de videoatención, {appointment.starts_at:%Y-%m-%d %H:%M} en la "
                f"{appointment.seccional}: en la agenda de funcionario.bogota "
                f"(/admin/portal/appointment/) para iniciar el trámite desde ella.{note}"
            )

    def progress(self, verbose: bool, message: str) -> None:
        if verbose:
            self.stdout.write(message)


CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"


@contextmanager
def quiet_unless(verbose: bool) -> Iterator[None]:
    """Below verbosity 2 the demo's side effects stay off the terminal: the e-mails the console
    backend would print are discarded, and the log lines of the tasks run in-process (rendered
    PDFs, "Task ... succeeded") are muted. Errors are still logged."""
    if verbose:
        yield
        return
    backend = settings.EMAIL_BACKEND
    if backend == CONSOLE_EMAIL_BACKEND:
        backend = "django.core.mail.backends.dummy.EmailBackend"
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND=backend):
            yield
    finally:
        logging.disable(previous)
