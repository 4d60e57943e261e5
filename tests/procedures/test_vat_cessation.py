"""Decreto 2460 de 2013, art. 13 par. 3: the supports of a cessation of IVA activities."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from procedures.models import Case, CaseDocument, CaseType, Cause, Channel, Mode, RequesterKind
from procedures.services.intake import CaseRequest
from procedures.services.withdrawals import (
    REGIME_CHANGE,
    CessationEvidence,
    receive_withdrawal,
    regime_change_years,
)
from registry.validation import data_from_registrant
from rut_portal.errors import InvalidData
from tests.clock import TODAY
from tests.factories import make_natural

pytestmark = pytest.mark.django_db


def _request(person):
    data = data_from_registrant(person)
    data.responsibilities = sorted({*data.responsibilities} - {"48"} | {"49"})
    return CaseRequest(
        case_type=CaseType.UPDATE,
        channel=Channel.IN_PERSON,
        cause=Cause.INSCRITO_REQUEST,
        requester_kind=RequesterKind.USER,
        requester_name=person.display_name,
        registrant=person,
        mode=Mode.ASSISTED,
        data=data,
        fact_date=TODAY,
    )


def test_art_13_par_3_a_vat_withdrawal_without_supports_is_refused(official):
    person = make_natural(responsibilities=["05", "48"])

    with pytest.raises(InvalidData) as refused:
        receive_withdrawal(_request(person), responsibility="48", by=official)

    assert {"no_final_inventory", "no_taxed_sales", "new_activity"} <= refused.value.errors.keys()
    assert not Case.objects.exists()


def test_art_13_par_3_a_bookkeeper_needs_the_accountants_certification(official):
    person = make_natural(responsibilities=["05", "42", "48"])
    statement = CessationEvidence(
        no_final_inventory=True, no_taxed_sales=True, new_activity="Consultoría"
    )

    with pytest.raises(InvalidData) as refused:
        receive_withdrawal(_request(person), responsibility="48", by=official, evidence=statement)
    assert "revisor fiscal o contador público" in refused.value.errors["certification"][0]

    certified = CessationEvidence(
        no_final_inventory=True,
        certified_by="María Gómez, TP 12345-T",
        certification=[SimpleUploadedFile("cert.pdf", b"%PDF-1.4 cert")],
    )
    case = receive_withdrawal(
        _request(person), responsibility="48", by=official, evidence=certified
    )

    assert case.documents.get().kind == CaseDocument.Kind.VAT_CESSATION_CERTIFICATE
    assert case.payload["cessation"]["certified_by"] == "María Gómez, TP 12345-T"


def test_art_13_par_2_a_change_of_regime_needs_each_of_the_three_previous_years(official):
    person = make_natural(responsibilities=["05", "48"])
    last_two = CessationEvidence(motive=REGIME_CHANGE, regime_years=[TODAY.year - 1, TODAY.year])

    with pytest.raises(InvalidData) as refused:
        receive_withdrawal(_request(person), responsibility="48", by=official, evidence=last_two)

    assert f"falta: {TODAY.year - 2}, {TODAY.year - 3}" in refused.value.errors["regime_years"][0]
    three = CessationEvidence(motive=REGIME_CHANGE, regime_years=regime_change_years(TODAY))
    case = receive_withdrawal(_request(person), responsibility="48", by=official, evidence=three)
    assert case.payload["cessation"]["motive"] == REGIME_CHANGE
