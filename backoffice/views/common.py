"""Scope, refusals and small helpers shared by the admin views."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from procedures.models import Case
from rut_portal.errors import DomainError

# States in which the case still waits for its decision: the legal term runs against these.
UNDECIDED_STATES = (
    Case.State.RECEIVED,
    Case.State.REQUIREMENTS_MET,
    Case.State.IN_PROCESS,
    Case.State.AWAITING_APPROVAL,
)
PROCESS = "procedures.process_case"
WORKING_STATES = (Case.State.RECEIVED, Case.State.REQUIREMENTS_MET, Case.State.IN_PROCESS)


# --- Scope -------------------------------------------------------------------------------------


def actor(request: HttpRequest) -> User:
    """The official acting: admin_view lets only active staff users through."""
    user = request.user
    assert isinstance(user, User)
    return user


def case_url(case: Case | int) -> str:
    pk = case if isinstance(case, int) else case.pk
    return reverse("admin:procedures_case_change", args=[pk])


def refused(
    request: HttpRequest, message: str, *, case: Case | None = None, opts: Any = None
) -> TemplateResponse:
    """A 403 page that says why (another seccional, a missing permission, four eyes...)."""
    from django.contrib import admin

    return TemplateResponse(
        request,
        "admin/rut_refused.html",
        {
            **admin.site.each_context(request),
            "opts": opts or Case._meta,
            "title": _("Acción no permitida"),
            "message": message,
            "case": case,
        },
        status=403,
    )


def admin_context(request: HttpRequest) -> dict[str, Any]:
    from django.contrib import admin

    return {**admin.site.each_context(request), "opts": Case._meta}


def scope_refusal(case: Case) -> str:
    return _(
        "El trámite %(number)s pertenece a la %(seccional)s; usted no puede verlo ni actuar "
        "sobre él."
    ) % {"number": case.number, "seccional": case.seccional.name}


def put_errors_on_form(form: forms.Form, error: DomainError) -> None:
    errors = error.as_field_errors()
    for name, messages_ in errors.items():
        for message in messages_:
            form.add_error(name if name in form.fields else None, message)


def load_case(object_id: str) -> Case:
    return get_object_or_404(
        Case.objects.select_related(
            "registrant",
            "seccional",
            "received_at_seccional",
            "assigned_to",
            "prepared_by",
            "decided_by",
        ),
        pk=object_id,
    )


def admin_site_context(request: HttpRequest, model: type[Any]) -> dict[str, Any]:
    from django.contrib import admin

    return {**admin.site.each_context(request), "opts": model._meta}


class KeysFirstPaginator(Paginator):
    """Pages of a large changelist: first the page's primary keys, then their rows.

    Ordering the bare table with LIMIT lets PostgreSQL keep only the top rows while it sorts
    (a top-N heapsort in memory); ordering the joined, wide rows that select_related asks for
    sorts every row, on disk past work_mem. The second query fetches the page by primary key.
    """

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        queryset = cast(QuerySet[Any], self.object_list)
        keys = list(queryset.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = {row.pk: row for row in self.rows(queryset.filter(pk__in=keys).order_by())}
        return Page([rows[key] for key in keys if key in rows], number, self)

    def rows(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The query of the page's rows, which a list may narrow to the columns it shows."""
        return queryset
