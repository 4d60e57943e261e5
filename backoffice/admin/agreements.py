"""The officials' read side of the agreements API: entities, tokens, feeds and the query log.

Empty of rules: entities are created with `manage.py create_agreement_entity` (it makes the
service user and grants its permissions) and webhooks with `manage.py create_webhook_endpoint`
(it prints the signing secret once); a token is revoked and a webhook deactivated through the
services; feeds, report lines, the query log and webhook deliveries are records, never edited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from agreements.models import (
    AgreementEntity,
    AgreementInscription,
    ApiToken,
    DeathFeedEntry,
    DeathFeedUpload,
    QueryLog,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from agreements.services import revoke_token
from agreements.webhooks import deactivate_webhook_endpoint


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AgreementEntity)
class AgreementEntityAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "agreement_number", "is_active", "created_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "nit", "agreement_number"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "entity", "name", "created_at", "expires_at", "revoked_at"]
    list_select_related = ["entity"]
    list_filter = ["entity"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    @admin.action(description=_("Revocar los tokens seleccionados"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            revoke_token(token)
        self.message_user(request, _("Tokens revocados."), messages.SUCCESS)


@admin.register(AgreementInscription)
class AgreementInscriptionAdmin(ReadOnlyAdmin):
    list_display = ["registrant", "entity", "form_number", "created_at"]
    list_select_related = ["registrant", "entity"]
    list_filter = ["entity"]


@admin.register(DeathFeedUpload)
class DeathFeedUploadAdmin(ReadOnlyAdmin):
    list_display = [
        "original_name",
        "entity",
        "state",
        "processed_rows",
        "total_rows",
        "cases_created",
        "needs_official",
        "not_found",
        "received_at",
    ]
    list_select_related = ["entity"]
    list_filter = ["state"]


@admin.register(DeathFeedEntry)
class DeathFeedEntryAdmin(ReadOnlyAdmin):
    list_display = ["upload", "line", "document_number", "outcome", "detail", "case"]
    list_select_related = ["upload", "case"]
    list_filter = ["outcome"]
    search_fields = ["document_number"]
    raw_id_fields = ["registrant", "case", "upload"]


@admin.register(QueryLog)
class QueryLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "entity", "nit", "purpose", "fields_returned"]
    list_select_related = ["entity"]
    list_filter = ["entity"]
    search_fields = ["nit", "purpose"]
    date_hierarchy = "at"


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["url", "entity", "is_active", "cursor", "created_at"]
    list_select_related = ["entity"]
    list_filter = ["is_active", "entity"]
    exclude = ["secret"]
    actions = ["deactivate"]

    @admin.action(description=_("Desactivar los webhooks seleccionados"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            deactivate_webhook_endpoint(endpoint)
        self.message_user(request, _("Webhooks desactivados."), messages.SUCCESS)


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "at", "status_code", "error", "duration_ms"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "endpoint", "event_id", "event_type", "state", "attempts", "created_at"]
    list_select_related = ["endpoint__entity"]
    list_filter = ["state", "event_type"]
    search_fields = ["=event_id"]
    inlines = [WebhookAttemptInline]
