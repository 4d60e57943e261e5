"""Deadlines on a real Celery worker and beat, with Redis and PostgreSQL, under faults.

Each test starts its own redis-server (so it can be flushed and restarted without touching the
shared one), a Celery worker and a Celery beat as subprocesses, pointed at pytest's test database
(test_<name>). Beat sweeps every second here (DEADLINE_SWEEP_SECONDS=1) and a claim's lease is
six seconds (DEADLINE_LEASE_SECONDS=6). The probe action (probe_actions.py) writes one row per
committed run, so "fired once" is a count in the database, not a log line.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from deadlines.models import Deadline, Rule
from tests import clock
from tests.deadlines.probe_actions import PROBE_TABLE

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 6


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class RedisServer:
    """A private, non-persistent redis-server that the test may flush, kill and restart."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_until(lambda: self.cli("PING") == "PONG", timeout=10, what="redis-server")

    def cli(self, *command: str) -> str:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), *command], capture_output=True, text=True
        )
        return result.stdout.strip()

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)


class Processes:
    """Celery worker, beat and sweep commands started for one test, stopped at its end."""

    def __init__(self, tmp_path: Path, redis: RedisServer) -> None:
        self.tmp_path = tmp_path
        self.redis = redis
        self.started: list[subprocess.Popen[bytes]] = []
        db = connection.settings_dict  # pytest-django's test database, not the dev one
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "rut_portal.settings",
            "DATABASE_URL": (
                f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            ),
            "REDIS_URL": redis.url,
            "DEADLINE_SWEEP_SECONDS": "1",
            "DEADLINE_LEASE_SECONDS": str(LEASE_SECONDS),
            "PYTHONPATH": str(ROOT),
        }

    def _start(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        log = (self.tmp_path / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill -9 reaches the pool too
        )
        self.started.append(process)
        return process

    def worker(self, name: str = "worker") -> subprocess.Popen[bytes]:
        return self._start(name, clock.command(
            "-m", "celery", "-A", "rut_portal", "worker",
            "--loglevel", "INFO", "--concurrency", "2", "--hostname", f"{name}@%h",
            "--include", "tests.deadlines.probe_actions",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ))  # fmt: skip

    def beat(self, name: str = "beat") -> subprocess.Popen[bytes]:
        return self._start(name, clock.command(
            "-m", "celery", "-A", "rut_portal", "beat", "--loglevel", "INFO",
            "--schedule", str(self.tmp_path / f"{name}-schedule"),
        ))  # fmt: skip

    def sweep_command(self, name: str) -> subprocess.Popen[bytes]:
        script = (
            "import django; django.setup(); import tests.deadlines.probe_actions; "
            "from django.core.management import call_command; call_command('sweep_deadlines')"
        )
        return self._start(name, clock.command("-c", script))

    @staticmethod
    def kill(process: subprocess.Popen[bytes]) -> None:
        """SIGKILL the whole process group: the worker and its pool, nothing cleans up."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                self.kill(process)

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n" + path.read_text(errors="replace")[-3000:]
            for path in sorted(self.tmp_path.glob("*.log"))
        )


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.fail("the Celery integration tests need redis-server (apt-get install redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.process is not None and server.process.poll() is None:
        server.kill()


@pytest.fixture
def probe_table(transactional_db: None) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {PROBE_TABLE} (id bigserial PRIMARY KEY, deadline_id bigint NOT NULL, "
            "pid integer NOT NULL, at timestamptz NOT NULL DEFAULT now())"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {PROBE_TABLE}")


@pytest.fixture
def processes(tmp_path: Path, redis: RedisServer, probe_table: None) -> Iterator[Processes]:
    started = Processes(tmp_path, redis)
    yield started
    started.stop_all()
    print(started.logs())  # pytest shows it only when the test failed


def _probes(count: int, *, in_seconds: float, **payload: Any) -> list[int]:
    due_at = timezone.now() + timedelta(seconds=in_seconds)
    rows = Deadline.objects.bulk_create(
        Deadline(
            rule=Rule.ACTIVATION_CODE,
            key=f"probe:{in_seconds}:{n}",
            action="test_probe",
            due_at=due_at,
            next_attempt_at=due_at,
            due_on=timezone.localdate(due_at),
            payload=payload,
        )
        for n in range(count)
    )
    return [row.pk for row in rows]


def _runs() -> dict[int, int]:
    """How many times each deadline's action committed."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT deadline_id, count(*) FROM {PROBE_TABLE} GROUP BY deadline_id")
        return dict(cursor.fetchall())


def _all_done(ids: list[int]) -> Callable[[], bool]:
    return lambda: (
        Deadline.objects.filter(pk__in=ids, state=Deadline.State.DONE).count() == len(ids)
    )


def test_a_due_deadline_fires_exactly_once(processes):
    ids = _probes(20, in_seconds=2)
    processes.worker()
    processes.beat()

    _wait_until(_all_done(ids), timeout=30, what="20 deadlines to fire")
    time.sleep(3)  # three more sweeps find nothing to do

    assert _runs() == {pk: 1 for pk in ids}
    assert set(Deadline.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}
    assert set(Deadline.objects.filter(pk__in=ids).values_list("result", flat=True)) == {"probe"}


def test_two_sweepers_at_once_still_fire_each_deadline_once(processes):
    # A lease longer than the backlog takes: a second claim of a row could only come from two
    # sweepers taking it at the same moment.
    processes.env["DEADLINE_LEASE_SECONDS"] = "120"
    ids = _probes(300, in_seconds=4, sleep=0.01)
    # The wrong topology on purpose: two beats (each sweeping every second), two workers, and
    # the sweep command run by hand at the same time.
    processes.worker("worker-a")
    processes.worker("worker-b")
    processes.beat("beat-a")
    processes.beat("beat-b")
    time.sleep(max(0.0, (Deadline.objects.get(pk=ids[0]).due_at - timezone.now()).total_seconds()))
    command = processes.sweep_command("sweep-command")

    _wait_until(_all_done(ids), timeout=60, what="300 deadlines to fire")
    assert command.wait(30) == 0

    assert _runs() == {pk: 1 for pk in ids}
    assert set(Deadline.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}


def test_a_worker_killed_in_the_middle_of_an_action_does_it_once_after_restart(processes, tmp_path):
    started = tmp_path / "started"
    [pk] = _probes(1, in_seconds=1, sleep=60, started_file=str(started))
    worker = processes.worker("first")
    processes.beat()
    _wait_until(started.exists, timeout=30, what="the action to start")

    Processes.kill(worker)  # kill -9 mid-action: its transaction never commits
    assert _runs() == {}
    assert Deadline.objects.get(pk=pk).state == Deadline.State.PENDING

    processes.worker("second")
    _wait_until(_all_done([pk]), timeout=LEASE_SECONDS + 30, what="the re-run after restart")

    assert _runs() == {pk: 1}
    assert len(started.read_text().split()) == 2  # started twice, committed once
    assert Deadline.objects.get(pk=pk).attempts == 2  # claimed again once the lease ran out


def test_deadlines_pending_while_redis_is_flushed_and_restarted_all_fire_once(processes, redis):
    soon = _probes(10, in_seconds=3, sleep=0.2)
    later = _probes(10, in_seconds=10)
    worker = processes.worker()
    processes.beat()
    _wait_until(lambda: len(_runs()) >= 2, timeout=30, what="the first deadlines to fire")

    assert redis.cli("FLUSHALL") == "OK"  # queued run messages are gone
    redis.kill()
    time.sleep(1)
    redis.start()  # empty: nothing survived in the broker

    def all_done_under_a_supervisor() -> bool:
        # A worker may exit on losing its broker (kombu can fail while reconnecting); in
        # production docker-compose starts it again (restart: unless-stopped), so does this.
        nonlocal worker
        if worker.poll() is not None:
            worker = processes.worker()
        return _all_done(soon + later)()

    _wait_until(
        all_done_under_a_supervisor, timeout=LEASE_SECONDS + 40, what="every deadline to fire"
    )
    assert _runs() == {pk: 1 for pk in soon + later}
