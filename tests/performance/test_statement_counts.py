"""Statement counts of the busiest paths, kept so a regression (an N+1, a lost select_related,
a write on a read) fails CI. Each maximum is the count measured on PostgreSQL when it was set:
lower it when a change saves statements, never raise it without a reason in the commit."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import AppointmentReason, Slot
from portal.services import appointments
from rut_portal.business_days import next_business_day
from tests.admin.conftest import OWN, cancellation, client_for, registrant_in
from tests.factories import make_natural
from tests.portal.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HOME = reverse("portal:home")
INBOX = reverse("admin:procedures_case_changelist")
WRITES = ("UPDATE", "INSERT", "DELETE")

# SQLite (the embedded default) has no arrays: Mi RUT reads the held responsibilities apart.
HOME_STATEMENTS = 4 if connection.vendor == "postgresql" else 5
BOGOTA = ZoneInfo("America/Bogota")
INBOX_STATEMENTS = 5
REGISTRATION_STATEMENTS = 4


def _signed_in_citizen(client, account) -> None:
    make_natural(document_number=account.document_number, email=account.email)
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )
    assert client.get(HOME).status_code == 200  # the first page after signing in


def test_the_mi_rut_home_keeps_its_statement_count(
    client, account, django_assert_max_num_queries
) -> None:
    _signed_in_citizen(client, account)

    with django_assert_max_num_queries(HOME_STATEMENTS):
        response = client.get(HOME)

    assert response.status_code == 200


def test_a_booked_appointment_costs_the_mi_rut_home_no_statement(
    client, account, django_assert_max_num_queries
) -> None:
    """Its time and reason come in home_facts' one SELECT (the demo citizen has one)."""
    _signed_in_citizen(client, account)
    day = next_business_day(timezone.localdate())
    slot = Slot.objects.create(
        seccional_id="32", starts_at=datetime.combine(day, time(9, 0), tzinfo=BOGOTA), capacity=1
    )
    appointments.book(account, slot_id=slot.pk, reason=AppointmentReason.IDENTIFICATION)

    with django_assert_max_num_queries(HOME_STATEMENTS):
        response = client.get(HOME)

    assert "Próxima cita" in response.content.decode()


def test_browsing_the_mi_rut_home_writes_nothing(client, account) -> None:
    _signed_in_citizen(client, account)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOME)

    assert response.status_code == 200
    writes = [
        q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]
    assert writes == []


def test_a_page_after_a_minute_still_renews_the_thirty_minute_idle_expiry(client, account) -> None:
    _signed_in_citizen(client, account)

    later = timezone.now() + timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        with CaptureQueriesContext(connection) as captured:
            client.get(HOME)
        expiry = Session.objects.get(session_key=client.session.session_key).expire_date

    assert any('UPDATE "django_session"' in q["sql"] for q in captured.captured_queries)
    assert expiry == later + timedelta(minutes=30)


def test_the_inbox_with_fifty_rows_keeps_its_statement_count(
    official, django_assert_max_num_queries
) -> None:
    for _ in range(50):
        cancellation(registrant_in(OWN))
    client = client_for(official)
    client.get(INBOX)  # the session's first page

    with django_assert_max_num_queries(INBOX_STATEMENTS):
        response = client.get(INBOX)

    assert len(response.context["cl"].result_list) == 50


@pytest.mark.postgres  # one INSERT statement there; SQLite (development) writes table by table
def test_a_registration_keeps_its_statement_count(django_assert_max_num_queries) -> None:
    make_natural(document_number="1010101010")  # warms the per-process reference caches

    with django_assert_max_num_queries(REGISTRATION_STATEMENTS):
        registrant = make_natural(document_number="2020202020")

    assert registrant.pk is not None


PUBLIC_STATEMENTS = {"home": 0, "lookup page": 1, "lookup API": 1, "verification": 1}


def test_the_public_pages_keep_their_statement_counts(client, django_assert_max_num_queries):
    from documents.services import formulario_001_pdf

    registrant = make_natural()
    document = formulario_001_pdf(registrant.form_versions.latest("version"), copy=True)
    paths = {
        "home": "/",
        "lookup page": f"/consulta-rut/?nit={registrant.nit}",
        "lookup API": f"/api/v1/rut/{registrant.nit}/",
        "verification": reverse("documents:verify", args=[document.code]),
    }
    for name, path in paths.items():
        assert client.get(path).status_code == 200  # warms the per-process caches

        with django_assert_max_num_queries(PUBLIC_STATEMENTS[name]):
            response = client.get(path)

        assert response.status_code == 200, name


def test_the_verification_read_is_cheap_to_plan(client) -> None:
    """PostgreSQL spent seven times longer planning the statement than running it while each
    source's subquery joined its path to the inscrito and the model's ordering sorted one row:
    now each subquery reads one table by its key, and nothing is sorted."""
    from documents.services import formulario_001_pdf

    document = formulario_001_pdf(make_natural().form_versions.latest("version"), copy=True)

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("documents:verify", args=[document.code]))

    (sql,) = [query["sql"] for query in queries if "documents_storeddocument" in query["sql"]]
    assert "ORDER BY" not in sql
    assert " JOIN " not in sql
