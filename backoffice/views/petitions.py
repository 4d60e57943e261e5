"""Answering PQSRD petitions and closing referrals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.scope import can_act_in
from backoffice import forms as f
from backoffice.views.common import (
    PROCESS,
    actor,
    admin_site_context,
    refused,
)
from procedures.models import (
    Petition,
    Referral,
)
from procedures.services import (
    petitions,
    visits,
)
from rut_portal.errors import DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

# --- Petitions and referrals -------------------------------------------------------------------


def answer_petition_view(
    model_admin: ModelAdmin[Petition], request: HttpRequest, object_id: str
) -> HttpResponse:
    petition = get_object_or_404(Petition.objects.select_related("seccional"), pk=object_id)
    if not can_act_in(request.user, petition.seccional_id):
        return refused(
            request,
            _("La petición %(n)s es de la %(s)s.")
            % {"n": petition.number, "s": petition.seccional.name},
        )
    back = reverse("admin:procedures_petition_change", args=[petition.pk])
    posted = request.method == "POST"
    form = f.AnswerPetitionForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            petitions.respond_petition(
                petition, by=actor(request), answer=form.cleaned_data["answer"]
            )
        except NotAllowed as error:
            return refused(request, error.message)
        except DomainError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(back)
        messages.success(request, _("Petición respondida; se le envió la respuesta por correo."))
        return HttpResponseRedirect(back)
    return TemplateResponse(
        request,
        "admin/procedures/simple_action.html",
        {
            **admin_site_context(request, Petition),
            "title": _("Responder la petición %(n)s") % {"n": petition.number},
            "form": form,
            "object": petition,
            "back": back,
        },
    )


def close_referral_view(
    model_admin: ModelAdmin[Referral], request: HttpRequest, object_id: str
) -> HttpResponse:
    referral = get_object_or_404(
        Referral.objects.select_related("registrant", "case"), pk=object_id
    )
    seccional = referral.case.seccional_id if referral.case else referral.registrant.seccional_id
    if not can_act_in(request.user, seccional) or not request.user.has_perm(PROCESS):
        return refused(request, _("No puede cerrar remisiones de otra seccional."))
    back = reverse("admin:procedures_referral_change", args=[referral.pk])
    posted = request.method == "POST"
    form = f.CloseReferralForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            visits.close_referral(
                referral, by=actor(request), resolution=form.cleaned_data["resolution"]
            )
        except DomainError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(back)
        messages.success(request, _("Remisión cerrada."))
        return HttpResponseRedirect(back)
    return TemplateResponse(
        request,
        "admin/procedures/simple_action.html",
        {
            **admin_site_context(request, Referral),
            "title": _("Cerrar la remisión"),
            "form": form,
            "object": referral,
            "back": back,
        },
    )
