"""Decreto 2460 de 2013, art. 15 par. 2: a suspended inscrito keeps its obligations, and is told."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents.contexts.formulario import formulario_legend
from procedures.models import Communication, Decision
from procedures.services.communications import _planned
from registry.models import Registrant
from registry.selectors import registrant_by_document
from registry.services.states import change_state
from tests.factories import make_natural
from tests.portal.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NOTICE = "La suspensión no lo exime de cumplir sus deberes formales y sustanciales con la DIAN"


def test_art_15_par_2_mi_rut_tells_a_suspended_inscrito_it_keeps_its_obligations(client, account):
    registrant = make_natural(document_number=account.document_number, email=account.email)
    change_state(registrant, transition_name="suspend", by=None, reason="Orden judicial")
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )

    page = client.get(reverse("portal:home")).content.decode()

    assert NOTICE in page
    assert registrant_by_document("13", account.document_number).state == "suspended"


def test_art_15_par_2_the_formulario_001_of_a_suspension_carries_the_legend():
    legend = formulario_legend(Registrant.State.SUSPENDED, copy=False)

    assert NOTICE in str(legend.note)
    assert NOTICE not in str(formulario_legend(Registrant.State.ACTIVE, copy=False).note)


def test_art_15_par_2_the_communication_of_a_granted_suspension_says_it(official):
    from procedures.models import Case, CaseType

    registrant = make_natural()
    case = Case(
        number="2026-9999999",
        case_type=CaseType.SUSPENSION,
        registrant=registrant,
        requester_kind="dian_area",
        requester_name="Fiscalización",
        decision=Decision.GRANTED,
    )

    planned = _planned(case)

    to_registrant = [c for c in planned if c.kind == Communication.Kind.TO_REGISTRANT]
    assert NOTICE in to_registrant[0].body
