"""`{% frozen %}…{% endfrozen %}`: a fragment the same for everyone, rendered once per process.

Much of a page depends on nobody: the site's header and footer, the Mi RUT menu (shown twice),
the labels of its tiles and tables. Their dozens of {% translate %}, {% url %} and {% static %}
cost the Mi RUT home more worker CPU than everything it reads. In

    {% load fragments %}
    {% frozen request.path may_cancel %} … {% endfrozen %}

the body is rendered for the active language and each combination of the values named (plain
strings, numbers, booleans or None), in a context holding those values and nothing else, and the
result is kept and given again. Nothing else of the page's context reaches the body, so it
cannot carry one person's data to another: a variable not named renders as "" (at once, in
tests). A {% csrf_token %} anywhere in the body (an included form too) is rendered for each
response, as it would be outside. {% block %} is refused inside: it belongs to the page.

The rendered fragments live in this process, at most MAX_FRAGMENTS of them (the least recently
used is dropped), and are dropped when a setting changes (tests).
"""

from __future__ import annotations

import itertools
import re
import secrets
import threading
from collections import OrderedDict
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.template.defaulttags import CsrfTokenNode
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

MAX_FRAGMENTS = 512
# The body's {% csrf_token %} renders a stand-in token, random per process so that no value a
# page shows can imitate it; each response replaces the whole input with its own.
_CSRF_STAND_IN = f"csrf{secrets.token_hex(16)}"
_CSRF_INPUT = CsrfTokenNode().render(Context({"csrf_token": _CSRF_STAND_IN}))
_KEY_TYPES = (str, int, float, bool, type(None))
_KEY_NAME = re.compile(r"[A-Za-z_]\w*(\.\w+)*")

_fragments: OrderedDict[tuple[Any, ...], SafeString] = OrderedDict()
_lock = threading.Lock()
_numbers = itertools.count()
_PAGE_KEY = "rut_portal.fragments:page"  # in the render context, which no template reads


@register.tag
def frozen(parser: Parser, token: Token) -> FrozenNode:
    names = token.split_contents()[1:]
    for name in names:
        if not _KEY_NAME.fullmatch(name):
            raise template.TemplateSyntaxError(f"{{% frozen %}} keys on variables, not {name!r}")
    nodelist = parser.parse(("endfrozen",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("{% frozen %} cannot hold a {% block %}")
    return FrozenNode(nodelist, [(name, parser.compile_filter(name)) for name in names])


class FrozenNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: NodeList, keys: list[tuple[str, FilterExpression]]) -> None:
        self.nodelist = nodelist
        self.keys = keys
        self.number = next(_numbers)  # not id(self): a template compiled again is a new node

    def render(self, context: Context) -> SafeString:
        values = [expression.resolve(context) for _name, expression in self.keys]
        for (name, _expression), value in zip(self.keys, values, strict=True):
            if not isinstance(value, _KEY_TYPES):
                raise TypeError(f"{{% frozen %}} keys on plain values; {name} is {type(value)}")
        key = (self.number, *_page_key(context), context.autoescape, *values)
        with _lock:
            fragment = _fragments.get(key)
            if fragment is not None:
                _fragments.move_to_end(key)
        if fragment is None:
            fragment = self._render_alone(context, values)
            with _lock:
                _fragments[key] = fragment
                if len(_fragments) > MAX_FRAGMENTS:
                    _fragments.popitem(last=False)
        if _CSRF_INPUT in fragment:
            # This response's {% csrf_token %}: its input, or "" where the page has no token.
            # Only then is the token read (reading it sends the CSRF cookie).
            return mark_safe(fragment.replace(_CSRF_INPUT, CsrfTokenNode().render(context)))
        return fragment

    def _render_alone(self, context: Context, values: list[Any]) -> SafeString:
        """The body in a context of the key values alone ("request.path" → request.path)."""
        alone: dict[str, Any] = {"csrf_token": _CSRF_STAND_IN}
        for (name, _expression), value in zip(self.keys, values, strict=True):
            *path, last = name.split(".")
            place = alone
            for part in path:
                place = place.setdefault(part, {})
            place[last] = value
        isolated = Context(alone, autoescape=context.autoescape)
        assert context.template is not None  # Template.render binds it: includes need it
        with isolated.bind_template(context.template):
            return SafeString(self.nodelist.render(isolated))


def _page_key(context: Context) -> tuple[str, str]:
    """The language and script prefix the page is rendered with: read once per page (the Mi
    RUT home has fourteen fragments, and each is a context-local lookup), kept in the render
    context's first level, which every template the page includes shares."""
    page: dict[Any, Any] = context.render_context.dicts[0]
    key: tuple[str, str] | None = page.get(_PAGE_KEY)
    if key is None:
        key = page[_PAGE_KEY] = (get_language(), get_script_prefix())
    return key


def _forget(**kwargs: Any) -> None:
    with _lock:
        _fragments.clear()


setting_changed.connect(_forget)
