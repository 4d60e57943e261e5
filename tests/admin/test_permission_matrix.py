"""Each role × each action × a case of their own seccional or of another one.

The cell says what the HTTP response is and whether the case changed. A refusal changes nothing:
the case, its timeline, its documents and the inscrito stay as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.services import create_official
from mass_changes.models import MassChange
from procedures.models import Case, Cause, Mode
from procedures.services.ex_officio import UpdateGrounds, start_ex_officio_update
from procedures.services.processing import grant_case
from registry.models import Registrant
from registry.validation import data_from_registrant
from tests.admin.conftest import (
    OTHER,
    OWN,
    assisted_inscription,
    cancellation,
    case_snapshot,
    client_for,
    desk_update_in_process,
    reactivation,
    registrant_in,
    registration_post,
    suspension_in_process,
    update_post,
    user_update_in_process,
)
from tests.factories import pdf_upload

pytestmark = pytest.mark.django_db

ROLES = ["official", "director", "central", "superuser", "citizen"]
ALLOWED, REFUSED, LOGIN = "allowed", "refused", "login"


def _action(case: Case, key: str) -> str:
    return reverse("admin:procedures_case_action", args=[case.pk, key])


@dataclass(frozen=True)
class Cell:
    """How to set a case up for the action and how to ask for it."""

    setup: Callable[[Any, str], Case]
    ask: Callable[[Client, Case, Any], Any]
    needs: str = "process"  # "process", "approve" or "assign": what officials lack or have
    writes: bool = True


def _post(key: str, data: Callable[[Case, Any], dict[str, Any]] | None = None) -> Any:
    return lambda client, case, cast: client.post(
        _action(case, key), data(case, cast) if data else {}
    )


def _assign_target(case: Case, cast: Any) -> dict[str, Any]:
    to = cast.other_official if case.seccional_id == OWN else cast.official_of_other_seccional
    return {"to": to.pk, "reason": "Reparto"}


def _identification_change(case: Case, cast: Any) -> dict[str, Any]:
    """Formato 1767 at the desk: a new surname (art. 13), the rest of the record as it is."""
    registrant = case.registrant
    assert registrant is not None
    return {
        "first_surname": "NUEVO",
        "first_name": registrant.first_name,
        "document_type": registrant.document_type_id,
        "document_number": registrant.document_number,
        "country": registrant.country,
        "department": registrant.department_id,
        "municipality": registrant.municipality_id,
        "address": registrant.address,
        "email": registrant.email,
        "responsibilities": ["05"],
        "facts": "Corrección del apellido.",
        "evidence": "Copia de la cédula.",
        "authorized_by": "Jefe GIT Registro",
        "expected_revision": registrant.revision,
    }


def _update_1767(case: Case) -> dict[str, Any]:
    assert case.registrant is not None
    return update_post(case.registrant, evidence="Declaración de renta 2025.")


CELLS: dict[str, Cell] = {
    "view inbox": Cell(
        setup=lambda cast, s: cancellation(registrant_in(s)),
        ask=lambda client, case, cast: client.get(reverse("admin:procedures_case_changelist")),
        writes=False,
    ),
    "view case": Cell(
        setup=lambda cast, s: cancellation(registrant_in(s)),
        ask=lambda client, case, cast: client.get(
            reverse("admin:procedures_case_change", args=[case.pk])
        ),
        writes=False,
    ),
    "take": Cell(lambda cast, s: cancellation(registrant_in(s)), _post("tomar")),
    "assign": Cell(
        lambda cast, s: cancellation(registrant_in(s)),
        _post("asignar", _assign_target),
        needs="assign",
    ),
    "check requirements": Cell(
        lambda cast, s: cancellation(registrant_in(s)), _post("requisitos", lambda c, x: {})
    ),
    "decide jurisdiction": Cell(
        lambda cast, s: cancellation(registrant_in(s), "requirements_met"), _post("competencia")
    ),
    "submit": Cell(
        lambda cast, s: cancellation(registrant_in(s), "in_process"),
        _post("registrar-cancelacion"),
    ),
    "approve": Cell(
        lambda cast, s: cancellation(registrant_in(s), "awaiting_approval"),
        _post("aprobar", lambda c, x: {"password": "x"}),
        needs="approve",
    ),
    "return": Cell(
        lambda cast, s: cancellation(registrant_in(s), "awaiting_approval"),
        _post("devolver", lambda c, x: {"observations": "Falta la constancia de ejecutoria."}),
        needs="approve",
    ),
    "bulk approve": Cell(
        lambda cast, s: cancellation(registrant_in(s), "awaiting_approval"),
        lambda client, case, cast: client.post(
            reverse("admin:procedures_case_approvals"), {"cases": [case.pk], "password": "x"}
        ),
        needs="approve",
    ),
    "grant": Cell(
        lambda cast, s: suspension_in_process(registrant_in(s)),
        _post("conceder", lambda c, x: {"reason": ""}),
    ),
    "deny": Cell(
        lambda cast, s: user_update_in_process(registrant_in(s, responsibilities=["05", "48"])),
        _post("negar", lambda c, x: {"reason": "Sigue vendiendo bienes gravados."}),
    ),
    "propose denial": Cell(
        lambda cast, s: cancellation(registrant_in(s), "in_process"),
        _post("proponer-negacion", lambda c, x: {"reason": "La orden no identifica al inscrito."}),
    ),
    "communicate": Cell(
        lambda cast, s: cancellation(registrant_in(s), "decided"), _post("comunicar")
    ),
    "verify an inscription's document": Cell(
        lambda cast, s: assisted_inscription(s),
        _post("requisito-documental", lambda c, x: {"code": "applicant_id", "met": "1"}),
    ),
    "formalise an assisted inscription": Cell(
        lambda cast, s: assisted_inscription(s, "in_process"),
        _post("conceder", lambda c, x: {"reason": ""}),
    ),
    "change identification data": Cell(
        lambda cast, s: desk_update_in_process(registrant_in(s)),
        _post("actualizar", _identification_change),
    ),
    "record 1767 after a reactivation": Cell(
        lambda cast, s: reactivation(s),
        _post("actualizar", lambda c, x: _update_1767(c)),
    ),
    "communicate an ex officio update": Cell(
        lambda cast, s: ex_officio_update_decided(registrant_in(s)),
        _post("comunicar"),
    ),
    "view inscrito": Cell(
        setup=lambda cast, s: cancellation(registrant_in(s)),
        ask=lambda client, case, cast: client.get(
            reverse("admin:registry_registrant_change", args=[case.registrant_id])
        ),
        writes=False,
    ),
}


def expected(role: str, action: str, seccional: str) -> str:
    if role == "citizen":
        return LOGIN
    if role in ("central", "superuser"):
        return ALLOWED
    if action == "view inbox":
        return ALLOWED  # the page opens; which cases it lists is checked separately
    if seccional == OTHER:
        return REFUSED
    needs = CELLS[action].needs
    if role == "official" and needs in ("approve", "assign"):
        return REFUSED
    return ALLOWED


class Cast:
    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._request = request

    def __getattr__(self, name: str) -> User:
        return self._request.getfixturevalue(name)


@pytest.mark.parametrize("seccional", [OWN, OTHER], ids=["own", "other"])
@pytest.mark.parametrize("action", list(CELLS))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_exactly_what_its_permissions_and_seccional_allow(
    request, role, action, seccional
) -> None:
    cast = Cast(request)
    actor = getattr(cast, role)
    cell = CELLS[action]
    case = cell.setup(cast, seccional)
    before = case_snapshot(case)

    response = cell.ask(client_for(actor), case, cast)

    outcome = expected(role, action, seccional)
    after = case_snapshot(case)
    if outcome == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        assert after == before
    elif outcome == REFUSED:
        refused_in_place = action == "bulk approve" and role == "director"
        assert response.status_code == (302 if refused_in_place else 403), response
        assert after == before
        if response.status_code == 403:
            assert "rut-refusal" in response.content.decode()
    elif cell.writes:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert after != before
    else:
        assert response.status_code == 200
        assert after == before


@pytest.mark.parametrize(
    ("role", "sees_other"),
    [("official", False), ("director", False), ("central", True), ("superuser", True)],
)
def test_the_inbox_lists_only_the_cases_of_the_officials_seccional(
    request, role, sees_other
) -> None:
    own = cancellation(registrant_in(OWN))
    other = cancellation(registrant_in(OTHER))
    user = request.getfixturevalue(role)

    response = client_for(user).get(reverse("admin:procedures_case_changelist"))

    listed = {row.pk for row in response.context["cl"].result_list}
    assert own.pk in listed
    assert (other.pk in listed) is sees_other


def test_a_refused_director_sees_why_each_case_of_another_seccional_was_not_approved(
    director,
) -> None:
    other = cancellation(registrant_in(OTHER), "awaiting_approval")
    client = client_for(director)

    response = client.post(
        reverse("admin:procedures_case_approvals"),
        {"cases": [other.pk], "password": "x"},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert messages == [f"El trámite con id {other.pk} no está en su bandeja."]
    other.refresh_from_db()
    assert other.state == Case.State.AWAITING_APPROVAL


# --- Mass changes: who proposes a batch, who approves one of each seccional -----------------


# The actualización de oficio withdraws 49 from the inscritos without email (who then hold none).
MASS_UPDATE: dict[str, Any] = {"responsibility": "49", "responsibility_action": "remove"}


def _batch_of(seccional: str, cast: Cast, kind: str) -> MassChange:
    from mass_changes.services import propose_mass_change

    proposer = cast.official if seccional == OWN else cast.official_of_other_seccional
    return propose_mass_change(
        kind=kind,
        criterion=MassChange.Criterion.WITHOUT_EMAIL,
        reason="Sin correo tras el requerimiento.",
        act_reference="Resolución 000777 de 2026",
        by=proposer,
        **(MASS_UPDATE if kind == MassChange.Kind.EX_OFFICIO_UPDATE else {}),
    )


def _mass_expected(role: str, action: str, seccional: str) -> str:
    if role == "citizen":
        return LOGIN
    if action == "propose" or role in ("central", "superuser"):
        return ALLOWED
    return ALLOWED if role == "director" and seccional == OWN else REFUSED


@pytest.mark.parametrize("kind", [MassChange.Kind.SUSPENSION, MassChange.Kind.EX_OFFICIO_UPDATE])
@pytest.mark.parametrize("seccional", [OWN, OTHER], ids=["own", "other"])
@pytest.mark.parametrize("action", ["propose", "approve"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_propose_and_approve_mass_changes_as_its_permissions_and_seccional_allow(
    request, role, action, seccional, kind, django_capture_on_commit_callbacks
) -> None:
    cast = Cast(request)
    for code in (OWN, OTHER):
        registrant_in(code, email="", responsibilities=["49"])
    actor = getattr(cast, role)
    batch = _batch_of(seccional, cast, kind) if action == "approve" else None
    before = list(MassChange.objects.values_list("pk", "state"))

    with django_capture_on_commit_callbacks(execute=True):
        if batch is None:
            response = client_for(actor).post(
                reverse("admin:mass_changes_masschange_add"),
                {
                    "kind": kind,
                    "criterion": "without_email",
                    "act_reference": "Resolución 000778 de 2026",
                    "reason": "Sin correo.",
                    **(MASS_UPDATE if kind == MassChange.Kind.EX_OFFICIO_UPDATE else {}),
                },
            )
        else:
            response = client_for(actor).post(
                reverse("admin:mass_changes_masschange_action", args=[batch.pk, "aprobar"]),
                {"password": "x"},
            )

    outcome = _mass_expected(role, action, seccional)
    after = list(MassChange.objects.values_list("pk", "state"))
    if outcome == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        assert after == before
    elif outcome == REFUSED:
        assert response.status_code == 403
        assert "rut-refusal" in response.content.decode()
        assert after == before
        assert not Registrant.objects.filter(state=Registrant.State.SUSPENDED).exists()
        assert Registrant.objects.filter(responsibilities="49").count() == 2
    else:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert after != before


def ex_officio_update_decided(registrant: Registrant) -> Case:
    """An actualización de oficio decided and not yet communicated (so not yet in force)."""
    case = start_ex_officio_update(
        registrant,
        by=create_official(
            username=f"fiscal-{registrant.seccional_id}-{registrant.pk}",
            password="x",
            role=Role.OFFICIAL,
            seccional=registrant.seccional_id,
        ),
        grounds=UpdateGrounds(
            cause=Cause.DATA_OUTDATED,
            source="División de Fiscalización",
            facts="Otra dirección en la información exógena.",
            authorized_by="Jefe de división",
        ),
        data=replace(data_from_registrant(registrant), address="KR 7 32 16"),
        expected_revision=registrant.revision,
        support=pdf_upload(),
    )
    return grant_case(case, by=None)


def _start(action: str, client: Client, seccional: str) -> Any:
    if action == "start ex officio update":
        registrant = registrant_in(seccional)
        url = reverse("admin:registry_registrant_ex_officio_update", args=[registrant.pk])
        return client.post(url, update_post(registrant))
    place = {"department": "05", "municipality": "05001"} if seccional == OTHER else {}
    return client.post(
        reverse("admin:procedures_case_ex_officio_registration"), registration_post(**place)
    )


@pytest.mark.parametrize("seccional", [OWN, OTHER], ids=["own", "other"])
@pytest.mark.parametrize("action", ["start ex officio update", "start ex officio registration"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_start_an_ex_officio_procedure_where_its_seccional_allows(
    request, role, action, seccional
) -> None:
    """Own/other: the seccional of the inscrito, or of the obligado the order locates (the
    seccional that makes the verification visit)."""
    actor = getattr(Cast(request), role)

    response = _start(action, client_for(actor), seccional)

    started = Case.objects.filter(mode=Mode.EX_OFFICIO).first()
    outcome = expected(role, "grant", seccional)
    if outcome == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        assert started is None
    elif outcome == REFUSED:
        assert response.status_code == 403
        assert "rut-refusal" in response.content.decode()
        assert started is None
    else:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert started is not None
        assert started.seccional_id == seccional
        assert started.state == "in_process"


# --- The officials' desk: the agenda, the inbox of notices, filings from abroad -----------------


def _appointment_in(seccional: str) -> Any:
    from datetime import datetime, time

    from tests.clock import BOGOTA, TODAY
    from tests.factories import make_appointment

    return make_appointment(
        registrant_in(seccional),
        at=datetime.combine(TODAY, time(10, 0), tzinfo=BOGOTA),
        reason="identification",
    )


def _notice_to(seccional: str) -> Any:
    """The oficio remisorio of a case forwarded to `seccional` from the other one."""
    from accounts.models import Role
    from accounts.services import create_official
    from procedures.models import Communication
    from procedures.services.intake import check_requirements, decide_jurisdiction

    origin = OTHER if seccional == OWN else OWN
    sender = create_official(
        username=f"remitente-{origin}", password="x", role=Role.OFFICIAL, seccional=origin
    )
    case = cancellation(registrant_in(seccional), "received")
    case.received_at_seccional_id = case.seccional_id = origin
    case.save(update_fields=["received_at_seccional", "seccional"])
    decide_jurisdiction(check_requirements(case, by=sender, met=True), by=sender)
    return Communication.objects.get(case=case, kind="forwarding", seccional_id=seccional)


def _abroad_petition_in(seccional: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from procedures.services.abroad import AbroadFiling, receive_filing_from_abroad

    registrant = registrant_in(seccional)
    files = {
        kind: SimpleUploadedFile(f"{kind}.pdf", b"%PDF-1.4 x", "application/pdf")
        for kind in ("identity_scan", "passport_exit_page")
    }
    superuser = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "recibe", "recibe@example.co", "x"
    )
    return receive_filing_from_abroad(
        AbroadFiling(
            requested_case_type="update",
            requester_name=registrant.display_name,
            requester_email="exterior@example.es",
            document_type=registrant.document_type_id or "13",
            document_number=registrant.document_number,
            residence_country="ES",
            details="Nueva dirección en Madrid.",
        ),
        files=files,
        by=superuser,
    )


def _desk_snapshot(target: Any) -> tuple[Any, ...]:
    fresh = type(target).objects.get(pk=target.pk)
    if hasattr(fresh, "closed_by_id"):  # an appointment
        return (fresh.state, fresh.closed_by_id, fresh.case_id)
    if hasattr(fresh, "from_abroad"):  # a petition
        return (fresh.state, fresh.case_id, Case.objects.count())
    return (hasattr(fresh, "acknowledgment"),)  # a notice


DESK_UPDATE = {
    "country": "ES",
    "department": "",
    "municipality": "",
    "address": "CALLE MAYOR 1, MADRID",
    "email": "exterior@example.es",
    "phone_1": "34911234567",
}
DESK_CELLS: dict[str, tuple[Callable[[str], Any], Callable[[Client, Any], Any], bool]] = {
    "open appointment": (
        _appointment_in,
        lambda c, a: c.get(reverse("admin:portal_appointment_change", args=[a.pk])),
        False,
    ),
    "mark appointment attended": (
        _appointment_in,
        lambda c, a: c.post(reverse("admin:portal_appointment_close", args=[a.pk, "atendida"])),
        True,
    ),
    "open notice pdf": (
        _notice_to,
        lambda c, n: c.post(reverse("admin:procedures_communication_pdf", args=[n.pk])),
        False,
    ),
    "acknowledge notice": (
        _notice_to,
        lambda c, n: c.post(reverse("admin:procedures_communication_acknowledge", args=[n.pk])),
        True,
    ),
    "formalize filing from abroad": (
        _abroad_petition_in,
        lambda c, p: c.post(
            reverse("admin:procedures_petition_formalize", args=[p.pk]), DESK_UPDATE
        ),
        True,
    ),
}


@pytest.mark.parametrize("seccional", [OWN, OTHER], ids=["own", "other"])
@pytest.mark.parametrize("action", list(DESK_CELLS))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_use_the_desk_exactly_in_its_seccional(
    request, role, action, seccional
) -> None:
    actor = getattr(Cast(request), role)
    setup, ask, writes = DESK_CELLS[action]
    target = setup(seccional)
    before = _desk_snapshot(target)

    response = ask(client_for(actor), target)

    after = _desk_snapshot(target)
    if role == "citizen":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        assert after == before
    elif seccional == OTHER and role in ("official", "director"):
        assert response.status_code == 403, response
        assert "rut-refusal" in response.content.decode()
        assert after == before
    else:
        assert response.status_code == (302 if writes or "pdf" in action else 200), response
        assert (after != before) is writes
