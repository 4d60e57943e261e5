"""Counts per state and type per seccional, overdue cases, decisions per week, median time."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncWeek
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import can_act_in, is_central
from backoffice.views.common import (
    UNDECIDED_STATES,
    admin_context,
    refused,
)
from portal.services.agenda import agenda_of
from procedures.models import (
    Case,
    CaseType,
)
from procedures.selectors import scope_cases, seccional_notices
from registry.models import Seccional

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

# --- Dashboard ---------------------------------------------------------------------------------

WEEKS_SHOWN = 12
MEDIAN_WINDOW_DAYS = 90


@dataclass
class Bar:
    label: str
    value: int
    percent: float


def _bars(rows: list[tuple[str, int]]) -> list[Bar]:
    top = max((value for _label, value in rows), default=0) or 1
    return [Bar(label, value, round(100 * value / top, 1)) for label, value in rows]


def dashboard_context(user: Any, *, seccional: str | None = None) -> dict[str, Any]:
    """Counts per state and type per seccional, overdue cases, decisions per week, median time."""
    cases = scope_cases(Case.objects.all(), user)
    if seccional:
        cases = cases.filter(seccional_id=seccional)
    today = timezone.localdate()
    states = list(Case.State)
    by_seccional: dict[str, dict[str, int]] = defaultdict(dict)
    for row in cases.values("seccional_id", "state").annotate(n=Count("id")).order_by():
        by_seccional[row["seccional_id"]][row["state"]] = row["n"]
    names = {s.code: f"{s.code} {s.city}" for s in Seccional.objects.filter(code__in=by_seccional)}
    by_type: dict[str, dict[str, int]] = defaultdict(dict)
    for case_type, state, n in (
        cases.values_list("case_type", "state").annotate(n=Count("id")).order_by()
    ):
        by_type[case_type][state] = n
    overdue = cases.filter(state__in=UNDECIDED_STATES, due_on__lt=today)
    overdue_by_seccional = dict(
        overdue.values_list("seccional_id").annotate(n=Count("id")).order_by()
    )
    since = timezone.now() - timedelta(weeks=WEEKS_SHOWN)
    weekly = {
        _as_date(row["week"]): row["n"]
        for row in cases.filter(decided_at__gte=since)
        .annotate(week=TruncWeek("decided_at"))
        .values("week")
        .annotate(n=Count("id"))
        .order_by()
    }
    monday = today - timedelta(days=today.weekday())
    weeks = [monday - timedelta(weeks=i) for i in reversed(range(WEEKS_SHOWN))]
    return {
        **_desk_counts(user, seccional=seccional, today=today),
        "states": [(s.value, s.label) for s in states],
        "seccional_rows": [
            (
                code,
                names.get(code, code),
                [counts.get(s.value, 0) for s in states],
                sum(counts.values()),
                overdue_by_seccional.get(code, 0),
            )
            for code, counts in sorted(by_seccional.items())
        ],
        "type_rows": [
            (CaseType(t).label, [counts.get(s.value, 0) for s in states], sum(counts.values()))
            for t, counts in sorted(by_type.items())
        ],
        "overdue_count": sum(overdue_by_seccional.values()),
        "overdue_cases": [
            (c, (today - c.due_on).days if c.due_on else 0)  # calendar days overdue
            for c in overdue.select_related("registrant", "seccional", "assigned_to").order_by(
                "due_on", "-priority"
            )[:20]
        ],
        "weekly_bars": _bars([(w.strftime("%d/%m"), weekly.get(w, 0)) for w in weeks]),
        "medians": _median_days(cases, today=today),
        "median_window_days": MEDIAN_WINDOW_DAYS,
        "weeks_shown": WEEKS_SHOWN,
    }


def _desk_counts(user: Any, *, seccional: str | None, today: date) -> dict[str, int]:
    """Today's videoatención appointments and the notices not yet acknowledged, of the
    official's seccional (of every seccional, or the one chosen, for the central level)."""
    appointments = agenda_of(user, day=today)
    notices = seccional_notices(user).filter(acknowledgment__isnull=True)
    if seccional:
        appointments = appointments.filter(slot__seccional_id=seccional)
        notices = notices.filter(seccional_id=seccional)
    return {"appointments_today": appointments.count(), "pending_notices": notices.count()}


def _as_date(value: date | datetime) -> date:
    return timezone.localdate(value) if isinstance(value, datetime) else value


def _median_days(cases: QuerySet[Case], *, today: date) -> list[tuple[str, float, int]]:
    """Median calendar days from receipt to decision per type, over the last 90 days."""
    since = timezone.now() - timedelta(days=MEDIAN_WINDOW_DAYS)
    durations: dict[str, list[float]] = defaultdict(list)
    rows = cases.filter(decided_at__gte=since).values_list("case_type", "received_at", "decided_at")
    for case_type, received_at, decided_at in rows.iterator(chunk_size=5000):
        if decided_at is not None:  # the filter says so; the type checker cannot know
            durations[case_type].append((decided_at - received_at).total_seconds() / 86400)
    return [
        (str(CaseType(t).label), round(statistics.median(values), 1), len(values))
        for t, values in sorted(durations.items())
    ]


def dashboard_view(model_admin: ModelAdmin[Case], request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    seccional = request.GET.get("seccional") or None
    if seccional and not can_act_in(request.user, seccional):
        return refused(request, _("Solo puede ver el tablero de su seccional."))
    context = dashboard_context(request.user, seccional=seccional)
    return TemplateResponse(
        request,
        "admin/procedures/case/dashboard.html",
        {
            **admin_context(request),
            "title": _("Tablero de trámites"),
            "central": is_central(request.user),
            "seccionales": Seccional.objects.order_by("code") if is_central(request.user) else [],
            "seccional": seccional,
            **context,
        },
    )
