import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from registry.models import AuditEntry, FormVersion, Registrant, SeccionalAssignment
from registry.nit import is_valid_form_number
from registry.services.common import DuplicateRegistrant
from registry.services.provisional_nit import activate_provisional_nit, lapse_provisional_nit
from registry.services.registration import formalize_registration, pre_register, register_registrant
from registry.snapshots import CHILDREN, build_snapshot
from registry.validation import EstablishmentData, PartnerData
from rut_portal.errors import Conflict, InvalidData, NotAllowed
from tests.factories import legal_data, make_legal, make_natural, natural_data

pytestmark = pytest.mark.django_db


def test_a_persona_natural_with_cedula_gets_the_cedula_as_nit(official) -> None:
    registrant = make_natural(by=official, document_number="52123456")

    registrant.refresh_from_db()
    assert registrant.state == Registrant.State.ACTIVE
    assert (registrant.nit, registrant.check_digit) == ("52123456", 2)
    assert registrant.formatted_nit == "52.123.456-2"
    assert registrant.seccional_id == "32"  # Bogotá D.C.


def test_inscription_leaves_two_numbered_form_versions_and_audit(official) -> None:
    registrant = make_natural(by=official)

    versions = list(registrant.form_versions.order_by("version"))
    assert [(v.version, v.concept, v.state) for v in versions] == [
        (1, "00", "pre_registered"),
        (2, "01", "active"),
    ]
    assert all(is_valid_form_number(v.form_number) for v in versions)
    assert versions[1].snapshot["identification"]["5"] == registrant.nit
    assert versions[1].created_by == official
    actions = list(
        AuditEntry.objects.filter(registrant=registrant)
        .order_by("id")
        .values_list("action", "actor__username")
    )
    assert actions == [("pre_register", "funcionaria"), ("formalize", "funcionaria")]
    assert SeccionalAssignment.objects.get(registrant=registrant).ended_at is None


def test_each_version_of_a_one_step_inscription_is_the_whole_record_as_stored(official) -> None:
    registrant = register_registrant(
        legal_data(
            customs_qualities=["02"],
            partners=[
                PartnerData(
                    document_type="13",
                    document_number="80123456",
                    name="PEDRO PÁRAMO",
                    share_percentage=Decimal("60"),
                )
            ],
            establishments=[
                EstablishmentData(
                    kind_code="01",
                    name="SEDE CENTRO",
                    department="05",
                    municipality="05001",
                    address="CR 50 50 10",
                )
            ],
        ),
        by=official,
        bank_certificate_date=date.today(),
    )

    first, second = registrant.form_versions.order_by("version")
    stored = build_snapshot(Registrant.objects.get(pk=registrant.pk))
    assert second.snapshot == json.loads(json.dumps(stored))
    assert {key: first.snapshot[key] for key in CHILDREN} == {key: stored[key] for key in CHILDREN}
    assert stored["partners"][0]["name"] == "PEDRO PÁRAMO"
    assert stored["establishments"][0]["municipality_name"] == "MEDELLÍN"
    assert stored["customs_qualities"][0]["code"] == "02"


def test_a_legal_entity_gets_the_next_nit_of_the_range(official, settings) -> None:
    first = make_legal(by=official)
    second = make_legal(by=official)

    assert first.nit is not None and second.nit is not None
    assert int(first.nit) >= settings.NIT_RANGE_START
    assert int(second.nit) > int(first.nit)
    assert first.seccional_id == "11"  # Medellín


def test_a_second_nit_for_the_same_document_is_refused_naming_the_existing_one(official) -> None:
    existing = make_natural(by=official, document_number="80123456")

    with pytest.raises(DuplicateRegistrant) as error:
        make_natural(by=official, document_number="80123456", first_name="OTRO")
    assert error.value.message == (
        f"Ya está inscrito con el NIT {existing.formatted_nit} ({existing.display_name}); "
        "no se asigna otro NIT."
    )
    assert Registrant.objects.filter(document_number="80123456").count() == 1


def test_a_second_nit_for_the_same_legal_entity_is_refused(official) -> None:
    existing = make_legal(by=official, business_name="Inversiones Él Dorado S.A.S.")

    with pytest.raises(DuplicateRegistrant) as error:
        make_legal(by=official, business_name="INVERSIONES EL DORADO SAS")
    assert existing.formatted_nit in error.value.message
    assert error.value.field == "business_name"


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(official) -> None:
    before = (Registrant.objects.count(), FormVersion.objects.count(), AuditEntry.objects.count())
    data = natural_data(
        document_type="99",
        department="05",
        municipality="11001",
        activities=[],
        responsibilities=["25"],
        country="CO",
    )

    with pytest.raises(InvalidData) as error:
        register_registrant(data, by=official)

    assert error.value.errors == {
        "document_type": ["El tipo de documento «99» no existe."],
        "municipality": ["El municipio BOGOTÁ, D.C. no pertenece al departamento 05."],
        "responsibilities": ["La responsabilidad «25» no existe o no está vigente."],
    }
    after = (Registrant.objects.count(), FormVersion.objects.count(), AuditEntry.objects.count())
    assert after == before


def test_an_unknown_country_and_ciiu_are_refused(official) -> None:
    data = natural_data(country="XX", activities=[], responsibilities=[])
    data.activities = [type(natural_data().activities[0])(code="9998")]
    with pytest.raises(InvalidData) as error:
        register_registrant(data, by=official)
    assert error.value.errors["country"] == ["El país «XX» no existe."]
    assert error.value.errors["activities"] == ["La actividad CIIU «9998» no existe."]


def test_a_failure_after_the_first_writes_rolls_everything_back(official, monkeypatch) -> None:
    import deadlines.services

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    # A provisional NIT's term is scheduled after the record's statement.
    monkeypatch.setattr(deadlines.services, "schedule_provisional_nit", boom)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_legal(by=official, bank_certificate_date=None)
    assert not Registrant.objects.exists()
    assert not FormVersion.objects.exists()


def test_a_citizen_without_permission_cannot_formalize(citizen) -> None:
    registrant = pre_register(natural_data(), by=citizen)
    with pytest.raises(NotAllowed):
        formalize_registration(registrant, by=citizen)
    registrant.refresh_from_db()
    assert registrant.state == Registrant.State.PRE_REGISTERED
    assert registrant.nit is None


def test_a_new_company_without_bank_certificate_gets_a_provisional_nit(official) -> None:
    registrant = register_registrant(legal_data(), by=official)

    assert registrant.state == Registrant.State.PROVISIONAL
    assert registrant.nit
    assert registrant.form_versions.latest("version").concept == FormVersion.Concept.PROVISIONAL


def test_the_provisional_nit_becomes_definitive_with_the_bank_certificate(official) -> None:
    registrant = register_registrant(legal_data(), by=official)
    assert registrant.provisional_nit_issued_at is not None
    issued = registrant.provisional_nit_issued_at.date()

    registrant = activate_provisional_nit(
        registrant, by=official, certificate_date=issued, today=issued
    )
    assert registrant.state == Registrant.State.ACTIVE
    assert registrant.bank_certificate_date == issued


def test_the_provisional_nit_lapses_after_fifteen_business_days(official) -> None:
    registrant = register_registrant(legal_data(), by=official)
    assert registrant.provisional_nit_issued_at is not None
    Registrant.objects.filter(pk=registrant.pk).update(
        provisional_nit_issued_at=registrant.provisional_nit_issued_at.replace(2026, 11, 3)
    )
    # Issued Tue 3 Nov 2026; 15 business days (Mon 16 Nov is a holiday) end on Wed 25 Nov.
    assert not lapse_provisional_nit(registrant, today=date(2026, 11, 25))
    with pytest.raises(Conflict) as error:
        activate_provisional_nit(
            registrant, by=official, certificate_date=date(2026, 11, 20), today=date(2026, 11, 26)
        )
    assert "venció el 25/11/2026" in error.value.message

    assert lapse_provisional_nit(registrant, today=date(2026, 11, 26))
    assert not lapse_provisional_nit(registrant, today=date(2026, 11, 27))  # idempotent
    registrant.refresh_from_db()
    assert registrant.state == Registrant.State.LAPSED
    assert registrant.audit_entries.filter(action="lapse_provisional_nit").count() == 1


def test_an_update_keeps_the_state_and_records_it_on_the_new_form(official) -> None:
    from registry.services.updates import update_registrant
    from registry.validation import data_from_registrant

    registrant = make_natural(by=official)
    data = data_from_registrant(registrant)
    data.phone_1 = "3015550000"

    registrant = update_registrant(
        registrant, by=official, data=data, expected_revision=registrant.revision
    )

    latest = registrant.form_versions.latest("version")
    assert (registrant.state, latest.concept, latest.state) == ("active", "02", "active")
    assert latest.snapshot["state"] == "active"
    audit = registrant.audit_entries.get(action="update")
    assert (audit.from_state, audit.to_state) == ("active", "active")
    assert audit.changes == {"phone_1": ["3001234567", "3015550000"]}
