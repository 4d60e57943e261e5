"""Django's PostgreSQL backend, with the health check of a kept connection read off its socket.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the first statement of every request
that reuses a connection: a round trip that costs each one-statement page (the Consulta del RUT,
the API's lookup, the verification page) nearly as much as its own statement (issue 18). Between
requests the connection is idle in autocommit, and the server writes on an idle connection only
to end it (pg_terminate_backend, a shutdown, idle_session_timeout: an error message, then the
socket closes); a server that dies closes the socket too. So a socket with nothing to read, polled
without waiting, is a connection the server still holds open, and it is kept as it is; when
anything is waiting, Django's `SELECT 1` decides, and an ended connection is replaced before the
request's statement, as before. What neither check sees (a host gone without closing its
sockets) the first statement meets as Django's `SELECT 1` would.

Only this check at the start of a request changes: after a request whose statements failed,
Django still asks `SELECT 1` whether the connection survived (close_if_unusable_or_obsolete).
"""

from __future__ import annotations

import select
from typing import Any

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    # Django's own, set by BaseDatabaseWrapper (django-stubs does not declare them).
    health_check_enabled: bool
    health_check_done: bool

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool  # a pool hands out checked connections: Django skips the check
            and _quiet(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()


def _quiet(connection: Any) -> bool:
    """Whether the connection is open with nothing from the server waiting on its socket."""
    if connection.closed:
        return False
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN)
    return not poller.poll(0)
