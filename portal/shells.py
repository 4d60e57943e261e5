"""The frame of a public page, rendered once per language and process around each request's part.

The RUT lookup and the document verification pages are base.html (head, header, footer) and a
heading around a small part that depends on the request: the form with what was typed, and the
result. Rendering the frame's templates and their translations cost several times the rest of
the request (issue 18). Nothing in it belongs to a visitor: no session data, no CSRF token (the
forms are GET forms), nothing of the request but the language and the view's own path (the
header's aria-current), the same for every request to that view. So a PageShell renders its
template once per language with a marker where the request's part goes, keeps the text before
and after it, and each request renders only its part.

A new release is a new process; a setting changed (tests) or a template edited under runserver
forgets the frames.
"""

from __future__ import annotations

import itertools
import re
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.autoreload import file_changed
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

# Never in a template's text nor in escaped data (a NUL): where the request's part goes.
_MARKER = "\x00page-part\x00"

_frames: dict[tuple[str, str], tuple[str, str]] = {}

# Where a Stencil's value goes: random per process, so no value or template text can imitate it.
_STAND_IN_TOKEN = f"s{secrets.token_hex(6)}"
_STAND_IN = re.compile(re.escape(_STAND_IN_TOKEN) + r"\.(\w+)\.")
_stencils: dict[tuple[Any, ...], str] = {}
_stencil_numbers = itertools.count()


@receiver(setting_changed)
@receiver(file_changed)
def _forget_frames(**kwargs: Any) -> None:
    _frames.clear()
    _stencils.clear()


class PageShell:
    """`template_name` extends base.html and shows `{{ part }}` once, where each request's
    part goes."""

    def __init__(self, template_name: str) -> None:
        self.template_name = template_name

    def _frame(self, request: HttpRequest) -> tuple[str, str]:
        key = (self.template_name, get_language())
        frame = _frames.get(key)
        if frame is None:
            html = render_to_string(self.template_name, {"part": mark_safe(_MARKER)}, request)
            before, after = html.split(_MARKER)  # exactly one place for the part
            frame = _frames[key] = (before, after)
        return frame

    def response(self, request: HttpRequest, part: str, *, status: int = 200) -> HttpResponse:
        """The page with `part` (HTML, already escaped by its own template) in its place."""
        before, after = self._frame(request)
        return HttpResponse(before + part + after, status=status)


class Stencil:
    """A part rendered once per language and shape with stand-ins where its values go; each
    request fills in its values, escaped as the template escapes them.

    `context` builds the template's context from stand-ins alone (never from the request), so
    nothing of one request is kept for another. A stand-in is given for every value that is not
    empty and "" for an empty one, so the template's tests of a value ({% if %}, |default) still
    decide: the shape is the set of empty values. The template must show each value as it is,
    {{ value }}, with no filter but |default: tests/performance/test_page_costs.py compares both
    renderings.
    """

    def __init__(
        self, template_name: str, context: Callable[[Mapping[str, str]], dict[str, Any]]
    ) -> None:
        self.template_name = template_name
        self.context = context
        self.number = next(_stencil_numbers)

    def render(self, values: Mapping[str, str]) -> str:
        empty = frozenset(name for name, value in values.items() if not value)
        key = (self.number, get_language(), empty)
        stencil = _stencils.get(key)
        if stencil is None:
            stand_ins = {
                name: "" if name in empty else f"{_STAND_IN_TOKEN}.{name}." for name in values
            }
            stencil = _stencils[key] = render_to_string(self.template_name, self.context(stand_ins))
        # One pass: a value is never read again for stand-ins.
        return _STAND_IN.sub(lambda match: escape(values[match[1]]), stencil)
