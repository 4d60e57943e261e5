"""Inscripción de oficio (Decreto 2460 de 2013, art. 12) and actualización de oficio (art. 14)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from procedures.models import Case, CaseType, Cause, Communication, Mode, OfficialFormat
from procedures.services.communications import communicate_decision
from procedures.services.ex_officio import (
    Order,
    UpdateGrounds,
    start_ex_officio_registration,
    start_ex_officio_update,
)
from procedures.services.intake import CaseRequest, receive_case
from procedures.services.processing import grant_case, propose_denial
from procedures.services.visits import record_visit
from registry.models import AuditEntry, Registrant
from registry.validation import data_from_registrant
from rut_portal.errors import Conflict, InvalidData, NotAllowed
from tests.clock import TODAY
from tests.factories import make_natural, natural_data, pdf_upload

pytestmark = pytest.mark.django_db


def _order(**overrides):
    values = dict(
        requester_kind="judicial_authority",
        requester_name="Juzgado 5 Laboral de Bogotá",
        requester_email="j05lbta@cendoj.example.co",
        act_number="Auto 2026-0451",
        act_date=TODAY - timedelta(days=10),
        act_issuer="Juzgado 5 Laboral del Circuito",
    )
    values.update(overrides)
    return Order(**values)


def _grounds(**overrides):
    values = dict(
        cause=Cause.DATA_OUTDATED,
        source="División de Fiscalización",
        facts="El cruce con la información exógena muestra otra dirección.",
        authorized_by="Jefe de la División de Servicio al Ciudadano",
    )
    values.update(overrides)
    return UpdateGrounds(**values)


def _new_address(person):
    data = data_from_registrant(person)
    data.address = "KR 7 32 16 OF 501"
    return data


def test_an_ex_officio_inscription_is_formalized_after_the_visit_and_communicated(official):
    data = natural_data(department="11", municipality="11001")
    case = start_ex_officio_registration(
        by=official, data=data, order=_order(), document=pdf_upload("auto.pdf")
    )
    assert case.state == Case.State.IN_PROCESS
    assert (case.case_type, case.mode) == (CaseType.REGISTRATION, Mode.EX_OFFICIO)
    assert case.registrant.state == Registrant.State.PRE_REGISTERED

    with pytest.raises(Conflict, match="visita de verificación"):
        grant_case(case, by=official)
    record_visit(case, by=official, visited_on=timezone.localdate(), result="confirmed")
    case = grant_case(case, by=official)
    registrant = Registrant.objects.get(pk=case.registrant_id)
    assert registrant.state == Registrant.State.ACTIVE
    formalization = registrant.audit_entries.get(action="formalize")
    assert formalization.legal_basis == "Decreto 2460 de 2013, art. 12"
    assert formalization.case_number == case.number

    sent = communicate_decision(case, by=official)
    letter = next(c for c in sent if c.kind == Communication.Kind.TO_REGISTRANT)
    assert letter.form_version == registrant.form_versions.latest("version")
    assert "plena validez legal (Decreto 2460 de 2013, art. 12)" in letter.body
    assert {c.kind for c in sent} == {
        Communication.Kind.TO_REGISTRANT,
        Communication.Kind.TO_REQUESTER,
    }
    step = case.steps.get(kind="communicated")
    assert step.legal_basis == "Decreto 2460 de 2013, art. 12"


def test_an_ex_officio_inscription_needs_an_order_naming_identification_location_and_class(
    official,
):
    data = natural_data(address="", activities=[], responsibilities=[])
    before = (Case.objects.count(), Registrant.objects.count())

    with pytest.raises(InvalidData) as error:
        start_ex_officio_registration(
            by=official,
            data=data,
            order=_order(requester_kind="user"),
            document=pdf_upload(),
        )

    assert set(error.value.errors) == {"address", "activities", "requester_kind"}
    assert "orden judicial o administrativa" in error.value.errors["requester_kind"][0]
    assert (Case.objects.count(), Registrant.objects.count()) == before


def test_a_citizen_account_cannot_start_an_ex_officio_inscription(citizen):
    with pytest.raises(NotAllowed):
        start_ex_officio_registration(
            by=citizen, data=natural_data(), order=_order(), document=pdf_upload()
        )
    assert not Case.objects.exists()


def test_an_ex_officio_update_takes_effect_only_when_communicated(official):
    person = make_natural(by=official)
    case = start_ex_officio_update(
        person,
        by=official,
        grounds=_grounds(),
        data=_new_address(person),
        expected_revision=person.revision,
        support=pdf_upload("cruce.pdf"),
    )
    assert case.state == Case.State.IN_PROCESS
    assert case.cause == Cause.DATA_OUTDATED
    form_1767 = case.formats.get()
    assert form_1767.kind == OfficialFormat.Kind.F1767
    assert form_1767.content["changes"]["address"] == ["CL 26 69 76", "KR 7 32 16 OF 501"]
    versions = person.form_versions.count()

    case = grant_case(case, by=official)
    person.refresh_from_db()
    assert person.address == "CL 26 69 76"  # decided, not yet communicated: not valid yet
    assert person.form_versions.count() == versions

    sent = communicate_decision(case, by=official)
    person.refresh_from_db()
    assert person.address == "KR 7 32 16 OF 501"
    version = person.form_versions.latest("version")
    assert version.version == versions + 1
    entry = person.audit_entries.filter(action="update").latest("pk")
    assert entry.legal_basis == "Decreto 2460 de 2013, art. 14"
    assert entry.case_number == case.number
    assert entry.form_version == version
    letter = next(c for c in sent if c.kind == Communication.Kind.TO_REGISTRANT)
    assert letter.form_version == version
    assert letter.recipient_email == person.email
    assert "art. 14" in letter.body


def test_an_ex_officio_update_refuses_bad_grounds_field_by_field_and_writes_nothing(official):
    person = make_natural(by=official)
    before = (Case.objects.count(), AuditEntry.objects.count())

    with pytest.raises(InvalidData) as error:
        start_ex_officio_update(
            person,
            by=official,
            grounds=_grounds(cause=Cause.ACT_OR_ORDER, source=" ", facts="", authorized_by=""),
            data=_new_address(person),
            expected_revision=person.revision,
            support=pdf_upload(),
        )

    assert set(error.value.errors) == {"source", "facts", "authorized_by", "act_number"}
    with pytest.raises(InvalidData, match="tres causales"):
        start_ex_officio_update(
            person,
            by=official,
            grounds=_grounds(cause=Cause.INSCRITO_REQUEST),
            data=_new_address(person),
            expected_revision=person.revision,
            support=pdf_upload(),
        )
    with pytest.raises(InvalidData, match="No hay cambios"):
        start_ex_officio_update(
            person,
            by=official,
            grounds=_grounds(),
            data=data_from_registrant(person),
            expected_revision=person.revision,
            support=pdf_upload(),
        )
    assert (Case.objects.count(), AuditEntry.objects.count()) == before


def test_an_ex_officio_update_of_another_seccionals_inscrito_is_refused(
    official_of_other_seccional,
):
    person = make_natural()  # Bogotá
    with pytest.raises(NotAllowed, match="no puede actualizar de oficio"):
        start_ex_officio_update(
            person,
            by=official_of_other_seccional,
            grounds=_grounds(),
            data=_new_address(person),
            expected_revision=person.revision,
            support=pdf_upload(),
        )
    assert not Case.objects.exists()


def test_an_ex_officio_update_prepared_on_a_stale_record_is_not_applied(official):
    person = make_natural(by=official)
    case = start_ex_officio_update(
        person,
        by=official,
        grounds=_grounds(),
        data=_new_address(person),
        expected_revision=person.revision,
        support=pdf_upload(),
    )
    from registry.services.updates import update_registrant

    data = data_from_registrant(person)
    data.phone_1 = "3115550000"
    update_registrant(person, by=official, data=data, expected_revision=person.revision)

    with pytest.raises(Conflict, match="cambió después de iniciar"):
        grant_case(case, by=official)
    person.refresh_from_db()
    assert person.phone_1 == "3115550000"
    assert person.address == "CL 26 69 76"
    # Like every order of a DIAN area, it is refused only with the director (four eyes).
    case = propose_denial(case, by=official, reason="El inscrito ya actualizó su RUT.")
    assert case.state == Case.State.AWAITING_APPROVAL


def test_the_causes_of_art_14_are_refused_outside_an_ex_officio_update(official):
    person = make_natural(by=official)
    with pytest.raises(InvalidData, match="actualización de oficio"):
        receive_case(
            CaseRequest(
                case_type=CaseType.UPDATE,
                channel="in_person",
                cause=Cause.AGREEMENT_INFORMATION,
                requester_kind="user",
                requester_name="El inscrito",
                registrant=person,
                data=_new_address(person),
            ),
            by=official,
        )


def test_an_ex_officio_inscription_is_started_by_the_seccional_where_the_obligado_is(
    official_of_other_seccional,
):
    data = natural_data(department="11", municipality="11001")  # Bogotá (32)

    with pytest.raises(NotAllowed, match="jurisdicción de la"):
        start_ex_officio_registration(
            by=official_of_other_seccional, data=data, order=_order(), document=pdf_upload()
        )

    assert not Case.objects.exists()
    assert not Registrant.objects.exists()
