"""{% frozen %}: fragments the same for everyone, rendered once per process
(rut_portal.fragments)."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from rut_portal import fragments


@pytest.fixture(autouse=True)
def _no_fragments_kept():
    fragments._fragments.clear()
    yield
    fragments._fragments.clear()


def _render(source: str, **context) -> str:
    return Template("{% load i18n fragments %}" + source).render(Context(context))


def test_the_body_sees_only_the_values_it_is_keyed_on() -> None:
    source = "{% frozen who %}{{ who }}:{{ secret }}{% endfrozen %}"

    assert _render(source, who="ana", secret="1234") == "ana:"
    assert _render(source, who="luis", secret="5678") == "luis:"


def test_a_fragment_is_rendered_once_per_key(monkeypatch) -> None:
    template = Template("{% load fragments %}{% frozen who %}<b>{{ who }}</b>{% endfrozen %}")
    rendered = []
    original = fragments.FrozenNode._render_alone

    def counting(self, *args, **kwargs):
        rendered.append(args[1])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(fragments.FrozenNode, "_render_alone", counting)

    pages = [template.render(Context({"who": who})) for who in ("ana", "ana", "luis", "ana")]

    assert pages == ["<b>ana</b>", "<b>ana</b>", "<b>luis</b>", "<b>ana</b>"]
    assert rendered == [["ana"], ["luis"]]


def test_each_language_has_its_own_fragment() -> None:
    source = '{% frozen %}{% translate "Yes" %}{% endfrozen %}'

    with translation.override("es-co"):
        spanish = _render(source)
    with translation.override("en"):
        english = _render(source)

    assert (spanish, english) == ("Sí", "Yes")


def test_each_response_gets_its_own_csrf_token() -> None:
    source = "{% frozen %}<form>{% csrf_token %}</form>{% endfrozen %}"

    first = _render(source, csrf_token="a" * 64)
    second = _render(source, csrf_token="b" * 64)

    assert (
        first == f'<form><input type="hidden" name="csrfmiddlewaretoken" value="{"a" * 64}"></form>'
    )
    assert second == first.replace("a" * 64, "b" * 64)
    assert _render(source) == "<form></form>"
    assert _render(source, csrf_token="NOTPROVIDED") == "<form></form>"


def test_a_fragment_without_a_form_never_reads_the_token() -> None:
    read: list[int] = []

    def token_value() -> str:
        read.append(1)
        return "d" * 64

    token = SimpleLazyObject(token_value)

    assert _render("{% frozen %}<p>x</p>{% endfrozen %}", csrf_token=token) == "<p>x</p>"
    assert read == []  # reading it would send the CSRF cookie with a page that has no form


def test_the_csrf_token_reaches_an_included_form() -> None:
    page = _render(
        '{% frozen %}{% include "portal/_menu.html" %}{% endfrozen %}', csrf_token="c" * 64
    )

    assert f'name="csrfmiddlewaretoken" value="{"c" * 64}"' in page


def test_a_block_inside_is_refused() -> None:
    with pytest.raises(TemplateSyntaxError, match="block"):
        _render("{% frozen %}{% block title %}{% endblock %}{% endfrozen %}")


def test_it_keys_on_variables_holding_plain_values_only() -> None:
    with pytest.raises(TemplateSyntaxError, match="keys on variables"):
        _render("{% frozen who|upper %}{% endfrozen %}")
    with pytest.raises(TypeError, match="plain values"):
        _render("{% frozen who %}{% endfrozen %}", who=object())


def test_the_fragments_kept_are_bounded() -> None:
    template = Template("{% load fragments %}{% frozen n %}{{ n }}{% endfrozen %}")

    for n in range(fragments.MAX_FRAGMENTS + 10):
        assert template.render(Context({"n": n})) == str(n)

    assert len(fragments._fragments) == fragments.MAX_FRAGMENTS


def test_a_changed_setting_drops_them() -> None:
    _render("{% frozen %}x{% endfrozen %}")

    with override_settings(STATIC_URL="/otro/"):
        assert fragments._fragments == {}


def test_the_language_is_looked_up_once_per_page(monkeypatch) -> None:
    looked_up = []
    original = fragments.get_language

    def counting() -> str:
        looked_up.append(1)
        return original()

    monkeypatch.setattr(fragments, "get_language", counting)
    source = "".join(f"{{% frozen %}}<{tag}>{{% endfrozen %}}" for tag in "abc")

    assert _render(source) == "<a><b><c>"
    assert _render(source) == "<a><b><c>"
    assert len(looked_up) == 2


def test_an_autoescape_block_keeps_its_own_fragment() -> None:
    source = (
        "{% frozen who %}{{ who }}{% endfrozen %}"
        "{% autoescape off %}{% frozen who %}{{ who }}{% endfrozen %}{% endautoescape %}"
    )

    assert _render(source, who="<i>") == "&lt;i&gt;<i>"
