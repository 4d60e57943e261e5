"""Officials and directors work their cases here: the inbox, the case page with one button per
available transition, the approval queue and the dashboard (views in backoffice.views).

Nothing in this module changes a row: there is no change form, no save_model and no delete.
Every change is a button that calls a service.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.scope import is_central, seccional_of
from backoffice import views
from backoffice.admin.inbox import (
    PAGE_KEYS,
    InboxCells,
    inbox_filters,
    inbox_rows,
    inbox_table,
    rendered_media,
    rows_by_key,
)
from backoffice.views import abroad
from backoffice.views.ex_officio import ex_officio_registration_view
from procedures.models import Case, Petition, Referral
from procedures.selectors import case_in_scope, scope_petitions, scope_referrals
from procedures.services.assignment import OPEN_STATES
from registry.models import Registrant
from registry.selectors import registrant_search

CASE_NUMBER = re.compile(r"\d{4}-\d{1,7}")


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The official's quick views of their inbox; the last only for whoever approves.
INBOX_VIEWS = {
    "sin_asignar": _("Sin asignar"),
    "mios": _("Asignados a mí"),
    "vencen_hoy": _("Vencen hoy"),
    "vencidos": _("Vencidos"),
    "por_aprobar": _("Pendientes de mi aprobación"),
}


class InboxFilter(admin.SimpleListFilter):
    """The official's quick views of their inbox."""

    title = _("bandeja")
    parameter_name = "bandeja"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        approves = request.user.has_perm("procedures.approve_cancellation")
        return [
            (view, label)
            for view, label in INBOX_VIEWS.items()
            if approves or view != "por_aprobar"
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        today = timezone.localdate()
        value = self.value()
        if value == "sin_asignar":
            return queryset.filter(assigned_to__isnull=True, state__in=OPEN_STATES)
        if value == "mios":
            return queryset.filter(assigned_to_id=request.user.pk, state__in=OPEN_STATES)
        if value == "vencen_hoy":
            return queryset.filter(due_on=today, state__in=views.UNDECIDED_STATES)
        if value == "vencidos":
            return queryset.filter(due_on__lt=today, state__in=views.UNDECIDED_STATES)
        if value == "por_aprobar":
            return queryset.filter(state=Case.State.AWAITING_APPROVAL).exclude(
                prepared_by_id=request.user.pk
            )
        return queryset


class SeccionalFilter(admin.SimpleListFilter):
    """For the central level only: officials see their own seccional anyway."""

    title = _("seccional")
    parameter_name = "seccional"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        from registry.models import Seccional

        return [(s.code, f"{s.code} {s.city}") for s in Seccional.objects.order_by("code")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(seccional_id=self.value()) if self.value() else queryset


class InboxChangeList(ChangeList):
    """The inbox's rows are InboxRows (backoffice.admin.inbox), not cases: a case and its
    inscrito have dozens of fields, and building them for 50 rows cost more than the page's
    statements."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        if isinstance(self.result_list, QuerySet):  # one page, or "show all": not paginated
            self.result_list = inbox_rows(self.result_list, seccional=is_central(request.user))


class InboxPaginator(views.KeysFirstPaginator):
    """A page's keys in the inbox's order, then their rows by key (backoffice.admin.inbox)."""

    def __init__(self, *args: Any, seccional: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seccional = seccional  # whether the seccional's column is shown

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        queryset = cast(QuerySet[Case], self.object_list)
        keys = list(queryset.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        return Page(rows_by_key(keys, seccional=self.seccional), number, self)


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = [
        "number_label",
        "case_type_label",
        "registrant_label",
        "state_badge",
        "assigned_label",
        "received_on",
        "due_label",
        "next_step",
    ]
    list_filter = [InboxFilter, "state", "case_type", "channel", "cause"]
    list_select_related = False  # the rows' related columns are joined in (inbox_rows)
    search_fields = ["number"]
    search_help_text = _(
        "Número del trámite (2026-0000123), NIT (con o sin DV), número de documento o parte "
        "del nombre del inscrito."
    )
    ordering = ["-priority", "received_at"]
    list_per_page = PAGE_KEYS
    show_full_result_count = False
    actions = ["approve_selected"]

    # --- Permissions: reading is scoped; every change is a service behind a button ---

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("procedures.process_case"))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("procedures.approve_cancellation"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        return views.scope_cases(super().get_queryset(request), request.user)

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return InboxChangeList

    def get_paginator(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return InboxPaginator(*args, seccional=is_central(request.user), **kwargs)

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        if is_central(request.user):
            return [InboxFilter, SeccionalFilter, "state", "case_type", "channel", "cause"]
        return list(self.list_filter)

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        if is_central(request.user):
            return [*self.list_display[:3], "seccional_code", *self.list_display[3:]]
        return list(self.list_display)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Case], search_term: str
    ) -> tuple[QuerySet[Case], bool]:
        """Each kind of term goes to its own index: number, NIT or document, or name."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if CASE_NUMBER.fullmatch(term):
            return queryset.filter(number=term), False
        people = Registrant.objects.filter(registrant_search(term))
        return queryset.filter(registrant__in=people.values("pk")), False

    # --- Columns: headers and sorting here; the cells are InboxCells', for an InboxRow (the
    # inbox's rows carry their inscrito's and official's columns) ---

    @admin.display(description=_("número"), ordering="number")
    def number_label(self, case: Case) -> str:
        return mark_safe(InboxCells().number_label(case))  # noqa: S308 -- escaped there

    @admin.display(description=_("inscrito"))
    def registrant_label(self, case: Case) -> str:
        return mark_safe(InboxCells().registrant_label(case))  # noqa: S308 -- escaped there

    @admin.display(description=_("seccional"), ordering="seccional_id")
    def seccional_code(self, case: Case) -> str:
        return mark_safe(InboxCells().seccional_code(case))  # noqa: S308 -- escaped there

    @admin.display(description=_("tipo"), ordering="case_type")
    def case_type_label(self, case: Case) -> str:
        return mark_safe(InboxCells().case_type_label(case))  # noqa: S308 -- escaped there

    @admin.display(description=_("estado"), ordering="state")
    def state_badge(self, case: Case) -> str:
        return mark_safe(InboxCells().state_badge(case))  # noqa: S308 -- escaped there

    @admin.display(description=_("asignado a"), ordering="assigned_to__first_name")
    def assigned_label(self, case: Case) -> str:
        return mark_safe(InboxCells().assigned_label(case))  # noqa: S308 -- escaped there

    @admin.display(description=_("recibido"), ordering="received_at")
    def received_on(self, case: Case) -> str:
        return mark_safe(InboxCells().received_on(case))  # noqa: S308 -- escaped there

    @admin.display(description=_("vence"), ordering="due_on")
    def due_label(self, case: Case) -> str:
        return mark_safe(InboxCells().due_label(case))  # noqa: S308 -- escaped there

    @admin.display(description=_("siguiente paso"))
    def next_step(self, case: Case) -> str:
        return mark_safe(InboxCells().next_step(case))  # noqa: S308 -- escaped there

    # --- Views ---

    def get_urls(self) -> list[URLPattern]:
        def wrap(view: Any, **extra: Any) -> Any:
            def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
                return view(self, request, *args, **kwargs)

            return self.admin_site.admin_view(wrapper)

        custom = [
            path(
                "aprobaciones/", wrap(views.approval_queue_view), name="procedures_case_approvals"
            ),
            path("tablero/", wrap(views.dashboard_view), name="procedures_case_dashboard"),
            path(
                "inscripcion-asistida/",
                wrap(views.assisted_inscription_view),
                name="procedures_case_inscription",
            ),
            path(
                "inscripcion-de-oficio/",
                wrap(ex_officio_registration_view),
                name="procedures_case_ex_officio_registration",
            ),
            path(
                "<int:object_id>/accion/<slug:action_key>/",
                wrap(views.case_action_view),
                name="procedures_case_action",
            ),
            path(
                "<int:object_id>/soporte/<int:document_id>/",
                wrap(views.case_document_view),
                name="procedures_case_document",
            ),
            path(
                "<int:object_id>/pdf/<slug:source>/<int:source_id>/",
                wrap(views.case_pdf_view),
                name="procedures_case_pdf",
            ),
        ]
        return custom + super().get_urls()

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return views.receive_case_view(self, request)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The case page: facts, buttons, timeline, deadlines, documents, communications."""
        if not object_id.isdigit():
            return HttpResponseRedirect(reverse("admin:procedures_case_changelist"))
        case = views.load_case(object_id)
        if not self.has_view_permission(request, case):
            return views.refused(request, str(_("No tiene permiso para ver trámites.")))
        if not case_in_scope(request.user, case):
            return views.refused(request, views.scope_refusal(case), case=case)
        return TemplateResponse(
            request,
            "admin/procedures/case/case_page.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"{_('Trámite')} {case.number}",
                "media": self.media,
                **views.case_page_context(request, case),
            },
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        view = request.GET.get(InboxFilter.parameter_name, "")
        extra = {
            "title": _("Bandeja de trámites"),
            "can_approve": self.has_approve_permission(request),
            "my_seccional": seccional_of(request.user),
            # The quick view chosen, for its chips: one of InboxFilter's, or none.
            "inbox_view": view if view in INBOX_VIEWS else "",
            "inbox_unfiltered": not request.GET,
        }
        response = super().changelist_view(request, {**extra, **(extra_context or {})})
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            context["inbox_actions"] = context.get("action_form") is not None
            context["media"] = rendered_media(
                context["media"], with_actions=context["inbox_actions"]
            )
            context.update(inbox_table(request, context["cl"]))
            context["inbox_filters"] = inbox_filters(request, context["cl"])
        return response

    @admin.action(
        description=_("Aprobar los seleccionados (con su firma)"), permissions=["approve"]
    )
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Case]) -> HttpResponse:
        ids = list(queryset.values_list("pk", flat=True))
        url = reverse("admin:procedures_case_approvals")
        return HttpResponseRedirect(f"{url}?{urlencode({'ids': ids}, doseq=True)}")


# --- Petitions (PQSRD) and referrals -----------------------------------------------------------


@admin.register(Petition)
class PetitionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "subject",
        "requested_case_type",
        "channel",
        "requester_name",
        "seccional",
        "state",
        "received_at",
    ]
    list_filter = ["state", "channel", "requested_case_type"]
    list_select_related = ["seccional"]
    search_fields = ["=number", "requester_name"]
    ordering = ["state", "-received_at"]
    show_full_result_count = False
    fields = readonly_fields = (
        "number",
        "state",
        "subject",
        "requested_case_type",
        "channel",
        "registrant",
        "requester_name",
        "requester_email",
        "seccional",
        "received_at",
        "answer",
        "answered_by",
        "answered_at",
        "from_abroad",
        "document_type",
        "document_number",
        "residence_country",
        "details",
        "case",
    )
    change_form_template = "admin/procedures/petition/change_form.html"
    change_list_template = "admin/procedures/petition/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Petition]:
        queryset = super().get_queryset(request).select_related("registrant", "answered_by")
        return scope_petitions(queryset, request.user)

    def get_urls(self) -> list[URLPattern]:
        def answer(request: HttpRequest, object_id: str) -> HttpResponse:
            return views.answer_petition_view(self, request, object_id)

        def receive_abroad(request: HttpRequest) -> HttpResponse:
            return abroad.receive_abroad_view(self, request)

        def formalize(request: HttpRequest, object_id: str) -> HttpResponse:
            return abroad.formalize_view(self, request, object_id)

        def attachment(
            request: HttpRequest, object_id: str, attachment_id: str
        ) -> HttpResponseBase:
            return abroad.attachment_view(self, request, object_id, attachment_id)

        return [
            path(
                "<int:object_id>/responder/",
                self.admin_site.admin_view(answer),
                name="procedures_petition_answer",
            ),
            path(
                "desde-el-exterior/",
                self.admin_site.admin_view(receive_abroad),
                name="procedures_petition_abroad",
            ),
            path(
                "<int:object_id>/formalizar/",
                self.admin_site.admin_view(formalize),
                name="procedures_petition_formalize",
            ),
            path(
                "<int:object_id>/anexo/<int:attachment_id>/",
                self.admin_site.admin_view(attachment),
                name="procedures_petition_attachment",
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
        extra = {
            "can_answer": request.user.has_perm("procedures.process_case"),
            **abroad.petition_extra_context(request, self.get_object(request, object_id)),
        }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})


class OpenReferralFilter(admin.SimpleListFilter):
    title = _("situación")
    parameter_name = "situacion"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("abiertas", _("Abiertas")), ("cerradas", _("Cerradas"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Referral]) -> QuerySet[Referral]:
        if self.value() == "abiertas":
            return queryset.filter(closed_at__isnull=True)
        if self.value() == "cerradas":
            return queryset.filter(closed_at__isnull=False)
        return queryset


@admin.register(Referral)
class ReferralAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["kind", "registrant", "case", "created_at", "created_by", "closed_at"]
    list_filter = [OpenReferralFilter, "kind"]
    list_select_related = ["registrant", "case", "created_by"]
    search_fields = ["case__number", "registrant__nit"]
    ordering = ["-created_at"]
    show_full_result_count = False
    fields = readonly_fields = (
        "kind",
        "registrant",
        "case",
        "visit",
        "reason",
        "created_by",
        "created_at",
        "closed_at",
        "closed_by",
        "resolution",
    )
    change_form_template = "admin/procedures/referral/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Referral]:
        queryset = super().get_queryset(request).select_related("visit", "closed_by")
        return scope_referrals(queryset, request.user)

    def get_urls(self) -> list[URLPattern]:
        def close(request: HttpRequest, object_id: str) -> HttpResponse:
            return views.close_referral_view(self, request, object_id)

        return [
            path(
                "<int:object_id>/cerrar/",
                self.admin_site.admin_view(close),
                name="procedures_referral_close",
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
        extra = {"can_close": request.user.has_perm("procedures.process_case")}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})
