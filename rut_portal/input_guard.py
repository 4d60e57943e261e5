"""Control characters never reach a form, a serializer or the database.

NUL cannot be stored in a PostgreSQL text column (the driver raises, a 500), and the other C0/C1
control characters have no place in a name, an address or a code. This middleware looks at every
query-string and form value and every string of a JSON body before any view runs; one with such a
character gets a 400 that names the field, in Spanish: an HTML page for people, a DRF-style
`{"field": ["..."]}` for the API. Tab, line feed and carriage return are text and pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponseBase, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
# Bodies up to this size are inspected (the largest upload accepted, 10 MB, plus the form).
INSPECTED_BYTES = 11 * 1024 * 1024
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(value: str) -> bool:
    return CONTROL.search(value) is not None


def _json_strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path, str(key)
            yield from _json_strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{path}.{index}" if path else str(index))


def offending_in(*sources: Any) -> str | None:
    """The first name or value of these QueryDicts / dicts with a control character, or None."""
    for source in sources:
        items = source.lists() if hasattr(source, "lists") else source.items()
        for name, values in items:
            texts = values if isinstance(values, list) else [values]
            if has_control_characters(str(name)) or any(
                isinstance(v, str) and has_control_characters(v) for v in texts
            ):
                return CONTROL.sub("?", str(name))
    return None


def message() -> str:
    return _(
        "El texto contiene caracteres de control (como el carácter nulo) que no se aceptan. "
        "Escríbalo de nuevo sin copiarlo de otro programa."
    )


def offending_field(request: HttpRequest) -> str | None:
    """The first parameter (name or value) with a control character, or None."""
    query = request.GET
    if request.path.startswith(API_PREFIX):
        # The API validates its own query parameters (and documents its answers): only JSON
        # bodies are checked here; its base view checks form bodies once parsed.
        query = QueryDict()
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return offending_in(query)
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError, RequestDataTooBig):
            return offending_in(query)  # not JSON, or too large: the view answers
        for path, text in _json_strings(body, ""):
            if has_control_characters(text):
                return path or "non_field_errors"
        return offending_in(query)
    if request.path.startswith(API_PREFIX):
        # The API parses (and sizes, and refuses unsupported) form bodies itself; its base view
        # calls offending_in on the parsed data (api.common.EntityApi).
        return None
    if int(request.META.get("CONTENT_LENGTH") or 0) > INSPECTED_BYTES:
        return offending_in(request.GET)  # larger than any upload we accept: refused unread
    try:
        files = {
            name: [upload.name or "" for upload in uploads]
            for name, uploads in request.FILES.lists()
        }
        return offending_in(request.GET, request.POST, files)
    except MultiPartParserError:
        return None


class RejectControlCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        field = offending_field(request)
        if field is None:
            return self.get_response(request)
        message = _(
            "El texto contiene caracteres de control (como el carácter nulo) que no se aceptan. "
            "Escríbalo de nuevo sin copiarlo de otro programa."
        )
        if request.path.startswith("/api/"):
            return JsonResponse({field: [message]}, status=400)
        return render(request, "bad_input.html", {"field": field, "message": message}, status=400)
