"""The frame of a public page, rendered once per language and process around each request's part.

The RUT lookup and the document verification pages are base.html (head, header, footer) and a
heading around a small part that depends on the request: the form with what was typed, and the
result. Rendering the frame's templates and their translations cost several times the rest of
the request (issue 18). Nothing in it belongs to a visitor: no session data, no CSRF token (the
forms are GET forms), nothing of the request but the language and the view's own path (the
header's aria-current), the same for every request to that view. So a PageShell renders its
template once per language with a marker where the request's part goes, keeps the text before
and after it, and each request renders only its part.

A part can be made cheap the same way (PagePart): the verification page's is labels, headings
and notices around a dozen of the document's values, the lookup's a form and an inscrito's few
public facts, and translating and rendering them cost more than the rest of the request. A
PagePart renders its template once per language and shape with a stand-in where each value
goes, and each request puts its values, escaped, in their places.

A new release is a new process; a setting changed (tests) or a template edited under runserver
forgets the frames and parts.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.autoreload import file_changed
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Never in a template's text nor in escaped data (a NUL): where the request's part goes.
_MARKER = "\x00page-part\x00"

_frames: dict[tuple[str, str], tuple[str, str]] = {}

# Where a value of a PagePart goes: a token drawn per process (no template's text nor anyone's
# data can imitate it), the value's name and a dot. Escaping leaves it as it is, and a form
# field takes it as text, so a bound form can show it as what was typed (short: the lookup's
# NIT field takes 25 characters, and "<token>.typed." must fit).
_TOKEN = f"s{secrets.token_hex(6)}"
_SLOT = re.compile(re.escape(_TOKEN) + r"\.(\w+)\.")

_parts: dict[tuple[Any, ...], list[str]] = {}


@receiver(setting_changed)
@receiver(file_changed)
def _forget_frames(**kwargs: Any) -> None:
    _frames.clear()
    _parts.clear()


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


class PagePart:
    """`template_name` rendered once per language and shape, each request's values in their places.

    `render(shape, values)`: the shape's items are plain values (strings, booleans, None) that
    decide what the part shows, given to the template as they are. The values are the request's
    text: the template may only print them (`{{ name }}`, a form field bound to one, or a
    {% blocktranslate %} variable) and test whether they are empty, never filter them (a filter
    would act on the stand-in). An empty value is rendered as "" (so `{% if %}` and `|default`
    see it) and which values are empty is part of the shape; any other is a stand-in in the text
    kept, replaced by the value, escaped as the template would have escaped it. So the text kept
    holds nobody's data, and there are at most two shapes per value that may be empty and per
    shape item.

    `context` builds the template's context from the shape and the stand-ins (a form bound to
    them, a record made of them); by default it is they themselves.
    """

    def __init__(
        self,
        template_name: str,
        context: Callable[[dict[str, object]], dict[str, Any]] = dict,
    ) -> None:
        self.template_name = template_name
        self.context = context

    def render(self, shape: Mapping[str, object], values: Mapping[str, str]) -> SafeString:
        empty = tuple(name for name, value in values.items() if not value)
        key = (self, get_language(), *shape.items(), empty)
        pieces = _parts.get(key)
        if pieces is None:
            stand_ins = {name: value and f"{_TOKEN}.{name}." for name, value in values.items()}
            html = render_to_string(self.template_name, self.context({**shape, **stand_ins}))
            pieces = _parts[key] = _SLOT.split(html)  # [text, name, text, name, ..., text]
        filled = [pieces[0]]
        for at in range(1, len(pieces), 2):
            filled += (conditional_escape(values[pieces[at]]), pieces[at + 1])
        return mark_safe("".join(filled))
