"""Forms of the public pages. They check shape only; the registry's rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _


class DirectTextInput(forms.TextInput):
    """A TextInput written out in Python, the same markup as Django's templates give.

    Django renders a widget through the form renderer's templates (text.html, input.html,
    attrs.html): on the RUT lookup, the busiest page, that was a fifth of the request's CPU.
    The attributes, aria-describedby and aria-invalid included, still come from BoundField and
    get_context(); only the three templates are written out here, attribute order kept
    (tests/registry/test_public_pages.py compares both renderings).
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        attributes = "".join(
            f" {conditional_escape(key)}" if item is True else format_html(' {}="{}"', key, item)
            for key, item in widget["attrs"].items()
            if item is not False
        )
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            shown,
            mark_safe(attributes),  # escaped item by item above
        )


class RutLookupForm(forms.Form):
    """Consulta del estado del RUT: a NIT with or without its DV."""

    nit = forms.CharField(
        label=_("NIT"),
        max_length=25,
        # HTML, as in Django's own field templates: the examples must not break at the hyphen.
        help_text=_(
            'Sin dígito de verificación (<span class="nowrap">900373913</span>) o con él '
            'después de un guion (<span class="nowrap">900.373.913-4</span>).'
        ),
        error_messages={"required": _("Escriba el NIT que quiere consultar.")},
        widget=DirectTextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}
        ),
    )
