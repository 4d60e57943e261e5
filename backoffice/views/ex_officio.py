"""The officials' pages that start an ex officio procedure.

Inscripción de oficio (Decreto 2460 de 2013, art. 12) from the inbox; actualización de oficio
(art. 14) from the inscrito's page. Each calls one service of procedures.services.ex_officio;
the visit, the decision and the communication are then the case page's own buttons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.scope import can_act_in
from backoffice.ex_officio_forms import ExOfficioRegistrationForm, ExOfficioUpdateForm
from backoffice.views.common import (
    PROCESS,
    actor,
    admin_context,
    case_url,
    put_errors_on_form,
    refused,
)
from procedures.services import ex_officio
from registry.models import Registrant
from registry.services.data_access import log_data_access
from rut_portal.errors import DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    from procedures.models import Case


def ex_officio_registration_view(
    model_admin: ModelAdmin[Case], request: HttpRequest
) -> HttpResponse:
    """Art. 12: receive the authority's order and pre-register the obligado it names."""
    if not request.user.has_perm(PROCESS):
        return refused(request, _("No tiene permiso para iniciar actuaciones de oficio."))
    posted = request.method == "POST"
    form = ExOfficioRegistrationForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    if posted and form.is_valid():
        try:
            with transaction.atomic():
                case = ex_officio.start_ex_officio_registration(
                    by=actor(request),
                    data=form.registrant_data(),
                    order=form.order_of(),
                    document=form.cleaned_data["order"],
                    facts=form.cleaned_data["facts"],
                )
        except NotAllowed as error:
            return refused(request, error.message)
        except DomainError as error:
            form.put_domain_errors(error)
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "Inscripción de oficio %(n)s recibida. Registre la visita de verificación "
                    "antes de formalizarla (art. 12)."
                )
                % {"n": case.number},
            )
            if can_act_in(request.user, case.seccional_id):
                return HttpResponseRedirect(case_url(case))
            return HttpResponseRedirect(reverse("admin:procedures_case_changelist"))
    return _page(
        request,
        form,
        title=_("Inscripción de oficio"),
        help_text=_(
            "Decreto 2460 de 2013, art. 12: la DIAN inscribe de oficio a un obligado por orden "
            "judicial o administrativa de autoridad competente que indique su identificación, "
            "ubicación y clasificación. Se formaliza después de una visita que confirme los "
            "datos y tiene plena validez cuando se le comunica."
        ),
        submit=_("Iniciar la inscripción de oficio"),
        back=reverse("admin:procedures_case_changelist"),
    )


def ex_officio_update_view(
    model_admin: ModelAdmin[Registrant], request: HttpRequest, object_id: str
) -> HttpResponse:
    """Art. 14: open an actualización de oficio of this inscrito, with its cause and support."""
    registrant = get_object_or_404(Registrant.objects.select_related("seccional"), pk=object_id)
    opts = Registrant._meta
    if not can_act_in(request.user, registrant.seccional_id):
        return refused(
            request,
            _("El inscrito pertenece a la %(s)s: usted no puede actualizar de oficio su RUT.")
            % {"s": registrant.seccional.name},
            opts=opts,
        )
    if not (request.user.has_perm(PROCESS) and request.user.has_perm("registry.update_registrant")):
        return refused(
            request, _("No tiene permiso para iniciar actuaciones de oficio."), opts=opts
        )
    posted = request.method == "POST"
    form = ExOfficioUpdateForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=ExOfficioUpdateForm.initial_for(registrant),
    )
    if posted and form.is_valid():
        try:
            with transaction.atomic():
                case = ex_officio.start_ex_officio_update(
                    registrant,
                    by=actor(request),
                    grounds=form.grounds(),
                    data=ExOfficioUpdateForm.record_from(registrant, form.cleaned_data),
                    expected_revision=form.cleaned_data["expected_revision"],
                    support=form.cleaned_data["support"],
                )
        except NotAllowed as error:
            return refused(request, error.message, opts=opts)
        except DomainError as error:
            put_errors_on_form(form, error)
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "Actualización de oficio %(n)s en trámite. El RUT cambia cuando la decisión "
                    "se comunique al inscrito (art. 14)."
                )
                % {"n": case.number},
            )
            return HttpResponseRedirect(case_url(case))
    if not posted:
        log_data_access(
            user=actor(request),
            registrant=registrant,
            what=_("Ubicación, contacto y clasificación (actualización de oficio)"),
        )
    registrant_url = reverse("admin:registry_registrant_change", args=[registrant.pk])
    return _page(
        request,
        form,
        title=_("Actualización de oficio"),
        help_text=_(
            "Decreto 2460 de 2013, art. 14: elija la causal, los cambios y su soporte. El "
            "trámite se decide en su página y el RUT cambia (nueva versión del Formulario 001) "
            "solo cuando la decisión se comunica al inscrito."
        ),
        submit=_("Iniciar la actualización de oficio"),
        back=registrant_url,
        extra={"opts": opts, "registrant": registrant, "registrant_url": registrant_url},
    )


def _page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    help_text: str,
    submit: str,
    back: str,
    extra: dict[str, Any] | None = None,
) -> TemplateResponse:
    return TemplateResponse(
        request,
        "admin/procedures/case/ex_officio.html",
        {
            **admin_context(request),
            "title": title,
            "help_text": help_text,
            "submit": submit,
            "back": back,
            "form": form,
            **(extra or {}),
        },
    )
