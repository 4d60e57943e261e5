"""Mass changes in the back office: propose a batch, review its sample, approve, reject, cancel.

Each page parses the request and calls one service of mass_changes.services; the rules (who may,
four eyes, states) live there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from backoffice import forms as f
from backoffice.views.common import actor, admin_site_context, put_errors_on_form, refused
from mass_changes import services
from mass_changes.models import MassChange
from mass_changes.selectors import batch_sample, batches_visible_to
from rut_portal.errors import DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin


def batch_url(batch: MassChange) -> str:
    return reverse("admin:mass_changes_masschange_change", args=[batch.pk])


def propose_view(model_admin: ModelAdmin[MassChange], request: HttpRequest) -> HttpResponse:
    """A funcionario proposes a mass suspension, cancellation or actualización de oficio."""
    if not request.user.has_perm("mass_changes.propose_masschange"):
        return refused(
            request, _("No tiene permiso para proponer cambios masivos."), opts=MassChange._meta
        )
    posted = request.method == "POST"
    form = f.ProposeMassChangeForm(request.POST if posted else None, request.FILES or None)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.propose_mass_change(
                kind=data["kind"],
                criterion=data["criterion"],
                reason=data["reason"],
                act_reference=data["act_reference"],
                nit_file=data["nits"],
                responsibility=data["responsibility"],
                responsibility_action=data["responsibility_action"],
                by=actor(request),
            )
        except DomainError as error:
            put_errors_on_form(form, error)
        else:
            messages.success(
                request,
                _("Lote %(pk)s propuesto con %(n)s inscritos: espera la aprobación del director.")
                % {"pk": batch.pk, "n": batch.total},
            )
            return HttpResponseRedirect(batch_url(batch))
    return TemplateResponse(
        request,
        "admin/mass_changes/masschange/propose.html",
        {
            **admin_site_context(request, MassChange),
            "title": _("Proponer un cambio masivo"),
            "form": form,
        },
    )


def _visible(request: HttpRequest, object_id: str) -> MassChange | None:
    return batches_visible_to(request.user).filter(pk=object_id).first()


def detail_view(
    model_admin: ModelAdmin[MassChange],
    request: HttpRequest,
    object_id: str,
    *,
    approve_form: f.ApproveForm | None = None,
    reject_form: f.RejectMassChangeForm | None = None,
) -> HttpResponse:
    """The batch: what, to whom, why, its random sample, its progress and the decision buttons."""
    get_object_or_404(MassChange, pk=object_id)
    batch = _visible(request, object_id)
    if batch is None:
        return refused(
            request,
            _("El lote %(pk)s no es de su seccional.") % {"pk": object_id},
            opts=MassChange._meta,
        )
    user = actor(request)
    may_decide = (
        batch.state == MassChange.State.PROPOSED
        and user.has_perm("mass_changes.approve_masschange")
        and batch.proposed_by_id != user.pk
    )
    status = 400 if approve_form is not None or reject_form is not None else 200
    return TemplateResponse(
        request,
        "admin/mass_changes/masschange/detail.html",
        {
            **admin_site_context(request, MassChange),
            "title": str(batch),
            "batch": batch,
            "sample": batch_sample(batch),
            "may_decide": may_decide,
            "may_cancel": batch.state
            in (MassChange.State.PROPOSED, MassChange.State.APPROVED, MassChange.State.RUNNING),
            "approve_form": approve_form or f.ApproveForm(user=user),
            "reject_form": reject_form or f.RejectMassChangeForm(),
        },
        status=status,
    )


def action_view(
    model_admin: ModelAdmin[MassChange], request: HttpRequest, object_id: str, action_key: str
) -> HttpResponse:
    """POST aprobar / rechazar / anular: one service call, then back to the batch."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    get_object_or_404(MassChange, pk=object_id)
    batch = _visible(request, object_id)
    if batch is None or action_key not in ("aprobar", "rechazar", "anular"):
        return refused(
            request,
            _("El lote %(pk)s no es de su seccional.") % {"pk": object_id},
            opts=MassChange._meta,
        )
    user = actor(request)
    try:
        if action_key == "aprobar":
            approve = f.ApproveForm(request.POST, user=user)
            if not approve.is_valid():
                return detail_view(model_admin, request, object_id, approve_form=approve)
            services.approve_mass_change(batch, by=user, notes=approve.cleaned_data["reason"])
            done = _("Lote aprobado: se aplica por bloques; el avance se ve aquí.")
        elif action_key == "rechazar":
            reject = f.RejectMassChangeForm(request.POST)
            if not reject.is_valid():
                return detail_view(model_admin, request, object_id, reject_form=reject)
            services.reject_mass_change(batch, by=user, notes=reject.cleaned_data["notes"])
            done = _("Lote rechazado: no se cambió ningún inscrito.")
        else:
            services.cancel_mass_change(batch, by=user)
            done = _("Lote anulado: los bloques pendientes ya no se aplican.")
    except NotAllowed as error:
        return refused(request, error.message, opts=MassChange._meta)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(batch_url(batch))


def progress_label(batch: MassChange) -> str:
    """'3 de 200 bloques (1 %)': the changelist's progress column."""
    return _("%(done)s de %(chunks)s bloques (%(percent)s %%)") % {
        "done": batch.chunks_done,
        "chunks": batch.chunks,
        "percent": batch.progress_percent,
    }
