"""Officials and directors work their cases here: the inbox, the case page with one button per
available transition, the approval queue and the dashboard (views in backoffice.views).

Nothing in this module changes a row: there is no change form, no save_model and no delete.
Every change is a button that calls a service.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import QuerySet, TextChoices
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from accounts.scope import is_central, seccional_of
from backoffice import views
from backoffice.admin.inbox import inbox_table
from backoffice.views import abroad
from backoffice.views.ex_officio import ex_officio_registration_view
from deadlines.rules import AUTHORITY_PRIORITY, JUDICIAL_PRIORITY
from deadlines.selectors import due_day
from procedures.models import Case, CaseType, Petition, Referral
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


class InboxFilter(admin.SimpleListFilter):
    """The official's quick views of their inbox."""

    title = _("bandeja")
    parameter_name = "bandeja"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        items = [
            ("sin_asignar", _("Sin asignar")),
            ("mios", _("Asignados a mí")),
            ("vencen_hoy", _("Vencen hoy")),
            ("vencidos", _("Vencidos")),
        ]
        if request.user.has_perm("procedures.approve_cancellation"):
            items.append(("por_aprobar", _("Pendientes de mi aprobación")))
        return items

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
    """The inbox's rows carry only the columns it shows: a case and its inscrito have dozens of
    fields, and building them all for 50 rows cost more than the page's statements."""

    fields = (
        *("number", "case_type", "state", "priority", "received_at", "due_on"),
        *("assigned_to__first_name", "assigned_to__last_name", "assigned_to__username"),
        *("registrant__state", "registrant__nit", "registrant__check_digit"),
        *("registrant__person_type", "registrant__first_name", "registrant__other_names"),
        *("registrant__first_surname", "registrant__second_surname", "registrant__business_name"),
        "seccional__city",
    )

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet[Any]:
        return super().get_queryset(request, exclude_parameters).only(*self.fields)


@lru_cache(maxsize=64)
def _labels(choices: type[TextChoices], language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


@lru_cache(maxsize=16)
def _priority_badge(priority: int, language: str | None) -> str:
    """The inbox's cells repeat a handful of fragments; each is translated and built once per
    process and language (a cell built afresh cost 20 to 70 µs, 50 rows × 8 columns a page)."""
    if priority >= JUDICIAL_PRIORITY:
        return format_html(
            '<br><span class="rut-badge rut-badge-judicial">{}</span>', gettext("Judicial")
        )
    if priority >= AUTHORITY_PRIORITY:
        return format_html(
            '<br><span class="rut-badge rut-badge-authority">{}</span>', gettext("Autoridad")
        )
    return ""


@lru_cache(maxsize=64)
def _state_badge(state: str, language: str | None) -> str:
    label = choice_labels(Case.State).get(state, state)
    return format_html('<span class="rut-state rut-state-{}">{}</span>', state, label)


@lru_cache(maxsize=4)
def _unassigned(language: str | None) -> str:
    return format_html('<span class="rut-muted">{}</span>', gettext("Sin asignar"))


@lru_cache(maxsize=2048)
def _due_label(due_on: date, today: date, language: str | None) -> str:
    """A pending term's last day and where it stands today, counted once per day and date."""
    due = due_on.strftime("%d/%m/%Y")
    status = due_day(due_on, today=today)
    assert status is not None
    if status.is_overdue or status.is_due_today:
        badge = "rut-badge-overdue" if status.is_overdue else "rut-badge-today"
        return format_html('{}<br><span class="rut-badge {}">{}</span>', due, badge, status.label())
    return format_html("{}<br><small>{}</small>", due, status.label())


def choice_labels(choices: type[TextChoices]) -> dict[str, str]:
    """The labels of a field's choices in the active language, translated once per process.

    get_FOO_display() hashes and translates every choice of the field on each call (130 µs
    for a case's state), once per row and column of a 50-row inbox.
    """
    return _labels(choices, get_language())


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
    list_select_related = ["registrant", "assigned_to", "seccional"]
    search_fields = ["number"]
    search_help_text = _(
        "Número del trámite (2026-0000123), NIT (con o sin DV), número de documento o parte "
        "del nombre del inscrito."
    )
    ordering = ["-priority", "received_at"]
    list_per_page = 50
    show_full_result_count = False
    paginator = views.KeysFirstPaginator
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

    # --- Columns ---

    @admin.display(description=_("número"), ordering="number")
    def number_label(self, case: Case) -> str:
        """The number, and the priority the order of the inbox follows (judicial first)."""
        badge = _priority_badge(case.priority, get_language())
        return format_html('<span class="rut-nowrap">{}</span>{}', case.number, badge)

    @admin.display(description=_("inscrito"))
    def registrant_label(self, case: Case) -> str:
        registrant = case.registrant
        if registrant is None:
            return "—"
        return format_html(
            '<span class="rut-nowrap">{}</span><br><small>{}</small>',
            registrant.formatted_nit or gettext("sin NIT"),
            registrant.display_name,
        )

    @admin.display(description=_("seccional"), ordering="seccional_id")
    def seccional_code(self, case: Case) -> str:
        return f"{case.seccional_id} {case.seccional.city}"

    @admin.display(description=_("tipo"), ordering="case_type")
    def case_type_label(self, case: Case) -> str:
        return choice_labels(CaseType).get(case.case_type, case.case_type)

    @admin.display(description=_("estado"), ordering="state")
    def state_badge(self, case: Case) -> str:
        return _state_badge(case.state, get_language())

    @admin.display(description=_("asignado a"), ordering="assigned_to__first_name")
    def assigned_label(self, case: Case) -> str:
        if case.assigned_to is None:
            return _unassigned(get_language())
        return case.assigned_to.get_full_name() or case.assigned_to.get_username()

    @admin.display(description=_("recibido"), ordering="received_at")
    def received_on(self, case: Case) -> str:
        return timezone.localtime(case.received_at).strftime("%d/%m/%Y")

    @admin.display(description=_("vence"), ordering="due_on")
    def due_label(self, case: Case) -> str:
        if case.due_on is None:
            return "—"
        if case.state not in views.UNDECIDED_STATES:
            return case.due_on.strftime("%d/%m/%Y")
        return _due_label(case.due_on, timezone.localdate(), get_language())

    @admin.display(description=_("siguiente paso"))
    def next_step(self, case: Case) -> str:
        if case.assigned_to_id is None and case.state in OPEN_STATES:
            url = reverse("admin:procedures_case_action", args=[case.pk, "tomar"])
            return format_html('<a class="button rut-small" href="{}">{}</a>', url, _("Tomar"))
        if case.state == Case.State.AWAITING_APPROVAL:
            return format_html('<a href="{}">{}</a>', views.case_url(case), _("Revisar"))
        return ""

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
        extra = {
            "title": _("Bandeja de trámites"),
            "can_approve": self.has_approve_permission(request),
            "my_seccional": seccional_of(request.user),
        }
        response = super().changelist_view(request, {**extra, **(extra_context or {})})
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            context.update(inbox_table(context["cl"]))
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
