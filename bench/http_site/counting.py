"""Statements per request, answered in a response header when the bench asks for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponseBase

HEADER = "HTTP_X_BENCH_STATEMENTS"


class StatementCountMiddleware:
    """With `X-Bench-Statements: 1` on the request, `X-Bench-Statements: <n>` on the response
    (and the first word of each statement in `X-Bench-Statement-Kinds`); otherwise nothing, so
    the measured requests pay one dictionary lookup."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if HEADER not in request.META:
            return self.get_response(request)
        kinds: list[str] = []

        def count(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
            kinds.append(sql.lstrip().split(None, 1)[0].upper())
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            response = self.get_response(request)
        response["X-Bench-Statements"] = str(len(kinds))
        response["X-Bench-Statement-Kinds"] = " ".join(kinds)
        return response
