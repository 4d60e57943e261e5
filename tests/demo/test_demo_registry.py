from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import OfficialProfile, Role
from demo.registry import DEMO_PASSWORD, DEMO_USERS
from portal.models import CitizenAccount
from registry.models import (
    AuditEntry,
    FormVersion,
    Registrant,
    RegistrantKind,
    SeccionalAssignment,
)

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "registrants": Registrant.objects.count(),
        "form_versions": FormVersion.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
        "users": User.objects.count(),
        "citizen_accounts": CitizenAccount.objects.count(),
    }


def test_the_demo_has_inscritos_of_every_kind_in_every_state() -> None:
    output = _load()

    kinds = set(Registrant.objects.values_list("kind", flat=True))
    states = set(Registrant.objects.values_list("state", flat=True))
    assert kinds == set(RegistrantKind.values)
    assert states == set(Registrant.State.values)
    assert 40 <= Registrant.objects.count() <= 80
    assert f"Inscritos creados: {Registrant.objects.count()}" in output
    # Only pre-inscriptions lack a NIT; every NIT is unique and carries its DV.
    assert not Registrant.objects.exclude(state="pre_registered").filter(nit__isnull=True).exists()
    assert not Registrant.objects.filter(state="pre_registered", nit__isnull=False).exists()


def test_the_demo_leaves_the_history_the_services_write() -> None:
    _load()

    camila = Registrant.objects.get(document_number="1020734561")
    assert camila.revision == 3  # two actualizaciones
    assert list(camila.form_versions.values_list("concept", flat=True)) == ["00", "01", "02", "02"]
    assert list(
        SeccionalAssignment.objects.filter(registrant=camila).values_list("seccional_id", flat=True)
    ) == ["32", "11"]
    lapsed = Registrant.objects.filter(state=Registrant.State.LAPSED).first()
    assert lapsed is not None
    assert lapsed.audit_entries.filter(action="lapse_provisional_nit").exists()
    cancelled = Registrant.objects.filter(state=Registrant.State.CANCELLED).first()
    assert cancelled is not None
    entry = cancelled.audit_entries.get(action="cancel")
    assert entry.actor is not None and entry.reason
    consortium = Registrant.objects.get(business_name="CONSORCIO VIAL ANDINO 2025")
    member_nits = set(consortium.partners.values_list("nit", flat=True))
    assert member_nits == set(
        Registrant.objects.filter(
            business_name__in=[
                "CONSTRUCTORA MONTAÑA VERDE S.A.",
                "SOLUCIONES DIGITALES DEL CARIBE S.A.S.",
            ]
        ).values_list("nit", flat=True)
    )


def test_a_second_run_changes_nothing_and_says_so() -> None:
    _load()
    before = _counts()

    output = _load()

    assert _counts() == before
    assert "ya estaban cargados; no se cambió nada" in output


def test_every_demo_official_exists_with_its_role_and_can_log_in_to_the_admin() -> None:
    output = _load()

    assert DEMO_PASSWORD in output
    assert "En /admin/ (funcionarios y superusuario), con su usuario:" in output
    for spec in DEMO_USERS:
        assert spec.username in output
        client = Client()
        # Through the sign-in form: django-axes checks every attempt against its request.
        signed_in = client.post(
            reverse("admin:login"), {"username": spec.username, "password": DEMO_PASSWORD}
        )
        assert signed_in.status_code == 302, spec.username
        assert client.get(reverse("admin:index")).status_code == 200, spec.username
    assert User.objects.get(username="admin").is_superuser
    profiles = set(OfficialProfile.objects.values_list("role", "seccional_id"))
    assert profiles == {
        (Role.OFFICIAL, "32"),
        (Role.OFFICIAL, "11"),
        (Role.DIRECTOR, "32"),
        (Role.DIRECTOR, "11"),
        (Role.CENTRAL, None),
    }
