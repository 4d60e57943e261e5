"""The director's approval queue: review, then approve several with one signature."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from backoffice import forms as f
from backoffice.views.common import (
    actor,
    admin_context,
    refused,
)
from deadlines.selectors import due_day
from procedures.models import Case
from procedures.selectors import scope_cases
from procedures.services import processing
from rut_portal.errors import DomainError

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

# --- The director's approval queue ---------------------------------------------------------


def approval_queue(user: Any) -> QuerySet[Case]:
    """Cancellations awaiting approval in the user's scope, preferential ones first."""
    return (
        scope_cases(Case.objects.filter(state=Case.State.AWAITING_APPROVAL), user)
        .select_related("registrant", "seccional", "prepared_by")
        .order_by("-priority", "received_at")
    )


def approval_queue_view(model_admin: ModelAdmin[Case], request: HttpRequest) -> HttpResponse:
    """Review, then approve several cancellations with one signature (the password)."""
    if not request.user.has_perm("procedures.approve_cancellation"):
        return refused(request, _("Solo los directores aprueban cancelaciones."))
    queue = list(approval_queue(request.user))
    choices = [(str(c.pk), c.number) for c in queue if c.prepared_by_id != request.user.pk]
    posted = request.method == "POST"
    form = f.BulkApproveForm(
        request.POST if posted else None,
        user=request.user,
        case_choices=choices,
        initial={"cases": request.GET.getlist("ids")},
    )
    if posted:
        # Cases another director just approved are no longer choices: report them, not a 400.
        asked = request.POST.getlist("cases")
        if form.is_valid() or (asked and not form.has_error("password")):
            _bulk_approve(request, asked, form.cleaned_data.get("reason", ""))
            return HttpResponseRedirect(reverse("admin:procedures_case_approvals"))
    return TemplateResponse(
        request,
        "admin/procedures/case/approval_queue.html",
        {
            **admin_context(request),
            "title": _("Propuestas pendientes de aprobación"),
            "queue": [(c, due_day(c.due_on)) for c in queue],
            "form": form,
            "selected": set(form["cases"].value() or []),
        },
    )


def _bulk_approve(request: HttpRequest, asked: list[str], reason: str) -> None:
    """Each case through approve_proposal in its own transaction; report every outcome."""
    in_scope = {
        str(c.pk): c
        for c in scope_cases(Case.objects.all(), request.user)
        .filter(pk__in=[pk for pk in asked if pk.isdigit()])
        .select_related("seccional")
    }
    approved: list[str] = []
    for pk in asked:
        case = in_scope.get(pk)
        if case is None:
            messages.error(
                request, _("El trámite con id %(pk)s no está en su bandeja.") % {"pk": pk}
            )
            continue
        try:
            processing.approve_proposal(case, by=actor(request), reason=reason)
        except DomainError as error:
            messages.error(request, f"{case.number}: {error.message}")
        else:
            approved.append(case.number)
    if approved:
        messages.success(
            request,
            _("Aprobadas %(n)s cancelación(es): %(list)s. Falta comunicar cada decisión.")
            % {"n": len(approved), "list": ", ".join(approved)},
        )
