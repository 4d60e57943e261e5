"""The suite's clock: every test runs on a fixed, explicit "today", never on the machine's date.

Legal terms count Colombian business days, so a test that receives a case "now" and looks a few
days later means something different the day before a holiday, on a Friday before a Ley Emiliani
Monday or in Holy Week. Each test therefore starts at 08:00 (Bogotá) of `TODAY` and the clock then
runs on from there (time-machine, `tick=True`), for Django, Celery tasks run in-process and the
live server's thread alike. The database never supplies a time of its own: every timestamp the
portal stores comes from Python, so the test database follows the same clock.

`TODAY` is `TEST_TODAY` (an ISO date) when it is set, else `DEFAULT_TODAY`. To replay a failure
seen on another date: `TEST_TODAY=2026-12-08 scripts/test tests/deadlines`.

Processes a test starts (a real Celery worker, beat, a management command) get the same clock by
running through this module: `python -m tests.clock <now-iso> -m celery ...` (see `command`).
"""

from __future__ import annotations

import os
import runpy
import sys
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine

ROOT = Path(__file__).resolve().parent.parent
BOGOTA = ZoneInfo("America/Bogota")
# An ordinary Wednesday: no holiday within the week before or after it.
DEFAULT_TODAY = date(2026, 11, 18)
START_OF_DAY = time(8, 0)


def configured_today() -> date:
    value = os.environ.get("TEST_TODAY", "").strip()
    if not value:
        return DEFAULT_TODAY
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SystemExit(f"TEST_TODAY must be an ISO date (YYYY-MM-DD), got {value!r}") from None


TODAY = configured_today()


def morning(day: date) -> datetime:
    """08:00 in Bogotá on `day`, where each test's clock starts."""
    return datetime.combine(day, START_OF_DAY, tzinfo=BOGOTA)


def travel(day: date) -> time_machine.travel:
    """A running clock that starts at 08:00 of `day`; use as a context manager."""
    return time_machine.travel(morning(day), tick=True)


def command(*python_args: str) -> list[str]:
    """A Python command line that runs with this process's clock as it reads now.

    `command("-m", "celery", "-A", "rut_portal", "worker")` or `command("-c", script)`.
    """
    now = datetime.now(tz=BOGOTA).isoformat()
    return [sys.executable, "-m", "tests.clock", now, *python_args]


def _main(argv: list[str]) -> None:
    """`python -m tests.clock <now-iso> (-m module | -c script) [args...]`."""
    now, flag, target, *rest = argv
    with time_machine.travel(datetime.fromisoformat(now), tick=True):
        if flag == "-m":
            sys.argv = [target, *rest]
            runpy.run_module(target, run_name="__main__", alter_sys=True)
        elif flag == "-c":
            sys.argv = ["-c", *rest]
            exec(compile(target, "<tests.clock -c>", "exec"), {"__name__": "__main__"})
        else:
            raise SystemExit(f"tests.clock: expected -m or -c, got {flag!r}")


if __name__ == "__main__":
    _main(sys.argv[1:])
