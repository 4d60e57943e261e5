"""The assisted inscripción at the desk: the whole Formulario 001, received as a case.

Decreto 2460 de 2013, art. 6 and 9: the official fills the form with the inscrito, which is
stored at once as a pre-inscripción (its own form number) inside a REGISTRATION case of the
assisted mode. The case page then records the art. 10 checklist, takes the case and formalises
it (grant_case), with the definitive NIT or, for a new company without its bank certificate, a
provisional one (lit. a). Nothing is written when the registry refuses a field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from backoffice.inscription_forms import InscriptionForm, Section, build_sections, registrant_data
from backoffice.views.agenda import appointment_for_intake, inscription_initial, link_received
from backoffice.views.common import actor, admin_context, case_url, refused
from procedures.models import Case, CaseType, Cause, Channel, Mode, RequesterKind
from procedures.services.intake import CaseRequest, receive_case
from rut_portal.errors import DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin


def assisted_inscription_view(model_admin: ModelAdmin[Case], request: HttpRequest) -> HttpResponse:
    """GET: the empty Formulario 001 (prefilled from the citizen's account when it comes from a
    videoatención appointment, ?cita=). POST: receive it as an assisted inscription case, linked
    to that appointment in the same transaction."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    appointment = appointment_for_intake(request)
    if isinstance(appointment, HttpResponse):
        return appointment
    posted = request.method == "POST"
    form = InscriptionForm(
        request.POST if posted else None, initial=inscription_initial(appointment)
    )
    sections = build_sections(request.POST if posted else None)
    if posted:
        valid = [form.is_valid(), *(section.formset.is_valid() for section in sections)]
        if all(valid):
            try:
                with transaction.atomic():
                    case = _receive(request, form, sections, video=appointment is not None)
                    link_received(request, appointment, case)
            except NotAllowed as error:
                return refused(request, error.message)
            except DomainError as error:
                _put_errors(form, sections, error)
            else:
                assert case.registrant is not None
                first = case.registrant.form_versions.order_by("version").first()
                messages.success(
                    request,
                    _(
                        "Pre-inscripción %(form)s radicada como el trámite %(n)s. Verifique los "
                        "documentos del artículo 10 y formalice la inscripción."
                    )
                    % {"form": first.form_number if first else "", "n": case.number},
                )
                return HttpResponseRedirect(case_url(case))
        messages.error(
            request, _("La inscripción no se radicó: corrija los datos señalados en el formulario.")
        )
    return TemplateResponse(
        request,
        "admin/procedures/case/inscription.html",
        {
            **admin_context(request),
            "title": _("Nueva inscripción asistida"),
            "form": form,
            "sections": sections,
            "appointment": appointment,
            "media": model_admin.media + form.media,
        },
    )


def _receive(
    request: HttpRequest, form: InscriptionForm, sections: list[Section], *, video: bool
) -> Case:
    values = form.cleaned_data
    return receive_case(
        CaseRequest(
            case_type=CaseType.REGISTRATION,
            channel=Channel.VIDEO if video else Channel.IN_PERSON,
            cause=Cause.INSCRITO_REQUEST,
            requester_kind=RequesterKind.USER,
            requester_name=values["requester_name"],
            requester_email=values["requester_email"],
            mode=Mode.ASSISTED,
            data=registrant_data(form, sections),
            via_attorney=values["via_attorney"],
            bank_certificate_date=values["bank_certificate_date"],
        ),
        by=actor(request),
    )


def _put_errors(form: InscriptionForm, sections: list[Section], error: DomainError) -> None:
    """The registry's messages beside the field, or above the part of the form they are about."""
    by_name = {section.name: section for section in sections}
    for name, found in error.as_field_errors().items():
        for message in found:
            if name in by_name:
                by_name[name].errors.append(message)
            else:
                form.add_error(name if name in form.fields else None, message)
