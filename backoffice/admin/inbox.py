"""The body of the officials' inbox: each row one string, each cell from InboxCells.

Django's ``{% result_list %}`` tag looks every cell up through ``lookup_field`` and
``display_for_value`` and builds it with two or three ``format_html`` calls: for 50 rows and 9
columns, more CPU than the rest of the page together. Here each row is one string with the
markup the admin's CSS and JavaScript expect: the action checkbox, the first column a ``<th>``
linking to the case page (filters preserved), ``field-<name>`` classes. The headers stay
Django's (``result_headers``), so sorting is untouched.

The rows are not model instances but tuples of the columns shown (``InboxRow``): the case's
own, and the few of its inscrito, official and seccional, joined in the case's query. Building
50 cases (each also runs django-fsm's initial-state hook) cost more than reading them. A page
of a longer list reads its rows by key with one statement compiled once per process
(``rows_by_key``): compiling that query of a dozen joined columns cost twice running it.
What is the same for every row (the language, today, the links' shape, translated fragments)
is worked out once per page in InboxCells.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import date
from functools import lru_cache
from html import escape
from typing import Any

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.templatetags.admin_list import paginator_number, result_headers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ALL_VAR, ChangeList
from django.core.signals import setting_changed
from django.db.models import F, QuerySet, TextChoices
from django.db.models.functions import TruncDate
from django.dispatch import receiver
from django.forms import Media
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from backoffice.views import UNDECIDED_STATES
from deadlines.rules import AUTHORITY_PRIORITY, JUDICIAL_PRIORITY
from deadlines.selectors import due_day
from procedures.models import Case, CaseType
from procedures.services.assignment import OPEN_STATES
from registry.models import display_name_of
from registry.nit import format_nit
from rut_portal.prepared import Prepared

KEY = "0rutcasekey0"
NUMERIC_KEY = 987654321987  # for the URLs whose converter takes digits only

# The case's own columns the inbox shows, and the annotations that replace its related rows.
RELATED = ("registrant", "assigned_to", "seccional")
CASE_FIELDS = ("number", "case_type", "state", "priority", "received_at", "due_on", *RELATED)
ROW_COLUMNS: dict[str, Any] = {
    "inbox_nit": F("registrant__nit"),
    "inbox_check_digit": F("registrant__check_digit"),
    "inbox_person_type": F("registrant__person_type"),
    "inbox_first_name": F("registrant__first_name"),
    "inbox_other_names": F("registrant__other_names"),
    "inbox_first_surname": F("registrant__first_surname"),
    "inbox_second_surname": F("registrant__second_surname"),
    "inbox_business_name": F("registrant__business_name"),
    "inbox_assignee_first_name": F("assigned_to__first_name"),
    "inbox_assignee_last_name": F("assigned_to__last_name"),
    "inbox_assignee_username": F("assigned_to__username"),
    "inbox_received_on": TruncDate("received_at"),  # in the current time zone, as localtime()
}
# Only where the column is shown (the central level's): an inner join on every case otherwise.
SECCIONAL_COLUMN: dict[str, Any] = {"inbox_seccional_city": F("seccional__city")}


# An inbox row: the case's key and shown columns (its inscrito, official and seccional by key),
# then the joined columns, the seccional's city last (None where that column is not shown).
InboxRow = namedtuple(  # type: ignore[misc]  # fields from the columns above
    "InboxRow",
    ["pk", *(f"{name}_id" if name in RELATED else name for name in CASE_FIELDS), *ROW_COLUMNS]
    + list(SECCIONAL_COLUMN),
)


def _row_query(queryset: QuerySet[Case], *, seccional: bool) -> QuerySet[Any]:
    columns = {**ROW_COLUMNS, **(SECCIONAL_COLUMN if seccional else {})}
    return (
        queryset.select_related(None).annotate(**columns).values_list("pk", *CASE_FIELDS, *columns)
    )


def _rows_of(found: Iterable[tuple[Any, ...]], *, seccional: bool) -> list[Any]:
    return [InboxRow._make(row if seccional else (*row, None)) for row in found]


def inbox_rows(queryset: QuerySet[Case], *, seccional: bool) -> list[Any]:
    """The rows of the cases of `queryset`, in its order (a single page of the inbox)."""
    return _rows_of(_row_query(queryset, seccional=seccional), seccional=seccional)


# Reading a page's rows by key: compiled once per process, with PAGE_KEYS stand-ins for the keys
# (no case has a negative key); a page with fewer keys repeats a stand-in.
PAGE_KEYS = 50  # the inbox's page (CaseAdmin.list_per_page)
_KEY_STAND_INS = tuple(range(-1, -PAGE_KEYS - 1, -1))
_ROWS_BY_KEY = {
    seccional: Prepared(
        lambda *keys, seccional=seccional: _row_query(
            Case.objects.filter(pk__in=keys).order_by(), seccional=seccional
        ),
        *_KEY_STAND_INS,
    )
    for seccional in (False, True)
}


def rows_by_key(keys: Sequence[int], *, seccional: bool) -> list[Any]:
    """The rows of the cases of `keys` (a page: at most PAGE_KEYS), in that order."""
    if len(keys) > PAGE_KEYS:
        raise ValueError(f"a page of the inbox has at most {PAGE_KEYS} cases, not {len(keys)}")
    padded = [*keys, *[_KEY_STAND_INS[0]] * (PAGE_KEYS - len(keys))]
    found = {
        row.pk: row for row in _rows_of(_ROWS_BY_KEY[seccional].rows(*padded), seccional=seccional)
    }
    return [found[key] for key in keys if key in found]


def inbox_table(request: HttpRequest, cl: ChangeList) -> dict[str, Any]:
    """The context of admin/procedures/case/inbox_results.html (the head, and the rows' HTML)
    and of the pagination (its links)."""
    return {
        "inbox_head": _table_head(request, cl),
        "inbox_rows": _rows(cl),
        "inbox_page_links": mark_safe(_page_links(request, cl)),  # noqa: S308 -- format_html's
        "inbox_show_all": mark_safe(_show_all_link(cl)),  # noqa: S308 -- escaped there
    }


# What the admin renders again on every request though it depends only on the query string, the
# language and the columns (the headers' sorting links, the filter sidebar's 45 links): rendered
# once per key. Bounded: emptied when full.
_KEPT: dict[Hashable, str] = {}
_KEPT_MAX = 1024


def _kept(key: Hashable, render: Callable[[], str]) -> str:
    html = _KEPT.get(key)
    if html is None:
        html = render()
        if len(_KEPT) >= _KEPT_MAX:
            _KEPT.clear()
        _KEPT[key] = html
    return html


def _query(request: HttpRequest) -> tuple[Any, ...]:
    return tuple(sorted((name, tuple(values)) for name, values in request.GET.lists()))


def _table_head(request: HttpRequest, cl: ChangeList) -> str:
    """The headers: their text, and their sorting links made of the query string."""

    def render() -> str:
        headers = list(result_headers(cl))
        context = {
            "inbox_headers": headers,
            "inbox_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        }
        return render_to_string("admin/procedures/case/inbox_head.html", context)

    return _kept(("head", get_language(), _query(request), tuple(cl.list_display)), render)


def _page_links(request: HttpRequest, cl: ChangeList) -> str:
    """The admin's links to the pages of the list ({% pagination %}'s), made of the query
    string and the number of pages."""
    if not cl.multi_page or (cl.show_all and cl.can_show_all):
        return ""

    def render() -> str:
        pages = cl.paginator.get_elided_page_range(cl.page_num)
        return "".join(f"{paginator_number(cl, number)}\n" for number in pages)

    return _kept(("pages", _query(request), cl.paginator.num_pages), render)


def _show_all_link(cl: ChangeList) -> str:
    """{% pagination %}'s link to the whole list, for one of at most list_max_show_all rows."""
    if not (cl.can_show_all and not cl.show_all and cl.multi_page):
        return ""
    url = escape(cl.get_query_string({ALL_VAR: ""}))
    return f'<a href="{url}" class="showall">{escape(gettext("Show all"))}</a>'


STATIC_FILTERS = (admin.SimpleListFilter, admin.ChoicesFieldListFilter)


def inbox_filters(request: HttpRequest, cl: ChangeList) -> str:
    """The admin's filter sidebar, rendered once per language, query string and set of choices.

    A list filter's links are its choices with the page's query string; a SimpleListFilter's
    choices are its lookups (the approver's quick view, the central level's seccionales), which
    are part of the key, so two officials share a sidebar only when they would see the same one.
    With counts (facets) or a filter whose choices come from elsewhere, it is rendered each time.
    """
    if not cl.has_filters:
        return ""
    if cl.add_facets or not all(isinstance(spec, STATIC_FILTERS) for spec in cl.filter_specs):
        return render_to_string("admin/procedures/case/inbox_filters.html", {"cl": cl})
    key = (
        "sidebar",
        get_language(),
        _query(request),
        tuple(
            (type(spec), getattr(spec, "field_path", None), tuple(spec.lookup_choices))
            if isinstance(spec, admin.SimpleListFilter)
            else (type(spec), getattr(spec, "field_path", None))
            for spec in cl.filter_specs
        ),
    )
    return _kept(
        key, lambda: render_to_string("admin/procedures/case/inbox_filters.html", {"cl": cl})
    )


# The inbox's scripts and styles as rendered, per whether it offers actions (its media are the
# admin's and its action form's): a dozen static() lookups and tags, a tenth of its template.
_MEDIA: dict[bool, dict[str, SafeString]] = {}


@receiver(setting_changed)
def _forget_rendered(**kwargs: Any) -> None:
    _MEDIA.clear()
    _KEPT.clear()


def rendered_media(media: Media, *, with_actions: bool) -> dict[str, SafeString]:
    """`media` as the change list's template prints it ({{ media.css }}, {{ media.js }})."""
    rendered = _MEDIA.get(with_actions)
    if rendered is None:
        rendered = _MEDIA[with_actions] = {
            "css": mark_safe(str(media["css"])),  # noqa: S308 -- Media renders its tags
            "js": mark_safe(str(media["js"])),  # noqa: S308 -- Media renders its tags
        }
    return rendered


def _rows(cl: ChangeList) -> SafeString:
    names = [str(name) for name in cl.list_display if name != "action_checkbox"]
    cells = InboxCells(preserved_filters=cl.preserved_filters)
    columns = [(name, getattr(cells, name)) for name in names]
    with_checkbox = "action_checkbox" in cl.list_display
    select_label = gettext("Select this object for an action - {}")
    before, after = cells.change_link
    (first_name, first), rest = columns[0], columns[1:]
    html: list[str] = []
    for case in cl.result_list:
        html.append("<tr>")
        if with_checkbox:
            # The label names the case as str(case) does, without translating every case type.
            label = escape(select_label.format(f"{case.number} {cells.type_name(case)}"))
            html.append(
                f'<td class="action-checkbox"><input type="checkbox" name="{ACTION_CHECKBOX_NAME}"'
                f' value="{case.pk}" class="action-select" aria-label="{label}"></td>'
            )
        html.append(
            f'<th class="field-{first_name}"><a href="{before}{case.pk}{after}">'
            f"{first(case)}</a></th>"
        )
        for name, column in rest:
            html.append(f'<td class="field-{name}">{column(case)}</td>')
        html.append("</tr>\n")
    return mark_safe("".join(html))  # noqa: S308 -- every cell escapes what it shows


def _split(url: str, key: object) -> tuple[str, str]:
    before, after = url.split(str(key), 1)
    return escape(before), escape(after)


class InboxCells:
    """The HTML of each of the inbox's cells for an InboxRow.

    Every method returns escaped HTML, named as the column it fills (CaseAdmin.list_display).
    """

    def __init__(self, *, preserved_filters: str = "") -> None:
        self.language = get_language()
        self.today = timezone.localdate()
        self.case_types = choice_labels(CaseType)
        self.days: dict[date, str] = {}  # each date shown, as shown (rows share a few)
        # One reverse() per link for the page: the case's key goes where the placeholder is.
        preserved = {"preserved_filters": preserved_filters, "opts": Case._meta}
        change = reverse("admin:procedures_case_change", args=[KEY])
        self.change_link = _split(add_preserved_filters(preserved, change), KEY)
        self.review_link = _split(change, KEY)
        take = reverse("admin:procedures_case_action", args=[NUMERIC_KEY, "tomar"])
        self.take_link = _split(take, NUMERIC_KEY)
        self.take = escape(gettext("Tomar"))
        self.review = escape(gettext("Revisar"))
        self.no_nit = gettext("sin NIT")
        self.unassigned = _unassigned(self.language)

    def type_name(self, case: Any) -> str:
        return self.case_types.get(case.case_type, case.case_type)

    def number_label(self, case: Any) -> str:
        """The number, and the priority the order of the inbox follows (judicial first)."""
        badge = _priority_badge(case.priority, self.language)
        return f'<span class="rut-nowrap">{escape(case.number)}</span>{badge}'

    def registrant_label(self, case: Any) -> str:
        if case.registrant_id is None:
            return "—"
        nit = format_nit(case.inbox_nit, case.inbox_check_digit) if case.inbox_nit else ""
        names = (
            case.inbox_first_name,
            case.inbox_other_names,
            case.inbox_first_surname,
            case.inbox_second_surname,
        )
        name = display_name_of(case.inbox_person_type, names, case.inbox_business_name)
        return (
            f'<span class="rut-nowrap">{escape(nit or self.no_nit)}</span>'
            f"<br><small>{escape(name)}</small>"
        )

    def seccional_code(self, case: Any) -> str:
        return escape(f"{case.seccional_id} {case.inbox_seccional_city}")

    def case_type_label(self, case: Any) -> str:
        return escape(self.type_name(case))

    def state_badge(self, case: Any) -> str:
        return _state_badge(case.state, self.language)

    def assigned_label(self, case: Any) -> str:
        if case.assigned_to_id is None:
            return self.unassigned
        # As User.get_full_name() or get_username().
        full_name = f"{case.inbox_assignee_first_name} {case.inbox_assignee_last_name}".strip()
        return escape(full_name or case.inbox_assignee_username)

    def day(self, day: date) -> str:
        shown = self.days.get(day)
        if shown is None:
            shown = self.days[day] = f"{day:%d/%m/%Y}"
        return shown

    def received_on(self, case: Any) -> str:
        return self.day(case.inbox_received_on)

    def due_label(self, case: Any) -> str:
        if case.due_on is None:
            return "—"
        if case.state not in UNDECIDED_STATES:
            return self.day(case.due_on)
        return _due_label(case.due_on, self.today, self.language)

    def next_step(self, case: Any) -> str:
        if case.assigned_to_id is None and case.state in OPEN_STATES:
            before, after = self.take_link
            return f'<a class="button rut-small" href="{before}{case.pk}{after}">{self.take}</a>'
        if case.state == Case.State.AWAITING_APPROVAL:
            before, after = self.review_link
            return f'<a href="{before}{case.pk}{after}">{self.review}</a>'
        return ""


@lru_cache(maxsize=64)
def _labels(choices: type[TextChoices], language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def choice_labels(choices: type[TextChoices]) -> dict[str, str]:
    """The labels of a field's choices in the active language, translated once per process.

    get_FOO_display() hashes and translates every choice of the field on each call (130 µs
    for a case's state), once per row and column of a 50-row inbox.
    """
    return _labels(choices, get_language())


@lru_cache(maxsize=16)
def _priority_badge(priority: int, language: str | None) -> str:
    """The inbox's cells repeat a handful of fragments; each is translated and built once per
    process and language (a cell built afresh cost 20 to 70 µs, 50 rows × 8 columns a page)."""
    if priority >= JUDICIAL_PRIORITY:
        return format_html(
            '<br><span class="rut-badge rut-badge-judicial">{}</span>', gettext("Judicial")
        )
    if priority >= AUTHORITY_PRIORITY:
        return format_html(
            '<br><span class="rut-badge rut-badge-authority">{}</span>', gettext("Autoridad")
        )
    return ""


@lru_cache(maxsize=64)
def _state_badge(state: str, language: str | None) -> str:
    label = choice_labels(Case.State).get(state, state)
    return format_html('<span class="rut-state rut-state-{}">{}</span>', state, label)


@lru_cache(maxsize=4)
def _unassigned(language: str | None) -> str:
    return format_html('<span class="rut-muted">{}</span>', gettext("Sin asignar"))


@lru_cache(maxsize=2048)
def _due_label(due_on: date, today: date, language: str | None) -> str:
    """A pending term's last day and where it stands today, counted once per day and date."""
    due = due_on.strftime("%d/%m/%Y")
    status = due_day(due_on, today=today)
    assert status is not None
    if status.is_overdue or status.is_due_today:
        badge = "rut-badge-overdue" if status.is_overdue else "rut-badge-today"
        return format_html('{}<br><span class="rut-badge {}">{}</span>', due, badge, status.label())
    return format_html("{}<br><small>{}</small>", due, status.label())
