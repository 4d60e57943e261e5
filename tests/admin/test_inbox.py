"""The inbox: quick views, filters, search by number, NIT, document or name, priority order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from procedures.models import Case
from procedures.services.assignment import take_case
from rut_portal import fragments
from tests.admin.conftest import OWN, cancellation, client_for, registrant_in

pytestmark = pytest.mark.django_db

INBOX = reverse("admin:procedures_case_changelist")


def _listed(client, **params) -> list[Case]:
    response = client.get(INBOX, params)
    assert response.status_code == 200
    # The rows carry their case's key: equal to the case (Model.__eq__ compares keys).
    return [Case(pk=row.pk) for row in response.context["cl"].result_list]


def _administrative(registrant, **overrides):
    return cancellation(
        registrant,
        requester_kind="administrative_authority",
        requester_name="Superintendencia de Sociedades",
        **overrides,
    )


def test_judicial_orders_come_first_then_the_oldest(official) -> None:
    first_plain = _administrative(registrant_in(OWN))
    judicial = cancellation(registrant_in(OWN))
    second_plain = _administrative(registrant_in(OWN))

    assert _listed(client_for(official)) == [judicial, first_plain, second_plain]


def test_the_quick_views_show_unassigned_mine_due_today_and_overdue(
    official, other_official
) -> None:
    mine = take_case(cancellation(registrant_in(OWN)), by=official)
    theirs = take_case(cancellation(registrant_in(OWN)), by=other_official)
    unassigned = cancellation(registrant_in(OWN))  # judicial: due the day it arrives
    overdue = _administrative(registrant_in(OWN))
    Case.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - timedelta(days=7))
    client = client_for(official)

    assert set(_listed(client, bandeja="mios")) == {mine}
    assert set(_listed(client, bandeja="sin_asignar")) == {unassigned, overdue}
    assert set(_listed(client, bandeja="vencen_hoy")) == {mine, theirs, unassigned}
    assert _listed(client, bandeja="vencidos") == [overdue]


def test_the_director_sees_what_awaits_their_approval_but_not_what_they_prepared(
    director, official
) -> None:
    prepared_by_official = cancellation(registrant_in(OWN), "awaiting_approval", preparer=official)
    cancellation(registrant_in(OWN), "awaiting_approval", preparer=director)
    cancellation(registrant_in(OWN), "in_process")

    assert _listed(client_for(director), bandeja="por_aprobar") == [prepared_by_official]
    assert "Pendientes de mi aprobación" not in client_for(official).get(INBOX).content.decode()


def test_filters_by_type_state_channel_and_cause(official) -> None:
    received = cancellation(registrant_in(OWN))
    in_process = cancellation(registrant_in(OWN), "in_process")
    client = client_for(official)

    assert _listed(client, state="in_process") == [in_process]
    assert set(_listed(client, case_type__exact="cancellation_ex_officio")) == {
        received,
        in_process,
    }
    assert _listed(client, channel__exact="internal") == []
    assert len(_listed(client, cause__exact="authority_order")) == 2


def test_search_finds_a_case_by_number_nit_with_dv_document_or_name(official) -> None:
    target_person = registrant_in(OWN, first_name="ESPERANZA", first_surname="QUIÑONES")
    target = cancellation(target_person)
    cancellation(registrant_in(OWN))
    client = client_for(official)

    assert _listed(client, q=target.number) == [target]
    assert _listed(client, q=target_person.formatted_nit) == [target]
    assert _listed(client, q=target_person.document_number) == [target]
    assert _listed(client, q="esperanza carlos quiñones") == [target]
    assert _listed(client, q="quinones") == [target]


def test_the_inbox_reads_in_a_bounded_number_of_queries(
    official, django_assert_max_num_queries
) -> None:
    for _ in range(3):
        cancellation(registrant_in(OWN))
    client = client_for(official)
    client.get(INBOX)  # warm the session and the content types cache
    for _ in range(12):
        take_case(cancellation(registrant_in(OWN)), by=official)

    with django_assert_max_num_queries(5):
        response = client.get(INBOX)

    assert len(response.context["cl"].result_list) == 15
    html = response.content.decode()
    assert "Ana Rojas" in html and "Judicial" in html and "Tomar" in html


def test_a_central_user_filters_by_seccional(central) -> None:
    own = cancellation(registrant_in(OWN))
    other = cancellation(registrant_in("11"))
    client = client_for(central)

    assert set(_listed(client)) == {own, other}
    assert _listed(client, seccional="11") == [other]


def test_receiving_a_case_is_offered_to_officials(official) -> None:
    html = client_for(official).get(INBOX).content.decode()

    assert "Recibir un trámite" in html
    assert reverse("admin:procedures_case_add") in html


def _sidebar(html: str) -> str:
    return html[
        html.index('<nav id="changelist-filter"') : html.index(
            "</nav>", html.index('<nav id="changelist-filter"')
        )
    ]


def test_the_filter_sidebar_kept_for_an_approver_is_not_shown_to_an_official(
    director, official
) -> None:
    cancellation(registrant_in(OWN))

    for_director = _sidebar(client_for(director).get(INBOX).content.decode())
    for_official = _sidebar(client_for(official).get(INBOX).content.decode())

    assert "?bandeja=por_aprobar" in for_director
    assert "?bandeja=por_aprobar" not in for_official
    assert "?bandeja=mios" in for_official


def test_the_filter_sidebar_follows_the_query_string(official) -> None:
    cancellation(registrant_in(OWN))
    client = client_for(official)

    plain = _sidebar(client.get(INBOX).content.decode())
    filtered = _sidebar(client.get(INBOX, {"state__exact": "received"}).content.decode())

    assert "&#10006;" not in plain and "?bandeja=mios&amp;state__exact=received" not in plain
    assert "&#10006;" in filtered  # clear all filters
    assert "?bandeja=mios&amp;state__exact=received" in filtered


def test_a_row_shows_the_inscrito_the_official_and_the_received_date(official) -> None:
    person = registrant_in(OWN, first_name="ESPERANZA", first_surname="QUIÑONES")
    case = take_case(cancellation(person), by=official)

    html = client_for(official).get(INBOX).content.decode()

    received = timezone.localtime(case.received_at).strftime("%d/%m/%Y")
    assert (
        f'<td class="field-registrant_label"><span class="rut-nowrap">{person.formatted_nit}'
        f"</span><br><small>{person.display_name}</small></td>"
    ) in html
    assert '<td class="field-assigned_label">Ana Rojas</td>' in html
    assert f'<td class="field-received_on">{received}</td>' in html


def test_the_central_level_sees_each_cases_seccional(central) -> None:
    cancellation(registrant_in("11"))

    html = client_for(central).get(INBOX).content.decode()

    assert '<td class="field-seccional_code">11 Medellín</td>' in html


def _between(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def test_the_frame_is_rendered_once_and_kept_per_set_of_permissions(
    director, official, monkeypatch
) -> None:
    cancellation(registrant_in(OWN))
    fragments._fragments.clear()  # as in a new process
    rendered = []
    render_alone = fragments.FrozenNode._render_alone

    def counting(self, context, values):
        rendered.append(self)
        return render_alone(self, context, values)

    monkeypatch.setattr(fragments.FrozenNode, "_render_alone", counting)

    for_director = client_for(director).get(INBOX).content.decode()
    first = len(rendered)
    again = client_for(director).get(INBOX).content.decode()
    for_official = client_for(official).get(INBOX).content.decode()

    # The nav, the welcome and the user's links, the breadcrumbs, the object tools, the quick
    # views with the search box's label, its button, the admin's own stylesheet and script, and
    # the change list's stylesheet (with the actions' translations) and filters' script.
    assert first == 11
    # The official: their nav, their quick views, their object tools (no "Aprobaciones") and
    # the change list's stylesheet without the actions' translations (they have no actions).
    assert len(rendered) == first + 4
    assert _between(again, '<nav class="rut-nav"', "</nav>") == _between(
        for_director, '<nav class="rut-nav"', "</nav>"
    )
    director_nav = _between(for_director, '<nav class="rut-nav"', "</nav>")
    official_nav = _between(for_official, '<nav class="rut-nav"', "</nav>")
    assert "Aprobaciones" in director_nav and "Aprobaciones" not in official_nav
    assert "Bandeja de trámites" in official_nav
    director_tools = _between(for_director, '<ul class="object-tools">', "</ul>")
    official_tools = _between(for_official, '<ul class="object-tools">', "</ul>")
    assert "Aprobaciones" in director_tools and "Aprobaciones" not in official_tools
    assert "Recibir un trámite" in official_tools
    assert "?bandeja=por_aprobar" in _between(for_director, '<nav class="rut-chips"', "</nav>")
    assert "?bandeja=por_aprobar" not in _between(for_official, '<nav class="rut-chips"', "</nav>")


def test_the_quick_view_chosen_is_marked(official) -> None:
    client = client_for(official)

    plain = _between(client.get(INBOX).content.decode(), '<nav class="rut-chips"', "</nav>")
    mine = _between(
        client.get(INBOX, {"bandeja": "mios"}).content.decode(), '<nav class="rut-chips"', "</nav>"
    )
    other = _between(
        client.get(INBOX, {"state__exact": "received"}).content.decode(),
        '<nav class="rut-chips"',
        "</nav>",
    )

    assert plain.count("rut-chip-on") == 1 and 'href="?" class="rut-chip rut-chip-on"' in plain
    assert mine.count("rut-chip-on") == 1
    assert 'href="?bandeja=mios" class="rut-chip rut-chip-on"' in mine
    assert "rut-chip-on" not in other


def test_each_official_signs_out_with_their_own_csrf_token(director, official) -> None:
    forms = [
        _between(client_for(user).get(INBOX).content.decode(), '<form id="logout-form"', "</form>")
        for user in (director, official)
    ]

    tokens = [form.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0] for form in forms]
    assert all(tokens) and tokens[0] != tokens[1]


def test_a_long_inbox_pages_its_rows_in_order_with_their_columns(
    official, django_assert_max_num_queries
) -> None:
    cases = [cancellation(registrant_in(OWN)) for _ in range(52)]  # judicial: oldest first
    client = client_for(official)
    client.get(INBOX)  # the session's first page

    # The count, the page's keys, then its rows read by key.
    with django_assert_max_num_queries(6):
        second = client.get(INBOX, {"p": 2})

    assert _listed(client) == cases[:50]
    assert [Case(pk=row.pk) for row in second.context["cl"].result_list] == cases[50:]
    last = cases[-1]
    assert last.registrant is not None
    html = second.content.decode()
    assert last.number in html and last.registrant.formatted_nit in html and "Tomar" in html
    # The pages' links, each page's own, then the count and the link to the whole list.
    first_page = client.get(INBOX).content.decode()
    assert '<a href="?p=2" class="end">2</a>' in first_page
    assert '<span class="this-page">2</span>' in html and '<a href="?p=1">1</a>' in html
    assert "52 trámites" in html and 'href="?all=" class="showall"' in html


def test_a_column_header_sorts_the_rows_and_shows_how_for_each_query(official) -> None:
    older = _administrative(registrant_in(OWN))
    judicial = cancellation(registrant_in(OWN))  # a later number, first by priority
    client = client_for(official)

    ascending = client.get(INBOX, {"o": "0"})
    descending = client.get(INBOX, {"o": "-0"})

    assert _listed(client) == [judicial, older]
    assert [Case(pk=row.pk) for row in ascending.context["cl"].result_list] == [older, judicial]
    assert [Case(pk=row.pk) for row in descending.context["cl"].result_list] == [judicial, older]
    # Each query string has its own headers: the number's column marked as it is sorted.
    number_header = 'class="sortable column-number_label sorted {}"'
    assert number_header.format("ascending") in ascending.content.decode()
    assert number_header.format("descending") in descending.content.decode()
