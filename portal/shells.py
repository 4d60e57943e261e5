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

from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.autoreload import file_changed
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

# Never in a template's text nor in escaped data (a NUL): where the request's part goes.
_MARKER = "\x00page-part\x00"

_frames: dict[tuple[str, str], tuple[str, str]] = {}


@receiver(setting_changed)
@receiver(file_changed)
def _forget_frames(**kwargs: Any) -> None:
    _frames.clear()


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
