"""mass_changes.services: a batch proposed, approved by another director, run in chunks."""

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
    reject_mass_change,
    run_mass_change,
)
from registry.models import AuditEntry, FormVersion, Registrant
from registry.services.states import change_state
from registry.snapshots import build_snapshot
from rut_portal.errors import Conflict, DomainError, NotAllowed
from tests.factories import make_natural

pytestmark = pytest.mark.django_db

ACT = "Resolución 000777 de 2026"


def _without_email(count: int) -> list[Registrant]:
    return [make_natural(email="", responsibilities=["49"]) for _ in range(count)]


def _propose(by: Any, kind: str = MassChange.Kind.SUSPENSION, **overrides: Any) -> MassChange:
    values: dict[str, Any] = dict(
        kind=kind,
        criterion=MassChange.Criterion.WITHOUT_EMAIL,
        reason="Inscritos sin correo que no atendieron el requerimiento.",
        act_reference=ACT,
        by=by,
        chunk_size=2,
    )
    values.update(overrides)
    return propose_mass_change(**values)


@pytest.fixture
def approve(django_capture_on_commit_callbacks: Any) -> Any:
    """approve_mass_change, then what its commit queues (the run, the notices) in-process."""

    def run(batch: MassChange, *, by: Any) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            approve_mass_change(batch, by=by)

    return run


def _row(entry: AuditEntry) -> tuple[Any, ...]:
    return (
        entry.action,
        entry.from_state,
        entry.to_state,
        entry.actor_id,
        entry.reason,
        entry.legal_basis,
        entry.act_reference,
        entry.changes,
    )


def test_a_proposal_freezes_the_inscritos_of_the_criterion_and_draws_a_sample(
    official, director
) -> None:
    chosen = _without_email(3)
    with_email = make_natural()

    batch = _propose(official)

    assert batch.state == MassChange.State.PROPOSED
    assert batch.total == 3
    assert batch.chunks == 2
    assert sorted(batch.items.values_list("registrant_id", flat=True)) == [r.pk for r in chosen]
    assert not batch.items.filter(registrant=with_email).exists()
    assert batch.sample == [0, 1, 2]
    assert all(r.state == Registrant.State.ACTIVE for r in Registrant.objects.all())


def test_a_nit_file_names_every_line_it_cannot_read_and_every_nit_not_found(official) -> None:
    person = _without_email(1)[0]
    nit = person.formatted_nit

    with pytest.raises(DomainError) as bad_line:
        _propose(official, criterion=MassChange.Criterion.NIT_LIST, nit_file=f"NIT\n{nit}\n123-0\n")
    with pytest.raises(DomainError) as unknown:
        _propose(official, criterion=MassChange.Criterion.NIT_LIST, nit_file=f"{nit}\n900373913-4")

    assert bad_line.value.message == (
        "Las líneas 3 no traen un NIT válido con su dígito de verificación."
    )
    assert "900373913" in unknown.value.message
    assert not MassChange.objects.exists()


def test_the_director_approves_and_the_run_gives_each_inscrito_its_version_audit_and_notice(
    official, director, approve
) -> None:
    people = _without_email(3)
    batch = _propose(official)

    approve(batch, by=director)  # Celery in-process: the run follows the commit

    batch.refresh_from_db()
    assert batch.state == MassChange.State.DONE
    assert (batch.chunks_done, batch.changed, batch.skipped) == (2, 3, 0)
    for person in people:
        person.refresh_from_db()
        assert person.state == Registrant.State.SUSPENDED
        last = person.form_versions.order_by("-version").first()
        assert last is not None
        assert (last.version, last.concept, last.created_by_id) == (
            3,  # after the pre-inscription and the inscription
            FormVersion.Concept.SUSPENSION,
            director.pk,
        )
        entry = person.audit_entries.get(action="suspend")
        assert entry.form_version_id == last.pk
        assert entry.legal_basis.startswith("Decreto 2460 de 2013, art. 15")
        assert entry.act_reference == ACT
    assert MassChangeNotice.objects.filter(batch=batch).count() == 3


@pytest.mark.postgres
def test_the_set_based_run_writes_what_the_single_path_writes(official, director, approve) -> None:
    mass, single = _without_email(2)
    batch = _propose(official, criterion=MassChange.Criterion.NIT_LIST, nit_file=mass.formatted_nit)
    approve(batch, by=director)
    change_state(
        single,
        transition_name="suspend",
        by=director,
        reason=batch.reason,
        legal_basis=batch.legal_basis,
        act_reference=ACT,
    )

    mass_version = mass.form_versions.get(version=3)
    single_version = single.form_versions.get(version=3)

    mass.refresh_from_db()
    assert mass_version.snapshot == build_snapshot(mass)
    assert mass_version.snapshot["state_label"] == single_version.snapshot["state_label"]
    fields = ("concept", "state", "created_by_id")
    assert [getattr(mass_version, f) for f in fields] == [
        getattr(single_version, f) for f in fields
    ]
    assert _row(mass.audit_entries.get(action="suspend")) == _row(
        single.audit_entries.get(action="suspend")
    )
    mass.refresh_from_db()
    single.refresh_from_db()
    assert mass.state == single.state == Registrant.State.SUSPENDED


def test_a_run_resumes_after_a_crash_without_losing_or_repeating_anyone(
    official, director, django_capture_on_commit_callbacks
) -> None:
    people = _without_email(5)
    batch = _propose(official)
    with django_capture_on_commit_callbacks(execute=False):
        approve_mass_change(batch, by=director)  # the worker has not started yet

    run_mass_change(batch, max_chunks=1)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=False):
        _crash_in_second_chunk(batch)
    batch.refresh_from_db()
    assert (batch.state, batch.chunks_done, batch.changed) == (MassChange.State.RUNNING, 1, 2)
    assert Registrant.objects.filter(state=Registrant.State.SUSPENDED).count() == 2

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
        assert person.form_versions.filter(concept=FormVersion.Concept.SUSPENSION).count() == 1
        assert person.audit_entries.filter(action="suspend").count() == 1
    assert MassChangeNotice.objects.filter(batch=batch).count() == 5


def _crash_in_second_chunk(batch: MassChange) -> None:
    """The worker dies after writing the chunk and before its commit: it all rolls back."""
    from django.db import transaction
    from django.utils import timezone

    with transaction.atomic():
        current = MassChange.objects.select_for_update().get(pk=batch.pk)
        apply_chunk(current, current.chunks_done, at=timezone.now())
        raise RuntimeError("SIGKILL")


def test_inscritos_already_changed_by_someone_else_are_skipped(official, director, approve) -> None:
    first, second = _without_email(2)
    batch = _propose(official)
    change_state(first, transition_name="suspend", by=None, reason="Trámite individual")

    approve(batch, by=director)

    batch.refresh_from_db()
    assert (batch.changed, batch.skipped) == (1, 1)
    assert first.form_versions.filter(concept=FormVersion.Concept.SUSPENSION).count() == 1


def test_the_proposer_cannot_approve_and_an_official_cannot_approve(
    official, director, other_official
) -> None:
    _without_email(1)
    by_director = _propose(director)
    by_official = _propose(official)

    with pytest.raises(NotAllowed) as four_eyes:
        approve_mass_change(by_director, by=director)
    with pytest.raises(NotAllowed):
        approve_mass_change(by_official, by=other_official)

    assert "cuatro ojos" in four_eyes.value.message
    assert set(MassChange.objects.values_list("state", flat=True)) == {MassChange.State.PROPOSED}
    assert not Registrant.objects.filter(state=Registrant.State.SUSPENDED).exists()


def test_a_director_of_another_seccional_cannot_decide(official) -> None:
    from accounts.models import Role
    from accounts.services import create_official

    medellin = create_official(username="dir11", password="x", role=Role.DIRECTOR, seccional="11")
    _without_email(1)
    batch = _propose(official)

    with pytest.raises(NotAllowed):
        approve_mass_change(batch, by=medellin)


def test_a_rejected_or_cancelled_batch_changes_nobody(official, director) -> None:
    _without_email(2)
    rejected = _propose(official)
    cancelled = _propose(official)

    with pytest.raises(DomainError):
        reject_mass_change(rejected, by=director, notes=" ")
    reject_mass_change(rejected, by=director, notes="El acto no está en firme.")
    cancel_mass_change(cancelled, by=official)
    with pytest.raises(Conflict):
        approve_mass_change(cancelled, by=director)

    assert run_mass_change(rejected).state == MassChange.State.REJECTED
    assert run_mass_change(cancelled).state == MassChange.State.CANCELLED
    assert not Registrant.objects.filter(state=Registrant.State.SUSPENDED).exists()
    trail = AuditEntry.objects.filter(registrant=None).order_by("id")
    assert [(e.action, e.actor_id, e.changes["mass_change"]) for e in trail] == [
        ("mass_change_proposed", official.pk, rejected.pk),
        ("mass_change_proposed", official.pk, cancelled.pk),
        ("mass_change_rejected", director.pk, rejected.pk),
        ("mass_change_cancelled", official.pk, cancelled.pk),
    ]
    assert trail[2].reason == "El acto no está en firme."
    assert trail[2].act_reference == ACT


def test_a_mass_cancellation_notifies_each_inscrito_with_email(official, director, approve) -> None:
    person = make_natural(responsibilities=["49"])
    batch = _propose(
        official,
        kind=MassChange.Kind.CANCELLATION,
        criterion=MassChange.Criterion.NIT_LIST,
        nit_file=person.formatted_nit,
    )

    approve(batch, by=director)

    person.refresh_from_db()
    assert person.state == Registrant.State.CANCELLED
    assert person.audit_entries.get(action="cancel").from_state == Registrant.State.ACTIVE
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert "cancelación" in mail.outbox[0].body
    assert MassChangeNotice.objects.get(batch=batch).sent_at is not None


def test_the_command_resumes_a_batch_a_dead_worker_left_running(
    official, director, django_capture_on_commit_callbacks
) -> None:
    from io import StringIO

    from django.core.management import call_command

    _without_email(3)
    batch = _propose(official)
    with django_capture_on_commit_callbacks(execute=False):
        approve_mass_change(batch, by=director)
        run_mass_change(batch, max_chunks=1)
    out = StringIO()

    call_command("run_mass_change", stdout=out)

    batch.refresh_from_db()
    assert (batch.state, batch.changed) == (MassChange.State.DONE, 3)
    assert (
        out.getvalue()
        == f"Lote {batch.pk}: Suspensión masiva: Terminado, 3 cambiados, 0 omitidos\n"
    )
