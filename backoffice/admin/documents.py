"""Read side of the stored documents: list, search by code, number or NIT; no writes."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from documents.models import StoredDocument


@admin.register(StoredDocument)
class StoredDocumentAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "kind",
        "number",
        "nit",
        "name",
        "state_label",
        "issued_on",
        "pages",
        "render_ms",
        "links",
    ]
    list_filter = ["kind", "issued_on"]
    search_fields = ["=code", "=number", "nit", "name"]
    date_hierarchy = "created_at"
    list_select_related = True
    readonly_fields = [f.name for f in StoredDocument._meta.fields] + ["links"]

    @admin.display(description=_("enlaces"))
    def links(self, document: StoredDocument) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("documents:verify", args=[document.code]),
            _("verificación"),
            reverse("documents:download", args=[document.code]),
            _("PDF"),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
