"""Decreto 2460 de 2013, art. 13 par. 3 on the portal's retiro de IVA page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import PendingFiling
from procedures.models import Case, CaseDocument, CaseType
from tests.clock import TODAY
from tests.factories import make_natural
from tests.portal.conftest import PASSWORD
from tests.portal.test_filings import CESSATION, FACT_DATE, _sign

pytestmark = pytest.mark.django_db
URL = reverse("portal:withdrawal", args=["iva"])
DECLARATIONS = {f"declaration_{i}": "on" for i in range(5)}


def _signed_in(client, account, responsibilities):
    make_natural(
        document_number=account.document_number,
        email=account.email,
        responsibilities=responsibilities,
    )
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )
    return client


def test_art_13_par_3_the_page_asks_for_no_final_inventory_and_the_new_activity(client, account):
    client = _signed_in(client, account, ["05", "48"])

    page = client.post(
        URL, {**DECLARATIONS, "motive": "cessation", "fact_date": FACT_DATE}
    ).content.decode()

    assert "No tengo inventario final pendiente de venta." in page
    assert "Mi nueva actividad económica" in page
    assert not PendingFiling.objects.exists()


def test_art_13_par_3_a_bookkeeper_uploads_the_accountants_certification(
    client, account, django_capture_on_commit_callbacks
):
    client = _signed_in(client, account, ["05", "42", "48"])
    assert "Certificación del revisor fiscal o contador público" in client.get(URL).content.decode()
    certification = SimpleUploadedFile("cert.pdf", b"%PDF-1.4 cert", "application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            {
                **DECLARATIONS,
                "motive": "cessation",
                "fact_date": FACT_DATE,
                "no_final_inventory": "on",
                "certified_by": "María Gómez, TP 12345-T",
                "certification": certification,
            },
            follow=True,
        )
    _sign(client, django_capture_on_commit_callbacks, response)

    case = Case.objects.get(case_type=CaseType.UPDATE)
    assert case.documents.get().kind == CaseDocument.Kind.VAT_CESSATION_CERTIFICATE
    assert case.payload["cessation"]["no_final_inventory"] is True
    assert CESSATION  # the statement path is exercised in test_filings


def test_art_13_par_2_a_change_of_regime_states_each_of_the_three_previous_years(
    client, account, django_capture_on_commit_callbacks
):
    client = _signed_in(client, account, ["05", "48"])
    years = [TODAY.year - n for n in (1, 2, 3)]
    base = {**DECLARATIONS, "motive": "regime_change", "fact_date": FACT_DATE}
    two_years = {f"regime_year_{y}": "on" for y in years[:2]}

    page = client.post(URL, {**base, **two_years}).content.decode()

    assert f"falta: {years[2]}" in page
    assert not PendingFiling.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL, {**base, **{f"regime_year_{y}": "on" for y in years}}, follow=True
        )
    _sign(client, django_capture_on_commit_callbacks, response)
    case = Case.objects.get(case_type=CaseType.UPDATE)
    assert case.payload["cessation"]["regime_years"] == sorted(years)
