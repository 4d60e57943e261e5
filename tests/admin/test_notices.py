"""The inbox of notices of a seccional: the five-year notice of a cancelación de oficio
(procedure, activity 12), the oficio remisorio of a forwarded case (activity 4) and the customs
notice reach the receiving seccional's officials, who open them (PDF) and acknowledge them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from procedures.models import CaseDocument, Communication, NoticeAcknowledgment
from procedures.selectors import seccional_notices
from procedures.services.communications import communicate_decision
from procedures.services.intake import (
    attach_document,
    check_requirements,
    decide_jurisdiction,
    receive_case,
)
from procedures.services.notices import acknowledge_notice
from procedures.services.processing import approve_cancellation
from registry.models import AuditEntry, SeccionalAssignment
from rut_portal.errors import Conflict, NotAllowed
from tests.admin.conftest import OTHER, OWN, cancellation, client_for, registrant_in
from tests.factories import judicial_cancellation_request, pdf_upload

pytestmark = pytest.mark.django_db

INBOX = reverse("admin:procedures_communication_changelist")


def _five_year_notice(director, **overrides) -> Communication:
    """A cancelación de oficio of a Bogotá inscrito who was in Medellín three years ago."""
    registrant = registrant_in(OWN, **overrides)
    now = timezone.now()
    SeccionalAssignment.objects.create(
        registrant=registrant,
        seccional_id=OTHER,
        started_at=now - timedelta(days=1500),
        ended_at=now - timedelta(days=1000),
    )
    case = approve_cancellation(cancellation(registrant, "awaiting_approval"), by=director)
    communicate_decision(case, by=None)
    return Communication.objects.get(case=case, kind="to_seccional", seccional_id=OTHER)


def _forwarding_notice(official) -> Communication:
    """A cancellation received in Bogotá for a Medellín inscrito, forwarded to Medellín."""
    case = receive_case(judicial_cancellation_request(registrant_in(OTHER)), by=official)
    attach_document(case, kind=CaseDocument.Kind.JUDICIAL_ORDER, file=pdf_upload(), by=official)
    decide_jurisdiction(check_requirements(case, by=official, met=True), by=official)
    return Communication.objects.get(case=case, kind="forwarding")


def test_the_receiving_seccional_lists_its_notices_and_the_sender_does_not(
    director, official, official_of_other_seccional, django_assert_max_num_queries
) -> None:
    five_years = _five_year_notice(director)
    forwarded = _forwarding_notice(official)

    client = client_for(official_of_other_seccional)

    with django_assert_max_num_queries(10):
        response = client.get(INBOX)

    assert {n.pk for n in response.context["notices"]} == {five_years.pk, forwarded.pk}
    page = response.content.decode()
    assert "Aviso a seccional (últimos cinco años)" in page
    assert "Oficio remisorio a la seccional competente" in page
    assert "2 avisos pendientes de acuse de recibo." in page
    own_notices = {n.pk for n in seccional_notices(official)}
    assert five_years.pk not in own_notices and forwarded.pk not in own_notices


def test_the_customs_notice_goes_to_the_inbox_of_the_inscritos_seccional(director) -> None:
    registrant = registrant_in(OWN, customs_qualities=["01"])
    case = approve_cancellation(cancellation(registrant, "awaiting_approval"), by=director)

    communicate_decision(case, by=None)

    customs = Communication.objects.get(case=case, kind="to_customs")
    assert customs.seccional_id == OWN
    assert customs in seccional_notices(director)


def test_acknowledging_a_notice_records_who_and_when_and_is_audited(
    director, official_of_other_seccional
) -> None:
    notice = _five_year_notice(director)

    response = client_for(official_of_other_seccional).post(
        reverse("admin:procedures_communication_acknowledge", args=[notice.pk])
    )

    assert response.status_code == 302
    acknowledgment = NoticeAcknowledgment.objects.get(communication=notice)
    assert acknowledgment.by == official_of_other_seccional
    assert timezone.now() - acknowledgment.at < timedelta(minutes=1)
    entry = AuditEntry.objects.get(action="notice_acknowledged")
    assert (entry.actor, entry.case_number, entry.registrant) == (
        official_of_other_seccional,
        notice.case.number,
        notice.case.registrant,
    )
    assert "actividad 12" in entry.legal_basis
    listed = client_for(official_of_other_seccional).get(INBOX).content.decode()
    assert "0 avisos pendientes de acuse de recibo." in listed


def test_a_notice_is_acknowledged_once(director, official_of_other_seccional) -> None:
    notice = _five_year_notice(director)
    acknowledge_notice(notice, by=official_of_other_seccional)

    with pytest.raises(Conflict, match="ya acusó recibo de este aviso el"):
        acknowledge_notice(notice, by=official_of_other_seccional)
    assert AuditEntry.objects.filter(action="notice_acknowledged").count() == 1


def test_another_seccional_can_neither_open_nor_acknowledge_the_notice(director, official) -> None:
    notice = _five_year_notice(director)  # addressed to Medellín; official is of Bogotá
    client = client_for(official)

    opened = client.post(reverse("admin:procedures_communication_pdf", args=[notice.pk]))
    acknowledged = client.post(
        reverse("admin:procedures_communication_acknowledge", args=[notice.pk])
    )

    assert opened.status_code == acknowledged.status_code == 403
    assert "El aviso está dirigido a la" in acknowledged.content.decode()
    assert not NoticeAcknowledgment.objects.exists()
    with pytest.raises(NotAllowed):
        acknowledge_notice(notice, by=official)


def test_the_receiving_seccional_opens_the_notice_as_a_pdf(
    director, official_of_other_seccional
) -> None:
    notice = _five_year_notice(director)
    client = client_for(official_of_other_seccional)

    response = client.post(reverse("admin:procedures_communication_pdf", args=[notice.pk]))
    pdf = client.get(response["Location"])

    assert response.status_code == 302
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
