"""DIAN's help for choosing responsibilities (casilla 53): plain questions, suggested codes.

Only a suggestion shown to the person before they choose: the codes they tick are checked by
registry.validation and the services like any others. Thresholds in UVT follow the Estatuto
Tributario (art. 437 par. 3 for IVA); the person answers whether they pass them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from registry.responsibilities import (
    BOOKKEEPING,
    ELECTRONIC_INVOICING,
    INCOME_TAX,
    NOT_VAT_RESPONSIBLE,
    SIMPLE_REGIME,
    VAT,
)

# DIAN's special codes for personas naturales without an economic activity of their own
# (asalariados, pensionados, sin actividad, subsidiadas, rentistas de capital).
NO_ACTIVITY_CODES = frozenset({"0010", "0020", "0081", "0082", "0090"})


@dataclass(frozen=True)
class Answers:
    """Yes (True), no (False) or not answered (None) to each question of the help."""

    employee_only: bool | None = None
    files_income_tax: bool | None = None
    sells_with_vat: bool | None = None
    over_vat_threshold: bool | None = None
    invoices: bool | None = None
    merchant: bool | None = None
    simple_regime: bool | None = None


def has_economic_activity(principal_code: str) -> bool:
    """Whether the principal CIIU activity is one of a business (not a DIAN special code)."""
    return bool(principal_code) and principal_code not in NO_ACTIVITY_CODES


def suggest_responsibilities(
    answers: Answers, *, principal_code: str, establishments: int
) -> list[tuple[str, str]]:
    """The codes the answers point to, each with the reason, in the order of casilla 53."""
    suggested: dict[str, str] = {}
    employee = answers.employee_only is True or not has_economic_activity(principal_code)
    if answers.simple_regime is True and not employee:
        suggested[SIMPLE_REGIME] = _(
            "Eligió el Régimen Simple de Tributación, que reemplaza la renta del régimen ordinario."
        )
        suggested[ELECTRONIC_INVOICING] = _(
            "Quien está en el Régimen Simple factura electrónicamente."
        )
    elif answers.files_income_tax is True:
        suggested[INCOME_TAX] = _("Debe declarar renta como persona natural.")
    if employee:
        return sorted(suggested.items())
    vat = answers.sells_with_vat is True and (
        answers.over_vat_threshold is True or establishments > 1
    )
    if vat:
        suggested[VAT] = _(
            "Vende bienes o presta servicios gravados y supera 3.500 UVT o tiene más de un "
            "establecimiento: cobra IVA."
        )
        suggested[ELECTRONIC_INVOICING] = _("Los responsables de IVA facturan electrónicamente.")
        if answers.merchant is True:
            suggested[BOOKKEEPING] = _(
                "Es comerciante y responsable de IVA: está obligado a llevar contabilidad."
            )
    elif answers.sells_with_vat is not None or answers.over_vat_threshold is not None:
        suggested[NOT_VAT_RESPONSIBLE] = _(
            "Tiene una actividad económica pero no cobra IVA: ingresos por debajo de 3.500 UVT y "
            "como máximo un establecimiento."
        )
    if answers.invoices is True and ELECTRONIC_INVOICING not in suggested:
        suggested[ELECTRONIC_INVOICING] = _("Expide facturas por sus ventas o servicios.")
    return sorted(suggested.items())
