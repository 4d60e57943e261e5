"""The one-step inscription writes its Formulario 001 versions from the data in hand: what it
stores must be what reading the record back gives, and a duplicate is still refused by name."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import AuditEntry, FormVersion, Registrant
from registry.nit import format_nit
from registry.services.common import DuplicateRegistrant
from registry.services.registration import formalize_registration, pre_register
from registry.snapshots import CHILDREN, build_snapshot, snapshot_children
from registry.validation import (
    ActivityData,
    EstablishmentData,
    PartnerData,
    RepresentativeData,
)
from tests.clock import TODAY
from tests.factories import legal_data, make_legal, make_natural, natural_data

pytestmark = pytest.mark.django_db


def _rich_company() -> Registrant:
    return make_legal(bank_certificate_date=TODAY, **_every_kind_of_child())


def _every_kind_of_child() -> dict[str, Any]:
    """Every kind of child, several of each, given out of the order the form shows them."""
    return dict(
        activities=[
            ActivityData(code="6201", role="secondary", started_on=date(2024, 5, 1)),
            ActivityData(code="4659", started_on=date(2024, 3, 1)),
        ],
        responsibilities=["48", "05"],
        customs_qualities=["02", "01"],
        representatives=[
            RepresentativeData(
                role="legal_rep", document_type="13", document_number="43000901", name="LUZ ROJAS"
            ),
            RepresentativeData(
                role="accountant",
                document_type="13",
                document_number="43000902",
                name="ANA DÍAZ",
                professional_card="12345-T",
                since=date(2024, 1, 15),
            ),
        ],
        partners=[
            PartnerData(
                document_type="13",
                document_number="80123456",
                name="PEDRO PÁRAMO",
                share_percentage=Decimal("60"),
            ),
            PartnerData(
                document_type="13",
                document_number="80123457",
                name="SUSANA SAN JUAN",
                share_percentage=Decimal("39.5"),
                since=date(2024, 2, 1),
            ),
        ],
        establishments=[
            EstablishmentData(
                kind_code="01",
                name="SEDE CENTRO",
                department="05",
                municipality="05001",
                address="CR 50 50 10",
                activity="4659",
                opened_on=date(2024, 3, 1),
            ),
            EstablishmentData(
                name="BODEGA", department="05", municipality="05001", address="CL 10 20 30"
            ),
        ],
    )


def test_the_formalised_version_is_what_reading_the_record_back_gives() -> None:
    registrant = _rich_company()

    stored = FormVersion.objects.get(registrant=registrant, version=2).snapshot
    reread = build_snapshot(Registrant.objects.get(pk=registrant.pk))

    assert stored == reread
    assert [a["code"] for a in stored["activities"]] == ["4659", "6201"]
    assert [p["share_percentage"] for p in stored["partners"]] == ["60.000", "39.500"]


def test_the_pre_registration_version_has_the_same_children_without_the_nit() -> None:
    registrant = _rich_company()

    first = FormVersion.objects.get(registrant=registrant, version=1)

    assert first.state == Registrant.State.PRE_REGISTERED
    assert first.concept == FormVersion.Concept.PRE_REGISTRATION
    assert {k: first.snapshot[k] for k in CHILDREN} == snapshot_children(registrant)
    assert first.snapshot["identification"]["5"] == ""
    assert first.snapshot["state_label"] == "Pre-inscrito"
    assert first.form_number < FormVersion.objects.get(registrant=registrant, version=2).form_number


def test_both_versions_and_their_audit_entries_are_written_together() -> None:
    registrant = _rich_company()

    entries = AuditEntry.objects.filter(registrant=registrant).order_by("id")

    assert [(e.action, e.form_version and e.form_version.version) for e in entries] == [
        ("pre_register", 1),
        ("formalize", 2),
    ]
    assert entries[1].changes == {"nit": [None, registrant.formatted_nit]}


@pytest.mark.postgres  # the numbers come from sequences there (SQLite: a counter row each)
def test_a_registration_draws_its_numbers_in_one_statement_and_sets_no_savepoint() -> None:
    make_legal()  # warms the per-process reference caches

    with CaptureQueriesContext(connection) as captured:
        make_legal()

    statements = [q["sql"] for q in captured.captured_queries]
    # The test's transaction turns the service's own into the one savepoint.
    assert sum(sql.startswith("SAVEPOINT") for sql in statements) == 1
    reads = [sql for sql in statements if sql.startswith(("SELECT", "UPDATE"))]
    assert len(reads) == 1
    assert "nextval('registry_nit_seq')" in reads[0]
    assert "nextval('registry_form_number_seq')" in reads[0]


def test_a_second_live_company_of_the_same_name_is_refused_naming_the_first() -> None:
    existing = make_legal(business_name="TEXTILES DEL VALLE S.A.S.")

    with pytest.raises(DuplicateRegistrant) as error:
        make_legal(business_name="Textiles del Valle S.A.S.")

    assert error.value.message == (
        f"Ya está inscrito con el NIT {existing.formatted_nit} (TEXTILES DEL VALLE S.A.S.); "
        "no se asigna otro NIT."
    )
    assert Registrant.objects.count() == 1


def test_a_cedula_already_used_as_a_nit_is_refused_naming_its_holder() -> None:
    holder = make_legal()
    Registrant.objects.filter(pk=holder.pk).update(nit="79555111", check_digit=1)

    with pytest.raises(DuplicateRegistrant) as error:
        make_natural(document_number="79555111")

    assert error.value.message == (
        f"El NIT {format_nit('79555111')} ya pertenece a {holder.display_name}."
    )
    assert Registrant.objects.count() == 1


def test_a_pre_registration_stores_what_reading_the_record_back_gives(official) -> None:
    registrant = pre_register(legal_data(**_every_kind_of_child()), by=official)

    version = FormVersion.objects.get(registrant=registrant)
    entry = AuditEntry.objects.get(registrant=registrant)
    assert version.snapshot == build_snapshot(Registrant.objects.get(pk=registrant.pk))
    assert (version.version, version.concept, version.created_by) == (
        1,
        FormVersion.Concept.PRE_REGISTRATION,
        official,
    )
    assert (entry.action, entry.form_version, entry.actor) == ("pre_register", version, official)
    assert registrant.seccional_history.get().seccional_id == registrant.seccional_id


@pytest.mark.postgres  # SQLite: a counter row for the number, the ORM table by table
def test_a_pre_registration_is_one_insert_after_its_form_number() -> None:
    pre_register(natural_data(), by=None)  # warms the per-process reference caches

    with CaptureQueriesContext(connection) as captured:
        pre_register(natural_data(), by=None)

    statements = [q["sql"] for q in captured.captured_queries]
    assert sum(sql.startswith("SAVEPOINT") for sql in statements) == 1  # the test's transaction
    reads = [sql for sql in statements if sql.startswith(("SELECT", "UPDATE"))]
    assert len(reads) == 1
    assert "nextval('registry_form_number_seq')" in reads[0]
    assert sum(sql.startswith("WITH") for sql in statements) == 1
    assert not [sql for sql in statements if sql.startswith("INSERT")]


def test_a_second_pre_registration_of_the_same_person_is_refused_naming_the_first() -> None:
    first = pre_register(natural_data(document_number="52111222"), by=None)

    with pytest.raises(DuplicateRegistrant) as error:
        pre_register(natural_data(document_number="52111222", first_name="OTRA"), by=None)

    assert error.value.message == (
        f"Ya existe una pre-inscripción para {first.display_name}; continúe esa solicitud."
    )
    assert error.value.field == "document_number"
    assert Registrant.objects.count() == 1
    assert FormVersion.objects.count() == 1


@pytest.mark.postgres  # sequences there (SQLite: a counter row each)
def test_a_formalisation_draws_its_nit_and_form_number_in_one_statement(official) -> None:
    registrant = pre_register(legal_data(), by=official)

    with CaptureQueriesContext(connection) as captured:
        registrant = formalize_registration(registrant, by=official, bank_certificate_date=TODAY)

    drawn = [q["sql"] for q in captured.captured_queries if "nextval" in q["sql"]]
    assert len(drawn) == 1
    assert "nextval('registry_nit_seq')" in drawn[0]
    assert "nextval('registry_form_number_seq')" in drawn[0]
    latest = registrant.form_versions.latest("version")
    assert (latest.version, latest.snapshot["identification"]["5"]) == (2, registrant.nit)
