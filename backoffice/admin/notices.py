"""The inbox of notices addressed to a seccional (backoffice.views.notices)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse

from backoffice.views import notices
from procedures.models import Communication


@admin.register(Communication)
class NoticeInboxAdmin(admin.ModelAdmin):
    """Communications are written by the services only; the admin lists the seccional's
    notices and acknowledges them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        def pdf(request: HttpRequest, object_id: str) -> HttpResponse:
            return notices.notice_pdf_view(self, request, object_id)

        def acknowledge(request: HttpRequest, object_id: str) -> HttpResponse:
            return notices.acknowledge_notice_view(self, request, object_id)

        return [
            path(
                "<int:object_id>/pdf/",
                self.admin_site.admin_view(pdf),
                name="procedures_communication_pdf",
            ),
            path(
                "<int:object_id>/acuse/",
                self.admin_site.admin_view(acknowledge),
                name="procedures_communication_acknowledge",
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return notices.notices_view(self, request)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return HttpResponseRedirect(f"{reverse(notices.NOTICES_URL)}#aviso-{object_id}")
