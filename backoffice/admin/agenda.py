"""The videoatención agenda in the admin: the appointments citizens book in Mi RUT, seen and
closed by the officials of their seccional (backoffice.views.agenda)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path

from backoffice.views import agenda
from portal.models import Appointment


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """No add, change or delete: citizens book; officials close through the service."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        def close(request: HttpRequest, object_id: str, outcome: str) -> HttpResponse:
            return agenda.close_appointment_view(self, request, object_id, outcome)

        return [
            path(
                "<int:object_id>/cerrar/<slug:outcome>/",
                self.admin_site.admin_view(close),
                name="portal_appointment_close",
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return agenda.agenda_view(self, request)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return agenda.appointment_view(self, request, object_id)
