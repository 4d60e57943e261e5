"""DIAN's responsibilities help: which answers suggest which codes of casilla 53."""

from __future__ import annotations

from registry.responsibility_help import Answers, suggest_responsibilities


def codes(answers: Answers, *, principal: str = "4711", establishments: int = 0) -> list[str]:
    return [
        code
        for code, _reason in suggest_responsibilities(
            answers, principal_code=principal, establishments=establishments
        )
    ]


def test_a_shop_under_the_threshold_is_not_responsible_for_vat():
    assert codes(Answers(sells_with_vat=True, over_vat_threshold=False)) == ["49"]


def test_over_the_threshold_a_merchant_charges_vat_invoices_and_keeps_books():
    answers = Answers(sells_with_vat=True, over_vat_threshold=True, merchant=True)
    assert codes(answers) == ["42", "48", "52"]


def test_a_second_establishment_makes_a_vat_seller_responsible():
    answers = Answers(sells_with_vat=True, over_vat_threshold=False)
    assert codes(answers, establishments=2) == ["48", "52"]


def test_an_employee_only_declares_income_tax_when_bound_to():
    employee = Answers(employee_only=True, files_income_tax=True, sells_with_vat=True)
    assert codes(employee, principal="0010") == ["05"]
    assert codes(Answers(files_income_tax=False), principal="0010") == []


def test_the_simple_regime_replaces_income_tax_and_invoices():
    answers = Answers(simple_regime=True, files_income_tax=True, sells_with_vat=False)
    assert codes(answers) == ["47", "49", "52"]
