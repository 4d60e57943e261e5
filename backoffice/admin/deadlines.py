"""The officials' read side of legal deadlines: what falls due, what ran, what was skipped.

Rows are written only by deadlines.services (schedule, settle, sweep); the admin never edits one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from deadlines.models import Deadline
from deadlines.selectors import deadline_status


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = [
        "rule",
        "case",
        "registrant",
        "due_on",
        "time_left",
        "state",
        "action",
        "attempts",
        "result",
    ]
    list_filter = ["state", "rule", "action", "due_on"]
    search_fields = ["key", "case__number", "registrant__nit", "registrant__search_name"]
    list_select_related = ["case", "registrant"]
    date_hierarchy = "due_on"
    ordering = ["due_at", "pk"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Deadline]:
        return super().get_queryset(request).select_related("case", "registrant")

    @admin.display(description=_("días hábiles restantes"))
    def time_left(self, deadline: Deadline) -> str:
        status = deadline_status(deadline, now=timezone.now())
        if status.business_days_left is None or not status.is_open:
            return "—"
        if status.is_overdue and status.due is not None:
            return format_html('<strong class="rut-overdue">{}</strong>', status.due.label())
        return str(status.business_days_left)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
