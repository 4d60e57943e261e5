"""The officials' read side of the registry.

Rich in presentation, empty of rules: the admin never writes an inscrito. Inscriptions, updates
and state changes go through registry.services (their buttons are on the case page, in
backoffice.admin.procedures); Formulario 001 versions and the audit trail are append-only.

Scope: an official sees the inscritos of their own seccional, plus those of another seccional
with an open case in theirs (a reactivación is processed where it was received); the central
level sees everyone. Every view of an inscrito's personal data is written to DataAccessLog.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from accounts.scope import can_act_in, is_central, scope_to_seccional
from backoffice.forms import ProvisionalNitActivationForm
from backoffice.views.common import KeysFirstPaginator, actor, refused
from backoffice.views.ex_officio import ex_officio_update_view
from procedures.selectors import registrant_visible_to
from registry.ciiu_search import search_activities
from registry.models import (
    ActivityKeyword,
    AuditEntry,
    CustomsQuality,
    DataAccessLog,
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
from registry.selectors import registrant_search
from registry.services.data_access import log_data_access
from registry.services.provisional_nit import (
    activate_provisional_nit,
    activation_refusal,
    provisional_nit_expires_on,
)
from registry.services.seccionales import set_signer
from registry.snapshots import CHILDREN
from rut_portal.errors import DomainError

admin.site.site_header = _("Administración del RUT")
admin.site.site_title = _("Portal RUT")
admin.site.index_title = _("Registro Único Tributario")
# The officials' pages (inbox, case page, dashboard) need the whole width; the header carries
# the links they use every day.
admin.site.enable_nav_sidebar = False

# "900.373.913-4": a NIT with its DV, searched by its base number.
_NIT_WITH_DV = re.compile(r"(\d+)-\d")
FORMALIZE = "registry.formalize_registrant"


class ReadOnlyAdminMixin:
    """Nothing is added, changed or deleted here; only read."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Refusal (scope rule: procedures.selectors; the log: registry.services.data_access) ---


def refused_registrant(request: HttpRequest, registrant: Registrant) -> HttpResponse:
    return refused(
        request,
        gettext(
            "El inscrito pertenece a la %(seccional)s y no tiene trámites abiertos en la suya: "
            "no puede consultar sus datos."
        )
        % {"seccional": registrant.seccional.name},
        opts=Registrant._meta,
    )


class RegistrantScopedAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Lists scoped to the official's seccional; detail pages of visible inscritos are logged."""

    registrant_path = "registrant"  # how to reach the inscrito from a row ("" for the inscrito)

    def _registrant_of(self, obj: Any) -> Registrant:
        return obj if not self.registrant_path else getattr(obj, self.registrant_path)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        prefix = f"{self.registrant_path}__" if self.registrant_path else ""
        return scope_to_seccional(
            super().get_queryset(request), request.user, field=f"{prefix}seccional_id"
        )

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        found = super().get_object(request, object_id, from_field)
        if found is not None or is_central(request.user):
            return found
        # Not in the official's seccional: still visible while a case of theirs is open on it.
        unscoped = super().get_queryset(request)
        try:
            candidate = unscoped.get(pk=int(object_id))
        except (ValueError, self.model.DoesNotExist):
            return None
        registrant = self._registrant_of(candidate)
        if registrant is not None and registrant_visible_to(request.user, registrant):
            return candidate
        return None

    def personal_data_label(self, obj: Any) -> str:
        raise NotImplementedError

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is None:
            unscoped = super().get_queryset(request)
            existing = unscoped.filter(pk=object_id).first() if object_id.isdigit() else None
            registrant = self._registrant_of(existing) if existing is not None else None
            if registrant is not None and self.has_view_permission(request):
                return refused_registrant(request, registrant)
        response = super().change_view(request, object_id, form_url, extra_context)
        registrant = self._registrant_of(obj) if obj is not None else None
        if registrant is not None and response.status_code == 200:
            log_data_access(
                user=actor(request), registrant=registrant, what=self.personal_data_label(obj)
            )
        return response


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
    fields = readonly_fields = (
        "role",
        "document_type_label",
        "document_number",
        "name",
        "professional_card",
        "since",
    )
    ordering = ["role", "id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Representative]:
        return super().get_queryset(request).select_related("document_type")


class PartnerInline(RegistrantPartInline):
    model = Partner
    fields = readonly_fields = (
        "document_type_label",
        "document_number",
        "nit",
        "name",
        "nationality",
        "share_percentage",
        "since",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Partner]:
        return super().get_queryset(request).select_related("document_type")


class EstablishmentInline(RegistrantPartInline):
    model = Establishment
    fields = readonly_fields = (
        "name",
        "kind_code",
        "activity_label",
        "municipality_label",
        "address",
        "phone",
        "opened_on",
    )

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
    fields = readonly_fields = (
        "version",
        "form_number",
        "concept",
        "state",
        "created_at",
        "created_by",
        "changes_link",
        "pdf_links",
    )
    ordering = ["version"]
    show_change_link = True

    @admin.display(description=_("PDF"))
    def pdf_links(self, obj: FormVersion) -> str:
        return format_html_join(
            " · ",
            '<a href="{}" data-testid="f001-pdf-v{}-{}">{}</a>',
            (
                (
                    reverse(
                        "admin:registry_registrant_form_pdf",
                        args=[obj.registrant_id, obj.version, kind],
                    ),
                    obj.version,
                    kind,
                    label,
                )
                for kind, label in (
                    ("certificado", gettext("Certificado")),
                    ("copia", gettext("Copia")),
                )
            ),
        )

    @admin.display(description=_("cambios"))
    def changes_link(self, obj: FormVersion) -> str:
        if obj.version <= 1:
            return "—"
        url = reverse("admin:registry_registrant_compare", args=[obj.registrant_id])
        return format_html(
            '<a href="{}?a={}&amp;b={}">{}</a>',
            url,
            obj.version - 1,
            obj.version,
            gettext("qué cambió respecto de la versión %(v)s") % {"v": obj.version - 1},
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("registry.view_formversion")

    def get_queryset(self, request: HttpRequest) -> QuerySet[FormVersion]:
        return super().get_queryset(request).select_related("created_by")


_NATURAL_IDENTIFICATION = [
    "document_type",
    "document_number",
    "document_issue_date",
    "document_issue_place",
    "document_issue_country",
    "first_surname",
    "second_surname",
    "first_name",
    "other_names",
    "birth_date",
    "birth_place",
    "birth_country",
    "foreign_tax_number",
    "trade_name",
]
_LEGAL_IDENTIFICATION = [
    "business_name",
    "trade_name",
    "acronym",
    "document_type",
    "document_number",
    "foreign_tax_number",
]


class RegistrantSeccionalFilter(admin.SimpleListFilter):
    """Seccional, for the central level (an official's list is their seccional already).

    Lists every seccional instead of those in use: a DISTINCT over a million inscritos would
    cost more than the page itself.
    """

    title = _("seccional")
    parameter_name = "seccional"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(s.code, f"{s.code} {s.city}") for s in Seccional.objects.order_by("code")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(seccional_id=self.value()) if self.value() else queryset


@admin.register(Registrant)
class RegistrantAdmin(RegistrantScopedAdmin):
    registrant_path = ""
    list_display = ["nit_with_dv", "display_name", "kind", "state", "seccional_code"]
    list_filter = ["state", "kind"]
    list_select_related = ["seccional"]
    # Exact NIT and document (unique indexes); names through search_name, which the services
    # keep upper-case and accent-free, so `contains` can use the trigram index on PostgreSQL.
    # get_search_results sends each kind of term to its index.
    search_fields = ["nit"]
    search_help_text = _("NIT (con o sin DV), número de documento o parte del nombre.")
    ordering = ["-id"]
    show_full_result_count = False
    paginator = KeysFirstPaginator
    inlines = [
        ActivityInline,
        RepresentativeInline,
        PartnerInline,
        EstablishmentInline,
        SeccionalHistoryInline,
        FormVersionInline,
    ]
    change_form_template = "admin/registry/registrant/change_form.html"

    def get_fieldsets(self, request: HttpRequest, obj: Registrant | None = None) -> Any:
        natural = obj is not None and obj.is_natural
        return [
            (
                _("Inscripción"),
                {
                    "fields": [
                        "nit_with_dv",
                        "state",
                        "kind",
                        "person_type",
                        "seccional",
                        "revision",
                        "created_at",
                        "formalized_at",
                        "provisional_nit_issued_at",
                        "bank_certificate_date",
                        "state_changed_at",
                    ]
                },
            ),
            (
                _("Identificación"),
                {"fields": _NATURAL_IDENTIFICATION if natural else _LEGAL_IDENTIFICATION},
            ),
            (
                _("Ubicación"),
                {
                    "fields": [
                        "country",
                        "department",
                        "municipality",
                        "address",
                        "postal_code",
                        "email",
                        "phone_1",
                        "phone_2",
                    ]
                },
            ),
            (_("Clasificación"), {"fields": ["responsibilities", "customs_qualities"]}),
        ]

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        if is_central(request.user):
            return [*self.list_filter, RegistrantSeccionalFilter]
        return list(self.list_filter)

    @admin.display(description=_("NIT"), ordering="nit")
    def nit_with_dv(self, obj: Registrant) -> str:
        return format_html('<span class="rut-nowrap">{}</span>', obj.formatted_nit or "—")

    @admin.display(description=_("nombre o razón social"), ordering="search_name")
    def display_name(self, obj: Registrant) -> str:
        return obj.display_name

    @admin.display(description=_("seccional"), ordering="seccional")
    def seccional_code(self, obj: Registrant) -> str:
        return f"{obj.seccional_id} {obj.seccional.city}"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Registrant], search_term: str
    ) -> tuple[QuerySet[Registrant], bool]:
        return queryset.filter(registrant_search(search_term)), False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Registrant]:
        return (
            super()
            .get_queryset(request)
            .select_related(
                "seccional",
                "document_type",
                "document_issue_place",
                "birth_place",
                "department",
                "municipality",
            )
        )

    def personal_data_label(self, obj: Registrant) -> str:
        return gettext("Ficha del inscrito: identificación, ubicación, clasificación e historia")

    def get_urls(self) -> list[URLPattern]:
        def compare(request: HttpRequest, object_id: str) -> HttpResponse:
            return self.compare_view(request, object_id)

        def activate_nit(request: HttpRequest, object_id: str) -> HttpResponse:
            return self.activate_nit_view(request, object_id)

        def update_ex_officio(request: HttpRequest, object_id: str) -> HttpResponse:
            return ex_officio_update_view(self, request, object_id)

        def form_pdf(
            request: HttpRequest, object_id: str, version: int, kind: str
        ) -> HttpResponseBase:
            return self.form_pdf_view(request, object_id, version, kind)

        return [
            path(
                "<int:object_id>/comparar/",
                self.admin_site.admin_view(compare),
                name="registry_registrant_compare",
            ),
            path(
                "<int:object_id>/activar-nit/",
                self.admin_site.admin_view(activate_nit),
                name="registry_registrant_activate_nit",
            ),
            path(
                "<int:object_id>/actualizacion-de-oficio/",
                self.admin_site.admin_view(update_ex_officio),
                name="registry_registrant_ex_officio_update",
            ),
            path(
                "<int:object_id>/formulario-001/<int:version>/<str:kind>/",
                self.admin_site.admin_view(form_pdf),
                name="registry_registrant_form_pdf",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if obj is not None:
            extra.update(registrant_page_context(request, obj))
            extra["can_activate_nit"] = (
                obj.state == Registrant.State.PROVISIONAL
                and can_act_in(request.user, obj.seccional_id)
                and request.user.has_perm(FORMALIZE)
            )
            extra["can_update_ex_officio"] = (
                can_proceed(obj.update)
                and can_act_in(request.user, obj.seccional_id)
                and request.user.has_perm("procedures.process_case")
            )
        return super().change_view(request, object_id, form_url, extra)

    def activate_nit_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Activar NIT (certificado bancario): provisional → definitive (art. 10 lit. a).

        Only officials of the inscrito's seccional (or the central level) with the permission to
        formalise; the rules and the audit entry are registry.services.provisional_nit's.
        """
        registrant = get_object_or_404(Registrant.objects.select_related("seccional"), pk=object_id)
        if not can_act_in(request.user, registrant.seccional_id):
            return refused(
                request,
                gettext(
                    "El inscrito pertenece a la %(seccional)s: solo un funcionario de esa "
                    "seccional puede activar su NIT."
                )
                % {"seccional": registrant.seccional.name},
                opts=Registrant._meta,
            )
        if not request.user.has_perm(FORMALIZE):
            return refused(
                request,
                gettext("No tiene permiso para activar NIT provisionales."),
                opts=Registrant._meta,
            )
        refusal = activation_refusal(registrant)
        form = ProvisionalNitActivationForm(request.POST if request.method == "POST" else None)
        if refusal is None and request.method == "POST" and form.is_valid():
            try:
                activate_provisional_nit(registrant, by=actor(request), **form.cleaned_data)
            except DomainError as error:
                if error.field in form.fields:
                    form.add_error(error.field, error.message)
                else:
                    refusal = error.message
            else:
                messages.success(
                    request,
                    gettext(
                        "El NIT %(nit)s quedó definitivo; se expidió una nueva versión del "
                        "Formulario 001."
                    )
                    % {"nit": registrant.formatted_nit},
                )
                return HttpResponseRedirect(
                    reverse("admin:registry_registrant_change", args=[registrant.pk])
                )
        return TemplateResponse(
            request,
            "admin/registry/registrant/activate_nit.html",
            {
                **self.admin_site.each_context(request),
                "opts": Registrant._meta,
                "original": registrant,
                "title": gettext("Activar NIT (certificado bancario)"),
                "form": form,
                "refusal": refusal,
                "expires_on": provisional_nit_expires_on(registrant),
            },
            status=409 if refusal and request.method == "POST" else 200,
        )

    def form_pdf_view(
        self, request: HttpRequest, object_id: str, version: int, kind: str
    ) -> HttpResponseBase:
        """Formulario 001 of one version as PDF ("certificado" or "copia"), within scope."""
        from documents.services import formulario_001_pdf

        if kind not in ("certificado", "copia") or not request.user.has_perm(
            "registry.view_formversion"
        ):
            raise Http404
        registrant = self.get_object(request, object_id)
        if registrant is None:
            existing = get_object_or_404(
                Registrant.objects.select_related("seccional"), pk=object_id
            )
            return refused_registrant(request, existing)
        form_version = get_object_or_404(FormVersion, registrant=registrant, version=version)
        document = formulario_001_pdf(form_version, copy=kind == "copia")
        log_data_access(
            user=actor(request),
            registrant=registrant,
            what=gettext("Formulario 001 %(number)s (%(kind)s) en PDF")
            % {"number": form_version.form_number, "kind": kind},
        )
        response = FileResponse(
            document.file.open("rb"),
            content_type="application/pdf",
            filename=f"formulario-001-{form_version.form_number}-{kind}.pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """What changed between two Formulario 001 versions of the inscrito."""
        registrant = self.get_object(request, object_id)
        if registrant is None:
            existing = get_object_or_404(
                Registrant.objects.select_related("seccional"), pk=object_id
            )
            return refused_registrant(request, existing)
        versions = list(registrant.form_versions.select_related("created_by").order_by("version"))
        numbers = [v.version for v in versions]
        later = _version_param(request, "b", numbers, default=numbers[-1] if numbers else 0)
        earlier = _version_param(
            request, "a", numbers, default=max([n for n in numbers if n < later], default=later)
        )
        by_number = {v.version: v for v in versions}
        rows = []
        if earlier in by_number and later in by_number:
            rows = compare_snapshots(by_number[earlier].snapshot, by_number[later].snapshot)
            log_data_access(
                user=actor(request),
                registrant=registrant,
                what=gettext("Comparación de las versiones %(a)s y %(b)s del Formulario 001")
                % {"a": earlier, "b": later},
            )
        only_changes = request.GET.get("todo") != "1"
        return TemplateResponse(
            request,
            "admin/registry/registrant/compare.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": registrant,
                "title": gettext("Formulario 001: qué cambió entre dos versiones"),
                "versions": versions,
                "earlier": by_number.get(earlier),
                "later": by_number.get(later),
                "rows": [r for r in rows if r.changed] if only_changes else rows,
                "changed_count": sum(1 for r in rows if r.changed),
                "only_changes": only_changes,
            },
        )


def _version_param(request: HttpRequest, name: str, numbers: list[int], *, default: int) -> int:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() and int(raw) in numbers else default


def registrant_page_context(request: HttpRequest, registrant: Registrant) -> dict[str, Any]:
    """What the inscrito page shows under the record: history, open cases, indicators."""
    from procedures.models import Case
    from procedures.selectors import sanction_indicators

    cases = list(
        Case.objects.filter(registrant=registrant)
        .exclude(state=Case.State.CLOSED)
        .select_related("seccional", "assigned_to")
        .order_by("-priority", "received_at")
    )
    return {
        "state_history": [
            (
                entry,
                ACTION_LABELS.get(entry.action, entry.action),
                _state_label(entry.from_state),
                _state_label(entry.to_state),
            )
            for entry in registrant.audit_entries.select_related("actor", "form_version").order_by(
                "at", "id"
            )
        ],
        "open_cases": [(c, can_act_in(request.user, c.seccional_id)) for c in cases],
        "indicators": sanction_indicators(registrant),
        "pending_obligations": registrant.pending_obligations.filter(resolved_at__isnull=True),
        "open_referrals": registrant.referrals.filter(closed_at__isnull=True),
        "can_see_access_log": request.user.has_perm("registry.view_dataaccesslog"),
    }


def _state_label(value: str) -> str:
    return str(Registrant.State(value).label) if value in Registrant.State.values else value


@admin.register(FormVersion)
class FormVersionAdmin(RegistrantScopedAdmin):
    list_display = [
        "form_number",
        "registrant_label",
        "version",
        "concept",
        "state",
        "created_at",
        "created_by",
    ]
    list_filter = ["concept", "state"]
    list_select_related = ["registrant", "created_by"]
    search_fields = ["=form_number", "registrant__nit__exact"]
    ordering = ["-id"]
    show_full_result_count = False
    fields = readonly_fields = (
        "form_number",
        "registrant_link",
        "version",
        "concept",
        "state",
        "created_at",
        "created_by",
        "content",
    )

    @admin.display(description=_("inscrito"), ordering="registrant")
    def registrant_label(self, obj: FormVersion) -> str:
        return str(obj.registrant)

    @admin.display(description=_("inscrito"))
    def registrant_link(self, obj: FormVersion) -> str:
        url = reverse("admin:registry_registrant_change", args=[obj.registrant_id])
        return format_html('<a href="{}">{}</a>', url, obj.registrant)

    @admin.display(description=_("contenido del formulario"))
    def content(self, obj: FormVersion) -> str:
        rows = format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td><td class="rut-pre">{}</td></tr>',
            ((row.section, row.label, row.after) for row in flatten_snapshot(obj.snapshot)),
        )
        return format_html(
            '<table class="rut-table rut-snapshot"><thead><tr><th>{}</th><th>{}</th>'
            "<th>{}</th></tr></thead><tbody>{}</tbody></table>",
            gettext("sección"),
            gettext("casilla"),
            gettext("valor"),
            rows,
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[FormVersion]:
        return super().get_queryset(request).select_related("registrant", "created_by")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[FormVersion], search_term: str
    ) -> tuple[QuerySet[FormVersion], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        people = Registrant.objects.filter(registrant_search(term)).values("pk")
        return queryset.filter(Q(form_number=term) | Q(registrant__in=people)), False

    def personal_data_label(self, obj: FormVersion) -> str:
        return gettext("Formulario 001 N.º %(n)s (versión %(v)s)") % {
            "n": obj.form_number,
            "v": obj.version,
        }


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

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[AuditEntry]
    ) -> QuerySet[AuditEntry]:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(RegistrantScopedAdmin):
    list_display = [
        "at",
        "action_label",
        "registrant_label",
        "state_change",
        "actor",
        "case_number",
    ]
    list_filter = [ActionFilter]
    list_select_related = ["registrant", "actor"]
    search_fields = ["=case_number"]
    search_help_text = _("NIT, documento o nombre del inscrito, o número del trámite.")
    ordering = ["-at", "-id"]
    show_full_result_count = False
    fields = readonly_fields = (
        "at",
        "action_label",
        "registrant_label",
        "from_state_label",
        "to_state_label",
        "actor",
        "reason",
        "legal_basis",
        "act_reference",
        "case_number",
        "form_version",
        "changes_text",
    )

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
        return format_html('<pre class="rut-pre">{}</pre>', text)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[AuditEntry], search_term: str
    ) -> tuple[QuerySet[AuditEntry], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        people = Registrant.objects.filter(registrant_search(term)).values("pk")
        return queryset.filter(Q(case_number=term) | Q(registrant__in=people)), False

    def personal_data_label(self, obj: AuditEntry) -> str:
        return gettext("Registro de auditoría: %(action)s del %(at)s") % {
            "action": ACTION_LABELS.get(obj.action, obj.action),
            "at": obj.at.strftime("%d/%m/%Y %H:%M"),
        }


@admin.register(DataAccessLog)
class DataAccessLogAdmin(RegistrantScopedAdmin):
    """Who looked at which inscrito's personal data: for directors (their seccional) and central."""

    list_display = ["at", "user", "registrant", "what"]
    list_select_related = ["user", "registrant"]
    list_filter = [("at", admin.DateFieldListFilter)]
    search_fields = ["user__username"]
    search_help_text = _("Usuario del funcionario, o NIT, documento o nombre del inscrito.")
    ordering = ["-at", "-id"]
    show_full_result_count = False
    fields = readonly_fields = ("at", "user", "registrant", "what")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[DataAccessLog], search_term: str
    ) -> tuple[QuerySet[DataAccessLog], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        people = Registrant.objects.filter(registrant_search(term)).values("pk")
        return queryset.filter(Q(user__username=term) | Q(registrant__in=people)), False

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        # Reading the log is not reading the inscrito: no exception for open cases, no logging.
        return admin.ModelAdmin.get_object(self, request, object_id, from_field)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return admin.ModelAdmin.change_view(self, request, object_id, form_url, extra_context)


# --- Formulario 001 versions side by side -----------------------------------------------------

_SECTION_LABELS = {
    "": _("Inscripción"),
    "identification": _("Identificación"),
    "location": _("Ubicación"),
    "activities": _("Actividad económica"),
    "responsibilities": _("Responsabilidades (casilla 53)"),
    "customs_qualities": _("Usuario aduanero (casilla 54)"),
    "representatives": _("Representación"),
    "partners": _("Socios o miembros"),
    "establishments": _("Establecimientos"),
}
# Casillas of the form, in the order the form prints them.
_FIELD_LABELS: dict[str, list[tuple[str, Any]]] = {
    "": [
        ("kind_label", _("Clase de inscrito")),
        ("state_label", _("Estado")),
        ("seccional", _("Dirección seccional (casilla 12)")),
        ("formalized_at", _("Formalizado")),
        ("provisional_nit_issued_at", _("NIT provisional expedido")),
    ],
    "identification": [
        ("5", _("NIT (casilla 5)")),
        ("6", _("DV (casilla 6)")),
        ("24", _("Tipo de contribuyente (casilla 24)")),
        ("25_label", _("Tipo de documento (casilla 25)")),
        ("26", _("Número de identificación (casilla 26)")),
        ("27", _("Fecha de expedición (casilla 27)")),
        ("28", _("Lugar de expedición (casilla 28)")),
        ("issue_country", _("País de expedición")),
        ("31", _("Primer apellido (casilla 31)")),
        ("32", _("Segundo apellido (casilla 32)")),
        ("33", _("Primer nombre (casilla 33)")),
        ("34", _("Otros nombres (casilla 34)")),
        ("35", _("Razón social (casilla 35)")),
        ("36", _("Nombre comercial (casilla 36)")),
        ("37", _("Sigla (casilla 37)")),
        ("birth_date", _("Fecha de nacimiento")),
        ("birth_place", _("Lugar de nacimiento")),
        ("birth_country", _("País de nacimiento")),
        ("foreign_tax_number", _("Número de identificación tributaria del exterior")),
    ],
    "location": [
        ("38", _("País (casilla 38)")),
        ("39", _("Departamento (casilla 39)")),
        ("40", _("Municipio (casilla 40)")),
        ("41", _("Dirección principal (casilla 41)")),
        ("42", _("Correo electrónico (casilla 42)")),
        ("43", _("Código postal (casilla 43)")),
        ("44", _("Teléfono 1 (casilla 44)")),
        ("45", _("Teléfono 2 (casilla 45)")),
    ],
}


def _list_lines(section: str, items: list[dict[str, Any]]) -> str:
    def line(item: dict[str, Any]) -> str:
        if section == "activities":
            since = f" ({gettext('desde')} {item['started_on']})" if item.get("started_on") else ""
            return f"{item['code']} {item.get('name', '')}{since}"
        if section in ("responsibilities", "customs_qualities"):
            return f"{item['code']} {item.get('name', '')}"
        if section == "representatives":
            return (
                f"{item.get('role_label', item.get('role', ''))}: {item['name']} "
                f"({item['document_type']} {item['document_number']})"
            )
        if section == "partners":
            share = f", {item['share_percentage']} %" if item.get("share_percentage") else ""
            return f"{item['name']} ({item['document_type']} {item['document_number']}{share})"
        return (
            f"{item['name']}: {item['address']}, {item.get('municipality_name', '')}"
            f" {item.get('phone', '')}".strip()
        )

    return "\n".join(line(item) for item in items)


def _value(section: str, key: str, snapshot: dict[str, Any]) -> str:
    container = snapshot if not section else snapshot.get(section) or {}
    value = container.get(key)
    if isinstance(value, dict):  # the seccional
        return f"{value.get('code', '')} {value.get('name', '')}".strip()
    return "" if value is None else str(value)


class SnapshotRow:
    def __init__(self, section: Any, label: Any, before: str, after: str) -> None:
        self.section, self.label, self.before, self.after = section, label, before, after
        self.changed = before != after


def flatten_snapshot(snapshot: dict[str, Any]) -> list[SnapshotRow]:
    """One version's casillas as rows (the "before" side left empty)."""
    return [
        SnapshotRow(r.section, r.label, "", r.after)
        for r in compare_snapshots({}, snapshot)
        if r.after
    ]


def compare_snapshots(before: dict[str, Any], after: dict[str, Any]) -> list[SnapshotRow]:
    """Both versions casilla by casilla, in the form's order; lists compared as wholes."""
    rows = []
    for section, fields in _FIELD_LABELS.items():
        for key, label in fields:
            rows.append(
                SnapshotRow(
                    _SECTION_LABELS[section],
                    label,
                    _value(section, key, before),
                    _value(section, key, after),
                )
            )
    for section in CHILDREN:
        rows.append(
            SnapshotRow(
                _SECTION_LABELS[section],
                _SECTION_LABELS[section],
                _list_lines(section, before.get(section) or []),
                _list_lines(section, after.get(section) or []),
            )
        )
    return rows


# --- Reference tables: loaded from registry/data by load_reference_data, read here ----------


class ReferenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Public reference data (DIVIPOLA, CIIU, DIAN code tables): any official may browse it.

    Edits would be overwritten by the next load_reference_data, so the admin only reads.
    """

    search_fields = ["code", "name"]
    # DIVIPOLA names are stored in capitals; SQLite's LIKE folds the case of ASCII letters only,
    # so "medellín" would miss "MEDELLÍN" there without this.
    upper_case_names = False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = search_term.upper() if self.upper_case_names else search_term
        return super().get_search_results(request, queryset, term)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)


@admin.register(Seccional)
class SeccionalAdmin(ReferenceAdmin):
    """Reference data, except who signs: its director (or the central level) keeps that."""

    list_display = ["code", "name", "kind", "city", "signer_name", "signer_position"]
    list_filter = ["kind"]
    fields = ["code", "name", "kind", "city", "signer_name", "signer_position"]
    readonly_fields = ["code", "name", "kind", "city"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not request.user.has_perm("registry.change_seccional"):
            return False
        return obj is None or can_act_in(request.user, obj.code)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        set_signer(
            obj,
            name=form.cleaned_data["signer_name"],
            position=form.cleaned_data["signer_position"],
        )


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


class SectionFilter(admin.SimpleListFilter):
    """CIIU section; the special codes (0010 asalariados, ...) have none and get a visible name."""

    title = _("sección")
    parameter_name = "section"
    NONE = "ninguna"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        sections = EconomicActivity.objects.order_by("section").values_list("section", flat=True)
        return [
            (section or self.NONE, section or gettext("Sin sección (códigos especiales)"))
            for section in sections.distinct()
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(section="" if value == self.NONE else value)


@admin.register(EconomicActivity)
class EconomicActivityAdmin(ReferenceAdmin):
    list_display = ["code", "name", "section", "is_special"]
    list_filter = [SectionFilter, "is_special"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # The same search as the citizens' wizard, keywords included.
        if not search_term.strip():
            return queryset, False
        codes = [a.code for a in search_activities(search_term, limit=100)]
        return queryset.filter(code__in=codes), False


@admin.register(ActivityKeyword)
class ActivityKeywordAdmin(admin.ModelAdmin):
    """The everyday words of the CIIU search (registry.ciiu_search): officials keep them."""

    list_display = ["word", "means"]
    search_fields = ["word", "means"]


@admin.register(Responsibility)
class ResponsibilityAdmin(ReferenceAdmin):
    list_display = ["code", "name", "is_current"]
    list_filter = ["is_current"]


@admin.register(CustomsQuality)
class CustomsQualityAdmin(ReferenceAdmin):
    list_display = ["code", "name"]
