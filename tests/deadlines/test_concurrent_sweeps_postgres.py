"""Sweepers racing on PostgreSQL: SKIP LOCKED hands each due deadline to exactly one of them."""

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from deadlines.actions import deadline_action
from deadlines.models import Deadline, Rule
from deadlines.services import sweep_due_deadlines

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@deadline_action("test_slow")
def _slow(deadline, now):
    time.sleep(0.005)
    return f"run by {threading.current_thread().name}"


def test_four_sweepers_released_together_share_the_work_and_run_each_deadline_once():
    due_at = timezone.now() - timedelta(minutes=1)
    Deadline.objects.bulk_create(
        Deadline(
            rule=Rule.ACTIVATION_CODE,
            key=f"race:{n}",
            action="test_slow",
            due_at=due_at,
            next_attempt_at=due_at,
            due_on=due_at.date(),
        )
        for n in range(200)
    )
    barrier = threading.Barrier(4)
    reports = {}

    def sweep(name):
        try:
            barrier.wait()
            reports[name] = sweep_due_deadlines(batch_size=5)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep, args=(f"s{i}",), name=f"s{i}") for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sum(report.claimed for report in reports.values()) == 200
    assert sum((report.outcomes for report in reports.values()), Counter()) == {"done": 200}
    assert all(report.claimed > 0 for report in reports.values())
    assert set(Deadline.objects.values_list("state", "attempts").distinct()) == {("done", 1)}
    by_sweeper = Counter(Deadline.objects.values_list("result", flat=True))
    assert len(by_sweeper) == 4 and sum(by_sweeper.values()) == 200
