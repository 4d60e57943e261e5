"""A mass actualización de oficio (Decreto 2460 de 2013, art. 14): one responsibility added to or
withdrawn from every inscrito of a batch, each with its Formulario 001, audit entry and notice."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from mass_changes.models import MassChange, MassChangeNotice
from mass_changes.services import (
    apply_chunk,
    approve_mass_change,
    cancel_mass_change,
    propose_mass_change,
    run_mass_change,
)
from registry.models import FormVersion, Registrant
from registry.services.states import change_state
from registry.services.updates import change_responsibility
from registry.snapshots import build_snapshot
from rut_portal.errors import Conflict, DomainError
from tests.factories import make_natural

pytestmark = pytest.mark.django_db

ACT = "Resolución 000912 de 2026"
ART_14 = "Decreto 2460 de 2013, art. 14 (actualización de oficio)"
REMOVE, ADD = MassChange.ResponsibilityAction.REMOVE, MassChange.ResponsibilityAction.ADD


def _informants(count: int, **overrides: Any) -> list[Registrant]:
    """Inscritos reporting exógena (14), the code the DIAN withdraws from a list of NITs."""
    return [make_natural(responsibilities=["05", "14"], **overrides) for _ in range(count)]


def _nit_file(people: list[Registrant]) -> str:
    return "NIT\n" + "\n".join(p.formatted_nit for p in people)


def _propose(by: Any, people: list[Registrant], **overrides: Any) -> MassChange:
    values: dict[str, Any] = dict(
        kind=MassChange.Kind.EX_OFFICIO_UPDATE,
        criterion=MassChange.Criterion.NIT_LIST,
        nit_file=_nit_file(people),
        responsibility="14",
        responsibility_action=REMOVE,
        reason="La Subdirección de Fiscalización estableció que ya no están obligados a informar.",
        act_reference=ACT,
        by=by,
        chunk_size=2,
    )
    values.update(overrides)
    return propose_mass_change(**values)


def _codes(registrant: Registrant) -> list[str]:
    return sorted(registrant.responsibilities.values_list("code", flat=True))


@pytest.fixture
def approve(django_capture_on_commit_callbacks: Any) -> Any:
    """approve_mass_change, then what its commit queues (the run, the notices) in-process."""

    def run(batch: MassChange, *, by: Any) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            approve_mass_change(batch, by=by)

    return run


def test_a_proposal_names_the_responsibility_and_takes_only_those_it_would_change(
    official,
) -> None:
    # Without email only in the simplified regime (49): art. 4 par. 1.
    holders = [make_natural(responsibilities=["14", "49"], email="") for _ in range(3)]
    make_natural(responsibilities=["49"], email="")
    _informants(1)  # holds 14, has an email

    everyone = _propose(official, [], criterion=MassChange.Criterion.WITHOUT_EMAIL)

    assert (everyone.total, everyone.legal_basis) == (3, ART_14)
    assert (everyone.responsibility_id, everyone.responsibility_action) == ("14", REMOVE)
    assert sorted(everyone.items.values_list("registrant_id", flat=True)) == [p.pk for p in holders]


def test_a_nit_of_the_file_the_change_would_not_change_is_named(official) -> None:
    holder = _informants(1)[0]
    without = make_natural(responsibilities=["05"])

    with pytest.raises(DomainError) as lacking:
        _propose(official, [holder, without])
    with pytest.raises(DomainError) as holding:
        _propose(official, [holder], responsibility="14", responsibility_action=ADD)
    _propose(official, [without], responsibility="14", responsibility_action=ADD)

    assert (lacking.value.field, lacking.value.message) == (
        "nits",
        f"1 NIT del archivo no tienen la responsabilidad 14: {without.nit}.",
    )
    assert holding.value.message == (
        f"1 NIT del archivo ya tienen la responsabilidad 14: {holder.nit}."
    )
    assert MassChange.objects.count() == 1


@pytest.mark.parametrize(
    ("code", "action", "field", "message"),
    [
        ("12", ADD, "responsibility", "La responsabilidad 12 ya no está vigente: no se puede "
         "agregar."),
        ("99", ADD, "responsibility", "Elija la responsabilidad que cambia."),
        ("14", "", "responsibility_action", "Elija si la actualización agrega o retira la "
         "responsabilidad."),
        ("48", REMOVE, "responsibility", "La responsabilidad 48 (impuesto sobre las ventas - "
         "IVA) solo se retira con la solicitud de retiro de IVA, que acredita el cese de "
         "actividades gravadas (Decreto 2460 de 2013, art. 13 par. 3)."),
    ],
    ids=["historical-added", "unknown", "no-action", "iva-withdrawn"],
)  # fmt: skip
def test_a_change_the_registry_refuses_is_refused_on_its_field(
    official, code, action, field, message
) -> None:
    people = [make_natural(responsibilities=["05", "48"])]

    with pytest.raises(DomainError) as refused:
        _propose(official, people, responsibility=code, responsibility_action=action)

    assert (refused.value.field, refused.value.message) == (field, message)
    assert not MassChange.objects.exists()


def test_the_run_updates_each_inscrito_with_its_version_audit_and_notice(
    official, director, approve
) -> None:
    active, suspended = _informants(2)
    silent = make_natural(responsibilities=["05", "14", "49"], email="")
    change_state(suspended, transition_name="suspend", by=None, reason="Orden judicial")
    revisions = {p.pk: Registrant.objects.get(pk=p.pk).revision for p in (active, suspended)}
    batch = _propose(official, [active, suspended, silent])
    mail.outbox.clear()

    approve(batch, by=director)

    batch.refresh_from_db()
    assert (batch.state, batch.changed, batch.skipped) == (MassChange.State.DONE, 3, 0)
    for person, state in ((active, "active"), (suspended, "suspended")):
        person.refresh_from_db()
        assert (person.state, _codes(person)) == (state, ["05"])
        last = person.form_versions.order_by("-version").first()
        assert last is not None
        assert (last.concept, last.state, last.created_by_id) == (
            FormVersion.Concept.UPDATE,
            state,
            director.pk,
        )
        assert last.snapshot["responsibilities"] == [
            {"code": "05", "name": "Impuesto sobre la renta y complementarios - régimen ordinario"}
        ]
        entry = person.audit_entries.get(action="update", form_version=last)
        assert (entry.legal_basis, entry.act_reference, entry.actor_id) == (
            ART_14,
            ACT,
            director.pk,
        )
        assert entry.changes == {"responsibilities": [["05", "14"], ["05"]]}
        assert MassChangeNotice.objects.get(batch=batch, registrant=person).form_version == last
    assert _codes(silent) == ["05", "49"]
    assert MassChangeNotice.objects.get(batch=batch, registrant=silent).recipient_email == ""
    assert active.revision == revisions[active.pk] + 1
    assert suspended.revision == revisions[suspended.pk] + 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([active.email, suspended.email])
    body = mail.outbox[0].body
    assert "actualizó de oficio su RUT por Resolución 000912 de 2026" in body
    assert "retiró la responsabilidad 14 Informante de exógena" in body
    assert "plena validez legal" in body


def test_an_added_responsibility_reaches_every_listed_inscrito(official, director, approve) -> None:
    people = [make_natural(responsibilities=["05"]) for _ in range(3)]
    batch = _propose(official, people, responsibility="52", responsibility_action=ADD)

    approve(batch, by=director)

    for person in people:
        assert _codes(person) == ["05", "52"]
        entry = person.audit_entries.get(action="update", legal_basis=ART_14)
        assert entry.changes == {"responsibilities": [["05"], ["05", "52"]]}
    assert "agregó la responsabilidad 52" in mail.outbox[-1].body


@pytest.mark.postgres
def test_the_set_based_run_writes_what_the_single_path_writes(official, director, approve) -> None:
    mass, single = _informants(2)
    batch = _propose(official, [mass])
    approve(batch, by=director)
    change_responsibility(
        single,
        code="14",
        add=False,
        by=director,
        reason=batch.reason,
        legal_basis=batch.legal_basis,
        act_reference=ACT,
    )

    mass_version = mass.form_versions.get(version=3)
    single_version = single.form_versions.get(version=3)

    mass.refresh_from_db()
    assert mass_version.snapshot == build_snapshot(mass)
    fields = ("concept", "state", "created_by_id")
    assert [getattr(mass_version, f) for f in fields] == [
        getattr(single_version, f) for f in fields
    ]
    columns: tuple[str, ...] = ("action", "from_state", "to_state", "actor_id", "reason")
    columns += ("legal_basis", "act_reference", "changes")
    assert mass.audit_entries.filter(action="update").values(*columns).get() == (
        single.audit_entries.filter(action="update").values(*columns).get()
    )
    single.refresh_from_db()
    assert mass.revision == single.revision


def test_a_run_resumes_after_a_crash_without_losing_or_repeating_anyone(
    official, director, django_capture_on_commit_callbacks
) -> None:
    people = _informants(5)
    batch = _propose(official, people)
    with django_capture_on_commit_callbacks(execute=False):
        approve_mass_change(batch, by=director)  # the worker has not started yet

    run_mass_change(batch, max_chunks=1)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=False):
        _crash_in_second_chunk(batch)
    batch.refresh_from_db()
    assert (batch.state, batch.chunks_done, batch.changed) == (MassChange.State.RUNNING, 1, 2)
    assert Registrant.objects.filter(responsibilities="14").count() == 3

    run_mass_change(batch)
    run_mass_change(batch)  # a second delivery of the task finds nothing to do

    batch.refresh_from_db()
    assert (batch.state, batch.chunks_done, batch.changed, batch.skipped) == (
        MassChange.State.DONE,
        3,
        5,
        0,
    )
    for person in people:
        assert _codes(person) == ["05"]
        assert person.form_versions.filter(concept=FormVersion.Concept.UPDATE).count() == 1
        assert person.audit_entries.filter(action="update").count() == 1
    assert MassChangeNotice.objects.filter(batch=batch).count() == 5


def _crash_in_second_chunk(batch: MassChange) -> None:
    """The worker dies after writing the chunk and before its commit: it all rolls back."""
    from django.db import transaction
    from django.utils import timezone

    with transaction.atomic():
        current = MassChange.objects.select_for_update().get(pk=batch.pk)
        apply_chunk(current, current.chunks_done, at=timezone.now())
        raise RuntimeError("SIGKILL")


def test_inscritos_changed_or_cancelled_since_the_proposal_are_skipped(
    official, director, approve
) -> None:
    withdrawn, cancelled, kept = _informants(3)
    batch = _propose(official, [withdrawn, cancelled, kept])
    change_responsibility(
        withdrawn, code="14", add=False, by=None, reason="", legal_basis="", act_reference=""
    )
    change_state(cancelled, transition_name="cancel", by=None, reason="Trámite individual")

    approve(batch, by=director)

    batch.refresh_from_db()
    assert (batch.changed, batch.skipped) == (1, 2)
    assert withdrawn.form_versions.filter(concept=FormVersion.Concept.UPDATE).count() == 1
    assert _codes(cancelled) == ["05", "14"]
    assert not cancelled.audit_entries.filter(action="update").exists()
    assert _codes(kept) == ["05"]


def test_a_batch_cancelled_mid_run_keeps_the_chunks_applied_and_stops(
    official, director, django_capture_on_commit_callbacks
) -> None:
    _informants(4)
    batch = _propose(official, list(Registrant.objects.order_by("pk")))
    with django_capture_on_commit_callbacks(execute=False):
        approve_mass_change(batch, by=director)
        run_mass_change(batch, max_chunks=1)

    cancel_mass_change(batch, by=director)
    after = run_mass_change(batch)

    assert (after.state, after.chunks_done, after.changed) == (MassChange.State.CANCELLED, 1, 2)
    assert Registrant.objects.filter(responsibilities="14").count() == 2


def test_the_single_update_refuses_what_would_change_nothing_or_break_a_rule(director) -> None:
    person = make_natural(responsibilities=["05", "48"])

    with pytest.raises(Conflict) as already:
        change_responsibility(
            person, code="05", add=True, by=director, reason="", legal_basis="", act_reference=""
        )
    with pytest.raises(DomainError) as iva:
        change_responsibility(
            person, code="48", add=False, by=director, reason="", legal_basis="", act_reference=""
        )
    with pytest.raises(DomainError) as historical:
        change_responsibility(
            person, code="12", add=True, by=director, reason="", legal_basis="", act_reference=""
        )

    assert already.value.message == "El inscrito ya tiene la responsabilidad 05."
    assert historical.value.message == "La responsabilidad 12 no existe o no está vigente."
    assert iva.value.field == "responsibilities"
    assert _codes(person) == ["05", "48"]
    assert not person.audit_entries.filter(action="update").exists()


def test_a_change_that_would_leave_someone_without_a_required_email_is_refused(official) -> None:
    # Art. 4 par. 1: without email only in the simplified regime (49) or with no responsibility.
    simplified = make_natural(responsibilities=["05", "49"], email="")
    without_any = make_natural(responsibilities=[], email="")

    with pytest.raises(DomainError) as losing_49:
        _propose(official, [simplified], responsibility="49")
    with pytest.raises(DomainError) as gaining_first:
        _propose(official, [without_any], responsibility="52", responsibility_action=ADD)
    batch = _propose(official, [simplified], responsibility="14", responsibility_action=ADD)

    assert losing_49.value.message == (
        "Con este cambio deben tener correo electrónico y no lo tienen (Decreto 2460 de 2013, "
        f"art. 4 par. 1): {simplified.nit}. Regístrelo antes o sáquelos del lote."
    )
    assert (losing_49.value.field, gaining_first.value.field) == ("nits", "nits")
    assert batch.total == 1


def test_an_email_removed_after_the_proposal_skips_the_inscrito_instead_of_breaking_the_rule(
    official, director, approve
) -> None:
    person = make_natural(responsibilities=["05", "49"])
    batch = _propose(official, [person], responsibility="49")
    Registrant.objects.filter(pk=person.pk).update(email="")  # changed meanwhile, elsewhere

    approve(batch, by=director)

    batch.refresh_from_db()
    assert (batch.state, batch.changed, batch.skipped) == (MassChange.State.DONE, 0, 1)
    assert _codes(person) == ["05", "49"]
    with pytest.raises(DomainError) as single:
        change_responsibility(
            person, code="49", add=False, by=director, reason="", legal_basis="", act_reference=""
        )
    assert single.value.field == "email"
