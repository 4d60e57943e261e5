"""Forms of the public pages. They check shape only; the registry's rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}
        ),
    )
