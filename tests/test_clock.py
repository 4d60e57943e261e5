"""The suite's clock (tests/clock.py): a fixed "today" for the test, the live code and the
processes a test starts, whatever the machine's date."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from tests.clock import BOGOTA, ROOT, TODAY, command, configured_today, morning


def test_each_test_starts_at_eight_in_the_morning_of_the_suites_today():
    now = timezone.localtime()
    assert now.date() == TODAY == date.today()
    assert morning(TODAY) <= now < morning(TODAY) + timedelta(minutes=5)


def test_a_test_can_move_the_clock_and_it_keeps_running(clock):
    clock.move_to(morning(date(2027, 3, 25)))
    assert timezone.localdate() == date(2027, 3, 25)
    first = datetime.now(tz=BOGOTA)
    second = datetime.now(tz=BOGOTA)
    assert second >= first  # tick=True: time runs on from the destination


def test_a_process_started_by_a_test_reads_the_same_today(clock):
    clock.move_to(morning(date(2028, 2, 29)))
    result = subprocess.run(
        command("-c", "import datetime; print(datetime.date.today().isoformat())"),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert result.stdout.strip() == "2028-02-29"


def test_test_today_replays_a_date_and_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("TEST_TODAY", "2026-12-08")
    assert configured_today() == date(2026, 12, 8)
    monkeypatch.setenv("TEST_TODAY", "8/12/2026")
    with pytest.raises(SystemExit, match="TEST_TODAY must be an ISO date"):
        configured_today()
