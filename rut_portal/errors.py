"""Domain errors raised by services, and how the API turns them into responses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainError(Exception):
    """A refusal by a business rule; its message is Spanish and names the fact."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def as_field_errors(self) -> dict[str, list[str]]:
        return {self.field or "non_field_errors": [self.message]}


class InvalidData(DomainError):
    """Several field errors found at once, e.g. while validating an inscription."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        first = next(iter(errors.values()))[0]
        super().__init__(str(first))
        self.errors = errors

    def as_field_errors(self) -> dict[str, list[str]]:
        return self.errors


class Conflict(DomainError):
    """Someone else changed the record first, or the state no longer allows the action."""

    status_code = status.HTTP_409_CONFLICT


class NotAllowed(DomainError):
    """The actor lacks the permission or the scope for the action."""

    status_code = status.HTTP_403_FORBIDDEN


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(exc.as_field_errors(), status=exc.status_code)
    if isinstance(exc, PermissionDenied):
        exc = PermissionDenied(str(exc) or "No tiene permiso para esta acción.")
    return exception_handler(exc, context)
