"""The sweep: due deadlines run their action once; bad ones are skipped with the reason; the
sweep itself never stops on one."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from deadlines.actions import deadline_action
from deadlines.models import Deadline, Rule
from deadlines.services import (
    MAX_ATTEMPTS,
    cancel_deadline,
    claim_due_deadlines,
    run_deadline,
    schedule_deadline,
    schedule_reminder,
    sweep_due_deadlines,
)
from procedures.models import CaseDocument, CaseType, Channel
from procedures.services.intake import attach_document, check_requirements, decide_jurisdiction
from procedures.services.processing import grant_case
from tests.deadlines.helpers import after, receive
from tests.factories import judicial_cancellation_request, make_natural, pdf_upload

pytestmark = pytest.mark.django_db

FAILURES: list[int] = []


@deadline_action("test_explodes")
def _explodes(deadline, now):
    FAILURES.append(deadline.pk)
    raise RuntimeError("el servicio externo no responde")


@deadline_action("test_records")
def _records(deadline, now):
    return f"hecho {deadline.key}"


def _generic(key, *, action="test_records", due_at=None, priority=0):
    return schedule_deadline(
        rule=Rule.ACTIVATION_CODE,
        key=key,
        action=action,
        due_at=due_at or timezone.now() + timedelta(hours=1),
        priority=priority,
    )


@pytest.fixture
def overdue_cancellation(official, director):
    director.email = "directora@dian.example.co"
    director.save(update_fields=["email"])
    official.email = "funcionaria@dian.example.co"
    official.save(update_fields=["email"])
    case = receive(official, registrant=make_natural(by=official))
    case.assigned_to = official
    case.save(update_fields=["assigned_to"])
    return Deadline.objects.get(case=case, rule=Rule.EX_OFFICIO_CANCELLATION)


def test_an_overdue_cancellation_is_escalated_to_the_director_and_the_official_once(
    overdue_cancellation,
):
    deadline = overdue_cancellation
    sweep_due_deadlines(now=deadline.due_at - timedelta(minutes=1))
    assert mail.outbox == []

    report = sweep_due_deadlines(now=after(deadline))
    second = sweep_due_deadlines(now=after(deadline, minutes=2))

    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.DONE
    assert deadline.result == "Vencido sin cumplir; escalado a Marta Gómez, Ana Rojas."
    assert deadline.attempts == 1
    assert report.outcomes == {"done": 3}  # the escalation and its two notices
    assert second.claimed == 0
    assert sorted(m.to[0] for m in mail.outbox) == [
        "directora@dian.example.co",
        "funcionaria@dian.example.co",
    ]
    number = deadline.case.number
    assert mail.outbox[0].subject == f"Término vencido: trámite {number}"
    assert "venció el" in mail.outbox[0].body and "3 días hábiles" in mail.outbox[0].body


def test_a_case_decided_in_time_is_not_escalated_and_the_reason_is_kept(official):
    case = receive(
        official,
        registrant=make_natural(by=official),
        case_type=CaseType.SUSPENSION,
        channel=Channel.OFFICIAL_MAIL,
    )
    deadline = Deadline.objects.get(case=case, rule=Rule.SUSPENSION)
    grant_case(
        decide_jurisdiction(check_requirements(case, by=official, met=True), by=official),
        by=official,
    )

    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.CANCELLED  # the decision settled it
    # A sweep that claimed the row just before the decision still re-checks the case.
    Deadline.objects.filter(pk=deadline.pk).update(
        state=Deadline.State.PENDING, done_at=None, next_attempt_at=deadline.due_at
    )

    sweep_due_deadlines(now=after(deadline))

    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.SKIPPED
    assert deadline.result == (
        f"El trámite {case.number} ya avanzó (estado «Decidido»): no se escala."
    )
    assert mail.outbox == []


def test_judicial_orders_are_claimed_before_older_ordinary_terms(official):
    ordinary = _generic("ordinary", due_at=timezone.now() - timedelta(days=2))
    judicial_case = receive(
        official, **vars(judicial_cancellation_request(make_natural(by=official)))
    )
    attach_document(
        judicial_case, kind=CaseDocument.Kind.JUDICIAL_ORDER, file=pdf_upload(), by=official
    )
    judicial = Deadline.objects.get(case=judicial_case)

    now = after(judicial)

    assert claim_due_deadlines(now=now, limit=1) == [judicial.pk]
    assert claim_due_deadlines(now=now, limit=1) == [ordinary.pk]
    assert claim_due_deadlines(now=now, limit=1) == []  # both leased


def test_a_failing_action_is_recorded_retried_later_and_the_sweep_goes_on():
    failing = _generic("failing", action="test_explodes")
    fine = _generic("fine")
    now = after(failing)

    report = sweep_due_deadlines(now=now)

    assert report.outcomes == {"retry": 1, "done": 1}
    failing.refresh_from_db()
    fine.refresh_from_db()
    assert failing.state == Deadline.State.PENDING
    assert failing.last_error == "RuntimeError: el servicio externo no responde"
    assert failing.next_attempt_at == now + timedelta(minutes=1)
    assert (fine.state, fine.result) == (Deadline.State.DONE, "hecho fine")
    assert sweep_due_deadlines(now=now + timedelta(seconds=30)).claimed == 0


def test_an_action_that_keeps_failing_is_given_up_with_the_last_error():
    failing = _generic("failing", action="test_explodes")
    now = after(failing)
    for _ in range(MAX_ATTEMPTS + 1):
        now += timedelta(hours=2)
        sweep_due_deadlines(now=now)

    failing.refresh_from_db()
    assert failing.state == Deadline.State.SKIPPED
    assert failing.attempts == MAX_ATTEMPTS
    assert failing.result == (
        f"Falló {MAX_ATTEMPTS} veces. Último error: RuntimeError: el servicio externo no responde"
    )


def test_a_deadline_whose_action_nobody_registered_is_skipped_with_the_reason():
    deadline = _generic("orphan")
    Deadline.objects.filter(pk=deadline.pk).update(action="expire_ghost_code")

    sweep_due_deadlines(now=after(deadline))

    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.SKIPPED
    assert deadline.result == "Acción desconocida: «expire_ghost_code»."


def test_a_deadline_claimed_again_and_again_by_dying_workers_is_given_up():
    deadline = _generic("poison")
    Deadline.objects.filter(pk=deadline.pk).update(attempts=MAX_ATTEMPTS + 1)

    assert run_deadline(deadline.pk, now=after(deadline)) == "skipped"
    deadline.refresh_from_db()
    assert deadline.result.startswith(f"Se abandonó después de {MAX_ATTEMPTS} intentos.")


def test_running_a_deadline_that_is_done_or_not_yet_due_does_nothing():
    deadline = _generic("once")
    assert run_deadline(deadline.pk, now=deadline.due_at - timedelta(seconds=1)) == "idle"
    assert run_deadline(deadline.pk, now=after(deadline)) == "done"
    assert run_deadline(deadline.pk, now=after(deadline)) == "idle"
    assert run_deadline(0) == "idle"


def test_an_appointment_reminder_goes_out_one_hour_before_and_moves_with_the_appointment():
    appointment_at = timezone.now() + timedelta(days=2)
    reminder = schedule_reminder(
        key="appointment:7",
        appointment_at=appointment_at,
        to="ciudadana@example.co",
        subject="Recordatorio: su cita es en una hora",
        body="Su cita de videoatención empieza a las 10:00.",
    )
    assert reminder.due_at == appointment_at - timedelta(hours=1)
    moved = schedule_reminder(
        key="appointment:7",
        appointment_at=appointment_at + timedelta(days=1),
        to="ciudadana@example.co",
        subject="Recordatorio: su cita es en una hora",
        body="Su cita de videoatención empieza a las 11:00.",
    )
    assert moved.pk == reminder.pk

    sweep_due_deadlines(now=appointment_at - timedelta(minutes=59))
    assert mail.outbox == []
    sweep_due_deadlines(now=appointment_at + timedelta(days=1) - timedelta(minutes=59))

    [email] = mail.outbox
    assert email.to == ["ciudadana@example.co"]
    assert email.body == "Su cita de videoatención empieza a las 11:00."


def test_a_cancelled_appointment_sends_no_reminder():
    appointment_at = timezone.now() + timedelta(days=1)
    schedule_reminder(
        key="appointment:8", appointment_at=appointment_at, to="c@example.co", subject="R", body=""
    )
    assert cancel_deadline(rule=Rule.APPOINTMENT_REMINDER, key="appointment:8", reason="Cancelada")
    assert not cancel_deadline(rule=Rule.APPOINTMENT_REMINDER, key="appointment:8", reason="x")

    assert sweep_due_deadlines(now=appointment_at).claimed == 0
    assert mail.outbox == []


def test_scheduling_an_unregistered_action_is_refused():
    with pytest.raises(ValueError, match="unknown deadline action"):
        _generic("typo", action="escalte")


def test_the_sweep_command_fires_due_deadlines_without_a_broker(overdue_cancellation):
    Deadline.objects.filter(pk=overdue_cancellation.pk).update(
        due_at=timezone.now() - timedelta(minutes=5),
        next_attempt_at=timezone.now() - timedelta(minutes=5),
    )

    call_command("sweep_deadlines")

    overdue_cancellation.refresh_from_db()
    assert overdue_cancellation.state == Deadline.State.DONE
    assert len(mail.outbox) == 2


def test_a_deadline_whose_sweeper_died_after_claiming_it_is_claimed_again_after_the_lease(
    settings,
):
    deadline = _generic("lease")
    now = after(deadline)
    lease = timedelta(seconds=settings.DEADLINE_LEASE_SECONDS)
    assert claim_due_deadlines(now=now) == [deadline.pk]  # ... and its worker dies here

    assert claim_due_deadlines(now=now + lease - timedelta(seconds=1)) == []
    report = sweep_due_deadlines(now=now + lease)

    assert report.outcomes == {"done": 1}
    deadline.refresh_from_db()
    assert (deadline.state, deadline.attempts) == (Deadline.State.DONE, 2)


def test_without_a_broker_a_notice_goes_out_right_after_commit(django_capture_on_commit_callbacks):
    from deadlines.services import schedule_notice

    with django_capture_on_commit_callbacks(execute=True):
        notice = schedule_notice(key="k", to="a@example.co", subject="Aviso", body="Texto")

    notice.refresh_from_db()
    assert notice.state == Deadline.State.DONE
    assert [m.subject for m in mail.outbox] == ["Aviso"]


def test_the_beat_task_claims_due_deadlines_and_queues_each_on_commit(
    django_capture_on_commit_callbacks,
):
    from deadlines.tasks import sweep_deadlines

    deadline = _generic("beat", due_at=timezone.now() - timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert sweep_deadlines.delay().get() == 1

    assert len(callbacks) == 1  # one run_due_deadline, queued on the claim's commit
    deadline.refresh_from_db()
    assert (deadline.state, deadline.result) == (Deadline.State.DONE, "hecho beat")
