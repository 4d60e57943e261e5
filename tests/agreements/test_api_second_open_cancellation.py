"""One open cancellation of each kind per inscrito: a second order answers 409 naming the open
case; the database refuses it too (constraint one_open_cancellation_per_kind)."""

import pytest
from django.db import IntegrityError, transaction

from procedures.models import Case
from tests.agreements.test_api_orders import order, send
from tests.factories import make_natural

pytestmark = pytest.mark.django_db


def test_a_second_open_cancellation_order_is_refused_naming_the_open_case(
    court_client, other_court_client
):
    registrant = make_natural(responsibilities=[])
    first = send(court_client, order(registrant, order_type="cancellation"))
    assert first.status_code == 201, first.json()
    number = first.json()["number"]

    second = send(
        other_court_client,
        order(registrant, order_type="cancellation", act_number="Sentencia 2026-00999"),
    )

    assert second.status_code == 409, second.json()
    assert second.json() == {
        "registrant": [
            f"El inscrito ya tiene abierto el trámite {number} de cancelación de oficio "
            "(estado «Recibido»): no se radica otro igual mientras ese no se decida; agregue "
            "allí los nuevos soportes."
        ]
    }
    assert Case.objects.filter(registrant=registrant).count() == 1


def test_an_open_suspension_does_not_block_a_cancellation_order(court_client):
    registrant = make_natural(responsibilities=[])
    assert send(court_client, order(registrant)).status_code == 201

    response = send(court_client, order(registrant, order_type="cancellation", act_number="S-2"))

    assert response.status_code == 201, response.json()


def test_the_database_refuses_a_second_open_cancellation_of_the_same_kind(court_client):
    registrant = make_natural(responsibilities=[])
    send(court_client, order(registrant, order_type="cancellation"))
    first = Case.objects.get()

    duplicate = Case(
        **{
            f.attname: getattr(first, f.attname)
            for f in Case._meta.concrete_fields
            if f.attname not in ("id", "number")
        },
        number="2026-9999999",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
