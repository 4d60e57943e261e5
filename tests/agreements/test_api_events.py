"""GET /api/v1/events/: the change feed, in order, once per change, within the agreement."""

from datetime import date, timedelta

import pytest

from agreements.models import EntityKind, Scope
from agreements.services import (
    AuthorityOrder,
    create_agreement_entity,
    file_authority_order,
    register_by_agreement,
    update_agreement_scopes,
)
from procedures.services.requirements import DeclaredDocument
from registry.models import AuditEntry, FormVersion, Registrant
from registry.services.states import change_state
from registry.services.updates import update_registrant
from tests.agreements.conftest import _client_for
from tests.clock import TODAY
from tests.factories import legal_data, make_natural, natural_data, pdf_upload

pytestmark = pytest.mark.django_db

# The art. 10 checklist a chamber declares for a persona natural.
NATURAL_DOCUMENTS = [DeclaredDocument("applicant_id")]

URL = "/api/v1/events/"
SETTLE = timedelta(seconds=11)  # EVENTS_SETTLE_SECONDS is 10


def inscribe(entity, **overrides):
    return register_by_agreement(
        entity,
        data=natural_data(**overrides),
        bank_certificate_date=None,
        documents=NATURAL_DOCUMENTS,
    ).registrant


def move_address(registrant, address):
    data = natural_data(
        document_number=registrant.document_number,
        first_surname=registrant.first_surname,
        second_surname=registrant.second_surname,
        first_name=registrant.first_name,
        other_names=registrant.other_names,
        email=registrant.email,
        address=address,
    )
    return update_registrant(
        registrant, by=None, data=data, expected_revision=registrant.revision, reason="prueba"
    )


def read_all(client, *, limit, after="0"):
    """Follow the feed page by page; every page and the ids it gave."""
    pages, ids = [], []
    while True:
        response = client.get(URL, {"after": after, "limit": limit})
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append(body)
        ids += [event["id"] for event in body["results"]]
        after = body["next_cursor"]
        if not body["has_more"]:
            return pages, ids


def test_the_feed_returns_every_change_once_in_order_across_pages(chamber, chamber_client, clock):
    first, second, third = inscribe(chamber), inscribe(chamber), inscribe(chamber)
    second = move_address(second, "CL 100 15 20")
    change_state(third, transition_name="suspend", by=None, reason="orden", case_number="C-1")
    inscribe(chamber)
    clock.shift(SETTLE)

    pages, ids = read_all(chamber_client, limit=2)

    expected = list(
        AuditEntry.objects.filter(registrant__agreement_inscription__entity=chamber)
        .exclude(action="pre_register")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert len(expected) == 6  # four inscriptions, one update, one suspension
    assert ids == expected  # each once, in order
    assert len(pages) == 3 and [len(p["results"]) for p in pages] == [2, 2, 2]
    assert pages[-1]["next_cursor"] == str(expected[-1])
    events = [event for page in pages for event in page["results"]]
    assert [e["type"] for e in events] == [
        "inscription",
        "inscription",
        "inscription",
        "update",
        "state_change",
        "inscription",
    ]
    assert events[0]["registrant"]["nit"] == first.nit
    # Nothing new: the same cursor comes back, for the next poll.
    again = chamber_client.get(URL, {"after": pages[-1]["next_cursor"]}).json()
    assert again["results"] == [] and again["next_cursor"] == str(expected[-1])
    assert not again["has_more"]


def test_an_event_names_the_change_and_its_formulario_001_but_no_personal_values(
    chamber, chamber_client, clock
):
    registrant = move_address(inscribe(chamber), "CL 100 15 20")
    registrant = change_state(
        registrant, transition_name="suspend", by=None, case_number="2026-0000009"
    )
    clock.shift(SETTLE)

    inscription, update, suspension = chamber_client.get(URL).json()["results"]

    form = FormVersion.objects.get(registrant=registrant, concept=FormVersion.Concept.REGISTRATION)
    assert inscription["action"] == "formalize"
    assert inscription["registrant"] == {
        "nit": registrant.nit,
        "check_digit": registrant.check_digit,
        "formatted_nit": registrant.formatted_nit,
        "name": registrant.display_name,
    }
    assert inscription["form_number"] == form.form_number
    assert inscription["form_version"] == form.version == 2  # v1 is the pre-inscription
    assert (inscription["from_state"], inscription["to_state"]) == ("pre_registered", "active")
    assert update["changed_fields"] == ["address"]
    assert "CL 100 15 20" not in str(update)  # the new value stays behind the logged query
    assert suspension["type"] == "state_change" and suspension["action"] == "suspend"
    assert (suspension["from_state"], suspension["to_state"]) == ("active", "suspended")
    assert suspension["case_number"] == "2026-0000009"


def test_events_younger_than_the_settle_window_are_held_back(chamber, chamber_client, clock):
    inscribe(chamber)

    fresh = chamber_client.get(URL).json()
    clock.shift(SETTLE)
    settled = chamber_client.get(URL).json()

    assert fresh["results"] == [] and fresh["next_cursor"] == "0"
    assert len(settled["results"]) == 1


def test_the_feed_stops_before_an_unsettled_event_even_if_a_later_one_is_settled(
    chamber, chamber_client, clock
):
    """Ids follow inserts, not clocks: a later id may carry an earlier time. Handing out the
    later one would move the cursor past the earlier one before it settled."""
    early = inscribe(chamber)
    clock.shift(timedelta(seconds=-5))  # the next entry gets a larger id and an earlier time
    late = inscribe(chamber)
    clock.shift(timedelta(seconds=5 + 10 - 2))  # only the second entry is 10 s old

    held = chamber_client.get(URL).json()
    clock.shift(timedelta(seconds=3))
    both = chamber_client.get(URL).json()

    assert held["results"] == []
    nits = [e["registrant"]["nit"] for e in both["results"]]
    assert nits == [early.nit, late.nit]


def test_the_feed_holds_nothing_outside_the_agreement(
    chamber, chamber_client, court, court_client, other_court_client, public_entity_client, clock
):
    other_chamber = create_agreement_entity(
        name="Cámara de Comercio de Cali",
        kind=EntityKind.CHAMBER_OF_COMMERCE,
        scopes=[Scope.REGISTRATIONS],
    )
    inscribe(other_chamber)  # another entity's inscription
    make_natural()  # a record nobody with an agreement inscribed
    ordered = make_natural()
    ordered = move_address(ordered, "CR 7 12 30")  # before the court's case: not the court's
    file_authority_order(
        court,
        order=AuthorityOrder(
            order_type="suspension",
            nit=ordered.nit,
            act_number="Auto 2026-00451",
            act_date=date(2026, 11, 5),
            act_issuer="Juzgado 12",
            act_is_final=True,
            document=pdf_upload(),
        ),
    )
    clock.shift(timedelta(seconds=1))
    change_state(ordered, transition_name="suspend", by=None, act_reference="Auto 2026-00451")
    mine = inscribe(chamber)
    clock.shift(SETTLE)

    chamber_events = chamber_client.get(URL).json()["results"]
    court_events = court_client.get(URL).json()["results"]

    assert [e["registrant"]["nit"] for e in chamber_events] == [mine.nit]
    assert [(e["registrant"]["nit"], e["action"]) for e in court_events] == [
        (ordered.nit, "suspend")
    ]
    assert other_court_client.get(URL).json()["results"] == []
    assert public_entity_client.get(URL).json()["results"] == []  # queries are logged one by one
    # Without inscriptions in its agreement, the chamber no longer follows its inscritos.
    update_agreement_scopes(chamber, scopes=[Scope.ORDERS], allowed_fields=[])
    assert chamber_client.get(URL).json()["results"] == []


def test_a_company_with_a_provisional_nit_is_an_inscription_then_its_activation_a_state_change(
    chamber, chamber_client, clock
):
    from registry.services.provisional_nit import activate_provisional_nit

    company = register_by_agreement(
        chamber,
        data=legal_data(),
        bank_certificate_date=None,
        documents=[
            DeclaredDocument("legal_rep_id"),
            DeclaredDocument("existence_certificate", document_date=TODAY),
        ],
    ).registrant
    assert company.state == Registrant.State.PROVISIONAL
    activate_provisional_nit(company, by=None, certificate_date=date(2026, 11, 17))
    clock.shift(SETTLE)

    events = chamber_client.get(URL).json()["results"]

    assert [(e["type"], e["action"], e["to_state"]) for e in events] == [
        ("inscription", "issue_provisional_nit", "provisional"),
        ("state_change", "activate_provisional_nit", "active"),
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"after": "abc"}, "after"),
        ({"after": "-1"}, "after"),
        ({"after": "99999999999999999999"}, "after"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
    ],
)
def test_a_bad_cursor_or_limit_is_a_400_naming_the_parameter(chamber_client, params, field):
    response = chamber_client.get(URL, params)

    assert response.status_code == 400
    assert field in response.json()
    if field == "after":
        assert response.json()["after"] == [
            "Cursor inválido: use el next_cursor de la respuesta anterior."
        ]


def test_the_feed_needs_an_entity_token(anonymous_client):
    response = anonymous_client.get(URL)

    assert response.status_code == 401


def test_polling_is_limited_per_entity(chamber, chamber_client, settings):
    second_token = _client_for(chamber)  # another token of the same entity counts the same
    for _ in range(60):
        assert chamber_client.get(URL).status_code == 200
        assert second_token.get(URL).status_code == 200

    response = chamber_client.get(URL)

    assert response.status_code == 429


def test_a_page_of_events_takes_a_fixed_number_of_queries(
    chamber, chamber_client, clock, django_assert_max_num_queries
):
    for _ in range(5):
        inscribe(chamber)
    clock.shift(SETTLE)

    with django_assert_max_num_queries(6):  # token, entity, settle boundary, page
        response = chamber_client.get(URL)

    assert len(response.json()["results"]) == 5
