"""The form where a person types the verification code printed on a document."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.codes import normalize_code


class VerificationCodeForm(forms.Form):
    codigo = forms.CharField(
        label=_("Código de verificación"),
        max_length=30,
        help_text=_("Los 12 caracteres impresos junto al código QR, por ejemplo ABCD-2345-EFGH."),
        error_messages={"required": _("Escriba el código de verificación del documento.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )

    def clean_codigo(self) -> str:
        code = normalize_code(self.cleaned_data["codigo"])
        if code is None:
            raise forms.ValidationError(
                _("El código tiene 12 letras y números (sin I, L, O ni U); revíselo.")
            )
        return code
