"""Mass changes: the list with each batch's progress, the proposal page and the batch page.

As for cases, nothing here writes a row: the pages call mass_changes.services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from backoffice.views import mass_changes as views
from backoffice.views.common import refused
from mass_changes.models import MassChange
from mass_changes.selectors import batches_visible_to


@admin.register(MassChange)
class MassChangeAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "state",
        "seccional",
        "total",
        "progress",
        "changed",
        "skipped",
        "proposed_by",
        "proposed_at",
    )
    list_filter = ("state", "kind")
    list_select_related = ("seccional", "proposed_by")
    list_per_page = 50

    @admin.display(description=_("avance"))
    def progress(self, obj: MassChange) -> str:
        return views.progress_label(obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[MassChange]:
        return batches_visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("mass_changes.propose_masschange")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        def wrap(view: Any) -> Any:
            def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
                return view(self, request, *args, **kwargs)

            return self.admin_site.admin_view(wrapper)

        custom = [
            path(
                "<int:object_id>/accion/<slug:action_key>/",
                wrap(views.action_view),
                name="mass_changes_masschange_action",
            ),
        ]
        return custom + super().get_urls()

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return views.propose_view(self, request)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not object_id.isdigit():
            return refused(request, str(_("Lote inexistente.")), opts=self.opts)
        return views.detail_view(self, request, object_id)
