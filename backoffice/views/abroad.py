"""Filings from abroad at the desk (Decreto 2460 de 2013, art. 9 par.): record what arrived
through the PQSRD system with its attachments, then formalise it as a case."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scope import can_act_in
from backoffice.forms import f001_field, location_initial, set_location
from backoffice.views.common import (
    PROCESS,
    actor,
    admin_site_context,
    case_url,
    put_errors_on_form,
    refused,
)
from procedures.models import CaseDocument, CaseType, Petition, PetitionAttachment
from procedures.services import abroad
from registry.models import DocumentType, Registrant
from registry.validation import RegistrantData, data_from_registrant
from rut_portal.errors import DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

IDENTITY: str = CaseDocument.Kind.IDENTITY_SCAN
PASSPORT: str = CaseDocument.Kind.PASSPORT_EXIT_PAGE


class AbroadFilingForm(forms.Form):
    """What the PQSRD system delivered: the request, the person, and the two attachments."""

    requested_case_type = forms.ChoiceField(
        label=gettext_lazy("Solicita"),
        choices=[
            ("", "---------"),
            (CaseType.REGISTRATION, gettext_lazy("Inscripción")),
            (CaseType.UPDATE, gettext_lazy("Actualización")),
        ],
    )
    requester_name = forms.CharField(label=gettext_lazy("Nombre del solicitante"), max_length=200)
    requester_email = forms.EmailField(
        label=gettext_lazy("Correo informado"),
        help_text=gettext_lazy("Allí se envía el RUT certificado una vez formalizado."),
    )
    document_type = forms.ModelChoiceField(
        label=gettext_lazy("Tipo de documento"),
        queryset=DocumentType.objects.filter(applies_to__in=["natural", "ambos"]).order_by("code"),
    )
    document_number = forms.CharField(label=gettext_lazy("Número de documento"), max_length=20)
    residence_country = forms.CharField(
        label=gettext_lazy("País de residencia (código de dos letras)"), max_length=2
    )
    details = forms.CharField(
        label=gettext_lazy("Lo que solicita"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
    )
    identity_scan = forms.FileField(label=gettext_lazy("Documento de identidad escaneado"))
    passport_exit_page = forms.FileField(
        label=gettext_lazy("Página del pasaporte con la fecha de salida del país")
    )


def receive_abroad_view(model_admin: ModelAdmin[Petition], request: HttpRequest) -> HttpResponse:
    """Record a filing from abroad received through the PQSRD system."""
    if not (model_admin.has_view_permission(request) and request.user.has_perm(PROCESS)):
        raise PermissionDenied
    posted = request.method == "POST"
    form = AbroadFilingForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        data = form.cleaned_data
        filing = abroad.AbroadFiling(
            requested_case_type=data["requested_case_type"],
            requester_name=data["requester_name"],
            requester_email=data["requester_email"],
            document_type=data["document_type"].code,
            document_number=data["document_number"],
            residence_country=data["residence_country"],
            details=data["details"],
        )
        files = {IDENTITY: data["identity_scan"], PASSPORT: data["passport_exit_page"]}
        try:
            petition = abroad.receive_filing_from_abroad(filing, files=files, by=actor(request))
        except DomainError as error:
            _put_errors(form, error)
        else:
            messages.success(
                request,
                _("Solicitud desde el exterior radicada como la petición %(n)s.")
                % {"n": petition.number},
            )
            return HttpResponseRedirect(
                reverse("admin:procedures_petition_change", args=[petition.pk])
            )
    return TemplateResponse(
        request,
        "admin/procedures/petition/abroad.html",
        {
            **admin_site_context(request, Petition),
            "title": _("Radicar una solicitud desde el exterior"),
            "form": form,
        },
    )


def _put_errors(form: AbroadFilingForm, error: DomainError) -> None:
    renamed = {IDENTITY: "identity_scan", PASSPORT: "passport_exit_page"}
    for name, texts in error.as_field_errors().items():
        for text in texts:
            field = renamed.get(name, name)
            form.add_error(field if field in form.fields else None, text)


class AbroadUpdateForm(forms.Form):
    """The location and contact data a person abroad asks to update (casillas 38 to 45)."""

    country = f001_field("country", required=True)
    department = f001_field("department")
    municipality = f001_field("municipality")
    address = f001_field("address", required=True)
    email = f001_field("email", required=True)
    postal_code = f001_field("postal_code")
    phone_1 = f001_field("phone_1")
    phone_2 = f001_field("phone_2")

    def record(self, registrant: Registrant) -> RegistrantData:
        data = data_from_registrant(registrant)
        set_location(data, self.cleaned_data)
        return data


def formalize_view(
    model_admin: ModelAdmin[Petition], request: HttpRequest, object_id: str
) -> HttpResponse:
    """Formalise the filing from abroad as a case and open it; an update first asks for the
    data the petitioner requested."""
    petition = get_object_or_404(Petition.objects.select_related("seccional"), pk=object_id)
    back = reverse("admin:procedures_petition_change", args=[petition.pk])
    if not can_act_in(request.user, petition.seccional_id):
        return refused(
            request,
            _("La petición %(n)s es de la %(s)s.")
            % {"n": petition.number, "s": petition.seccional.name},
            opts=Petition._meta,
        )
    try:
        case_type = abroad.case_type_of_filing(petition)
    except DomainError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(back)
    registrant = abroad.registrant_of_filing(petition)
    assert registrant is not None
    posted = request.method == "POST"
    form = None
    if case_type == CaseType.UPDATE:
        form = AbroadUpdateForm(
            request.POST if posted else None, initial=location_initial(registrant)
        )
    if not posted or (form is not None and not form.is_valid()):
        return _formalize_page(request, petition, registrant, form)
    data = form.record(registrant) if form is not None else None
    try:
        case = abroad.formalize_filing_from_abroad(petition, by=actor(request), data=data)
    except NotAllowed as error:
        return refused(request, error.message, opts=Petition._meta)
    except DomainError as error:
        if form is None:
            messages.error(request, error.message)
            return HttpResponseRedirect(back)
        put_errors_on_form(form, error)
        return _formalize_page(request, petition, registrant, form)
    messages.success(
        request,
        _(
            "Formalizada como el trámite %(n)s, con sus anexos. Al decidirlo se envía el RUT "
            "certificado al correo informado."
        )
        % {"n": case.number},
    )
    return HttpResponseRedirect(case_url(case))


def _formalize_page(
    request: HttpRequest, petition: Petition, registrant: Registrant, form: forms.Form | None
) -> HttpResponse:
    return TemplateResponse(
        request,
        "admin/procedures/petition/formalize.html",
        {
            **admin_site_context(request, Petition),
            "title": _("Formalizar la petición %(n)s") % {"n": petition.number},
            "petition": petition,
            "registrant": registrant,
            "form": form,
        },
    )


def attachment_view(
    model_admin: ModelAdmin[Petition], request: HttpRequest, object_id: str, attachment_id: str
) -> HttpResponseBase:
    """An attachment of a petition, for officials of its seccional."""
    attachment = get_object_or_404(
        PetitionAttachment.objects.select_related("petition__seccional"),
        pk=attachment_id,
        petition_id=object_id,
    )
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    if not can_act_in(request.user, attachment.petition.seccional_id):
        return refused(
            request,
            _("La petición es de la %(s)s.") % {"s": attachment.petition.seccional.name},
            opts=Petition._meta,
        )
    name = (attachment.file.name or "").rsplit("/", 1)[-1]
    response = FileResponse(attachment.file.open("rb"), filename=name)
    response["Cache-Control"] = "private, no-store"
    return response


def petition_extra_context(request: HttpRequest, petition: Petition | None) -> dict[str, Any]:
    """What the petition page adds for a filing from abroad: its attachments and the action."""
    if petition is None or not petition.from_abroad:
        return {}
    return {
        "attachments": petition.attachments.order_by("id"),
        "can_formalize": request.user.has_perm(PROCESS)
        and petition.state == Petition.State.RECEIVED,
    }
