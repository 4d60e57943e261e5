"""The officials' read side of the registry.

Rich in presentation, empty of rules: the admin never writes an inscrito. Inscriptions, updates
and state changes go through registry.services (their admin actions come with the procedures);
Formulario 001 versions and the audit trail are append-only.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from registry.models import (
    AuditEntry,
    CustomsQuality,
    Department,
    DocumentType,
    EconomicActivity,
    Establishment,
    FormVersion,
    Municipality,
    Partner,
    Registrant,
    RegistrantActivity,
    Representative,
    Responsibility,
    Seccional,
    SeccionalAssignment,
)
from registry.services import normalize_name

admin.site.site_header = _("Administración del RUT")
admin.site.site_title = _("Portal RUT")
admin.site.index_title = _("Registro Único Tributario")

# "900.373.913-4": a NIT with its DV, searched by its base number.
_NIT_WITH_DV = re.compile(r"(\d+)-\d")


class ReadOnlyAdminMixin:
    """Nothing is added, changed or deleted here; only read."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RegistrantPartInline(ReadOnlyAdminMixin, admin.TabularInline):
    """A part of the record (activities, representatives...): visible to whoever sees the
    inscrito, since it is part of the same Formulario 001."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("registry.view_registrant")

    # Spanish column titles for foreign keys whose model fields carry no verbose_name.
    @admin.display(description=_("tipo de documento"))
    def document_type_label(self, obj: Representative | Partner) -> str:
        return str(obj.document_type)

    @admin.display(description=_("actividad económica"))
    def activity_label(self, obj: RegistrantActivity | Establishment) -> str:
        return str(obj.activity) if obj.activity else "—"

    @admin.display(description=_("municipio"))
    def municipality_label(self, obj: Establishment) -> str:
        return str(obj.municipality)

    @admin.display(description=_("seccional"))
    def seccional_label(self, obj: SeccionalAssignment) -> str:
        return str(obj.seccional)


class ActivityInline(RegistrantPartInline):
    model = RegistrantActivity
    fields = readonly_fields = ("role", "activity_label", "started_on")
    ordering = ["role", "id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RegistrantActivity]:
        return super().get_queryset(request).select_related("activity")


class RepresentativeInline(RegistrantPartInline):
    model = Representative
    fields = readonly_fields = ("role", "document_type_label", "document_number", "name",
                                "professional_card", "since")
    ordering = ["role", "id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Representative]:
        return super().get_queryset(request).select_related("document_type")


class PartnerInline(RegistrantPartInline):
    model = Partner
    fields = readonly_fields = ("document_type_label", "document_number", "nit", "name",
                                "nationality", "share_percentage", "since")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Partner]:
        return super().get_queryset(request).select_related("document_type")


class EstablishmentInline(RegistrantPartInline):
    model = Establishment
    fields = readonly_fields = ("name", "kind_code", "activity_label", "municipality_label",
                                "address", "phone", "opened_on")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Establishment]:
        return super().get_queryset(request).select_related("activity", "municipality")


class SeccionalHistoryInline(RegistrantPartInline):
    model = SeccionalAssignment
    fields = readonly_fields = ("seccional_label", "started_at", "ended_at")
    verbose_name_plural = _("jurisdicción: seccionales a las que ha pertenecido")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SeccionalAssignment]:
        return super().get_queryset(request).select_related("seccional")


class FormVersionInline(RegistrantPartInline):
    model = FormVersion
    fields = readonly_fields = ("version", "form_number", "concept", "state", "created_at",
                                "created_by")
    ordering = ["version"]
    show_change_link = True

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("registry.view_formversion")

    def get_queryset(self, request: HttpRequest) -> QuerySet[FormVersion]:
        return super().get_queryset(request).select_related("created_by")


_NATURAL_IDENTIFICATION = [
    "document_type", "document_number", "document_issue_date", "document_issue_place",
    "first_surname", "second_surname", "first_name", "other_names", "birth_date", "birth_place",
    "foreign_tax_number", "trade_name",
]
_LEGAL_IDENTIFICATION = [
    "business_name", "trade_name", "acronym", "document_type", "document_number",
    "foreign_tax_number",
]


@admin.register(Registrant)
class RegistrantAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["nit_with_dv", "display_name", "kind", "state", "seccional_code"]
    list_filter = ["state", "kind", ("seccional", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["seccional"]
    # Exact NIT and document (unique indexes); names through search_name, which the services
    # keep upper-case and accent-free, so `contains` can use the trigram index on PostgreSQL.
    search_fields = ["nit__exact", "document_number__exact", "search_name__contains"]
    search_help_text = _("NIT (con o sin DV), número de documento o parte del nombre.")
    ordering = ["-id"]
    show_full_result_count = False
    inlines = [ActivityInline, RepresentativeInline, PartnerInline, EstablishmentInline,
               SeccionalHistoryInline, FormVersionInline]

    def get_fieldsets(self, request: HttpRequest, obj: Registrant | None = None) -> Any:
        natural = obj is not None and obj.is_natural
        return [
            (_("Inscripción"), {"fields": [
                "nit_with_dv", "state", "kind", "person_type", "seccional", "revision",
                "created_at", "formalized_at", "provisional_nit_issued_at",
                "bank_certificate_date", "state_changed_at",
            ]}),
            (_("Identificación"), {
                "fields": _NATURAL_IDENTIFICATION if natural else _LEGAL_IDENTIFICATION}),
            (_("Ubicación"), {"fields": [
                "country", "department", "municipality", "address", "postal_code", "email",
                "phone_1", "phone_2",
            ]}),
            (_("Clasificación"), {"fields": ["responsibilities", "customs_qualities"]}),
        ]

    @admin.display(description=_("NIT"), ordering="nit")
    def nit_with_dv(self, obj: Registrant) -> str:
        return format_html('<span style="white-space: nowrap">{}</span>', obj.formatted_nit or "—")

    @admin.display(description=_("nombre o razón social"), ordering="search_name")
    def display_name(self, obj: Registrant) -> str:
        return obj.display_name

    @admin.display(description=_("seccional"), ordering="seccional")
    def seccional_code(self, obj: Registrant) -> str:
        return f"{obj.seccional_id} {obj.seccional.city}"

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Registrant],
                           search_term: str) -> tuple[QuerySet[Registrant], bool]:
        term = normalize_name(search_term)
        if match := _NIT_WITH_DV.fullmatch(term):
            term = match.group(1)
        return super().get_search_results(request, queryset, term)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Registrant]:
        return super().get_queryset(request).select_related(
            "seccional", "document_type", "document_issue_place", "birth_place", "department",
            "municipality")


def _state_label(value: str) -> str:
    return str(Registrant.State(value).label) if value in Registrant.State.values else value


@admin.register(FormVersion)
class FormVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["form_number", "registrant_label", "version", "concept", "state",
                    "created_at", "created_by"]
    list_filter = ["concept", "state"]
    list_select_related = ["registrant", "created_by"]
    search_fields = ["=form_number", "registrant__nit__exact"]
    ordering = ["-id"]
    show_full_result_count = False
    fields = readonly_fields = ("form_number", "registrant_link", "version", "concept", "state",
                                "created_at", "created_by", "content")

    @admin.display(description=_("inscrito"), ordering="registrant")
    def registrant_label(self, obj: FormVersion) -> str:
        return str(obj.registrant)

    @admin.display(description=_("inscrito"))
    def registrant_link(self, obj: FormVersion) -> str:
        url = reverse("admin:registry_registrant_change", args=[obj.registrant_id])
        return format_html('<a href="{}">{}</a>', url, obj.registrant)

    @admin.display(description=_("contenido del formulario"))
    def content(self, obj: FormVersion) -> str:
        text = json.dumps(obj.snapshot, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


# What each audited action is called in Spanish (the services record the action's code).
ACTION_LABELS = {
    "pre_register": _("Pre-inscripción"),
    "formalize": _("Inscripción"),
    "issue_provisional_nit": _("Expedición de NIT provisional"),
    "activate_provisional_nit": _("Activación del NIT provisional"),
    "lapse_provisional_nit": _("Pérdida de validez del NIT provisional"),
    "update": _("Actualización"),
    "suspend": _("Suspensión"),
    "lift_suspension": _("Levantamiento de la suspensión"),
    "cancel": _("Cancelación"),
    "reactivate": _("Reactivación"),
}


class ActionFilter(admin.SimpleListFilter):
    title = _("acción")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(ACTION_LABELS.items())

    def queryset(self, request: HttpRequest,
                 queryset: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "action_label", "registrant_label", "state_change", "actor",
                    "case_number"]
    list_filter = [ActionFilter]
    list_select_related = ["registrant", "actor"]
    search_fields = ["registrant__nit__exact", "=case_number", "act_reference"]
    ordering = ["-at", "-id"]
    show_full_result_count = False
    fields = readonly_fields = ("at", "action_label", "registrant_label", "from_state_label",
                                "to_state_label", "actor", "reason", "legal_basis",
                                "act_reference", "case_number", "form_version", "changes_text")

    @admin.display(description=_("acción"), ordering="action")
    def action_label(self, obj: AuditEntry) -> str:
        return str(ACTION_LABELS.get(obj.action, obj.action))

    @admin.display(description=_("inscrito"), ordering="registrant")
    def registrant_label(self, obj: AuditEntry) -> str:
        return str(obj.registrant) if obj.registrant else "—"

    @admin.display(description=_("cambio de estado"))
    def state_change(self, obj: AuditEntry) -> str:
        if obj.from_state == obj.to_state or not obj.from_state:
            return _state_label(obj.to_state)
        return f"{_state_label(obj.from_state)} → {_state_label(obj.to_state)}"

    @admin.display(description=_("estado anterior"))
    def from_state_label(self, obj: AuditEntry) -> str:
        return _state_label(obj.from_state)

    @admin.display(description=_("estado nuevo"))
    def to_state_label(self, obj: AuditEntry) -> str:
        return _state_label(obj.to_state)

    @admin.display(description=_("cambios"))
    def changes_text(self, obj: AuditEntry) -> str:
        text = json.dumps(obj.changes, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


# --- Reference tables: loaded from registry/data by load_reference_data, read here ----------


class ReferenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Public reference data (DIVIPOLA, CIIU, DIAN code tables): any official may browse it.

    Edits would be overwritten by the next load_reference_data, so the admin only reads.
    """

    search_fields = ["code", "name"]
    # DIVIPOLA names are stored in capitals; SQLite's LIKE folds the case of ASCII letters only,
    # so "medellín" would miss "MEDELLÍN" there without this.
    upper_case_names = False

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any],
                           search_term: str) -> tuple[QuerySet[Any], bool]:
        term = search_term.upper() if self.upper_case_names else search_term
        return super().get_search_results(request, queryset, term)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)


@admin.register(Seccional)
class SeccionalAdmin(ReferenceAdmin):
    list_display = ["code", "name", "kind", "city"]
    list_filter = ["kind"]


@admin.register(Department)
class DepartmentAdmin(ReferenceAdmin):
    list_display = ["code", "name"]
    upper_case_names = True


@admin.register(Municipality)
class MunicipalityAdmin(ReferenceAdmin):
    list_display = ["code", "name", "department", "seccional", "is_current"]
    list_filter = ["department", "is_current"]
    list_select_related = ["department", "seccional"]
    upper_case_names = True


@admin.register(DocumentType)
class DocumentTypeAdmin(ReferenceAdmin):
    list_display = ["code", "name", "applies_to"]
    list_filter = ["applies_to"]


@admin.register(EconomicActivity)
class EconomicActivityAdmin(ReferenceAdmin):
    list_display = ["code", "name", "section", "is_special"]
    list_filter = ["section", "is_special"]


@admin.register(Responsibility)
class ResponsibilityAdmin(ReferenceAdmin):
    list_display = ["code", "name", "is_current"]
    list_filter = ["is_current"]


@admin.register(CustomsQuality)
class CustomsQualityAdmin(ReferenceAdmin):
    list_display = ["code", "name"]
