"""rut_portal.db.postgresql: a kept connection is checked by its socket, replaced when ended."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.db import close_old_connections, connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kept_connection(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The connection kept between requests with its health checked, as in production."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    connection.close()
    connection.connect()
    yield
    connection.close()


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    return int(pid)


def from_another_connection(sql: str, params: list[int]) -> list[tuple[object, ...]]:
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        other.close()


def next_request() -> None:
    """What Django does when a request ends and the next one starts."""
    close_old_connections()
    close_old_connections()


def test_it_keeps_a_healthy_connection_without_asking_the_server(kept_connection) -> None:
    pid = backend_pid()
    kept = connection.connection
    next_request()

    connection.close_if_health_check_failed()  # what the request's first statement does first

    assert connection.connection is kept
    # The server's last statement on the connection is still the previous request's, not SELECT 1.
    last = from_another_connection("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
    assert last == [("SELECT pg_backend_pid()",)]
    assert backend_pid() == pid


def test_a_connection_the_server_ended_is_replaced_before_the_next_statement(
    kept_connection,
) -> None:
    pid = backend_pid()
    assert from_another_connection("SELECT pg_terminate_backend(%s)", [pid]) == [(True,)]
    deadline = time.monotonic() + 10
    while from_another_connection("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]):
        assert time.monotonic() < deadline, "the backend did not exit"
        time.sleep(0.01)
    next_request()

    new_pid = backend_pid()  # no error: the ended connection was closed and a new one opened

    assert new_pid != pid


def test_a_connection_closed_on_this_side_is_replaced(kept_connection) -> None:
    pid = backend_pid()
    connection.connection.close()
    next_request()

    assert backend_pid() != pid
