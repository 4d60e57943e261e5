"""The inscripción wizard: one page per step, saved on the server at every step.

Every button is a plain submit, so the wizard works without JavaScript: "Actualizar municipios"
re-renders the municipio list for the chosen departamento, and the CIIU search lists matches
with a button to use each one. With JavaScript (static/js/portal/wizard.js) the municipios
reload by themselves, the search answers while typing and the draft autosaves.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from documents.formatting import country_co, date_co
from portal import selectors
from portal.forms import (
    ActivitiesForm,
    ConfirmForm,
    EstablishmentForm,
    IdentificationForm,
    InscriptionLocationForm,
    ResponsibilitiesForm,
    ResponsibilityQuestionsForm,
)
from portal.models import CitizenAccount
from portal.services import inscription
from portal.views.common import add_domain_error, citizen_required
from registry.ciiu_search import search_activities
from registry.models import DOCUMENTS_ISSUED_ABROAD
from registry.responsibility_help import has_economic_activity, suggest_responsibilities
from registry.selectors import registrant_by_document
from rut_portal.client import client_address
from rut_portal.errors import DomainError

FORMS: dict[str, type[forms.Form]] = {
    "identificacion": IdentificationForm,
    "ubicacion": InscriptionLocationForm,
    "actividades": ActivitiesForm,
    "establecimientos": EstablishmentForm,
    "responsabilidades": ResponsibilitiesForm,
    "confirmar": ConfirmForm,
}
# Which step shows a field, to send the person back to it when the final check finds a problem.
FIELD_STEP = {name: step for step, form in FORMS.items() for name in form.base_fields} | {
    "activities": "actividades",
    "document_number": "identificacion",
    "document_issue_place": "identificacion",
    "document_issue_country": "identificacion",
    "birth_place": "identificacion",
    "birth_country": "identificacion",
    "establishments": "establecimientos",
}


def _make_form(
    step: str, account: CitizenAccount, data: QueryDict | None, initial: dict[str, Any]
) -> forms.Form:
    """A step's form; the identification step depends on the account's document type."""
    initial = _as_dates(FORMS[step], initial)
    if step == "identificacion":
        return IdentificationForm(data, initial=initial, document_type=account.document_type_id)
    return FORMS[step](data, initial=initial)


def _steps(current: str) -> list[dict[str, Any]]:
    index = inscription.STEP_NAMES.index(current)
    return [
        {
            "name": name,
            "label": label,
            "number": i + 1,
            "state": "done" if i < index else "current" if i == index else "todo",
            "url": reverse("portal:inscription_step", args=[name]),
        }
        for i, (name, label) in enumerate(inscription.STEPS)
    ]


def _values(account: CitizenAccount) -> dict[str, Any]:
    draft = inscription.draft_of(account)
    return draft.data if draft else inscription.initial_values(account)


def _form_values(form: forms.Form, posted: QueryDict) -> dict[str, Any]:
    """What the person typed on a step, valid or not (drafts keep half-finished data too)."""
    values: dict[str, Any] = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, forms.MultipleChoiceField):
            values[name] = posted.getlist(key)
        elif isinstance(field, forms.BooleanField):
            continue
        elif isinstance(field, forms.DateField):
            values[name] = _iso_if_date(field, posted.get(key, ""))
        else:
            values[name] = posted.get(key, "")
    return values


def _iso_if_date(field: forms.DateField, typed: str) -> str:
    """The draft keeps dates ISO; what is not a date yet is kept as typed."""
    try:
        parsed = field.to_python(typed)
    except forms.ValidationError:
        return typed
    return parsed.isoformat() if parsed else typed


def _as_dates(form_class: type[forms.Form], values: dict[str, Any]) -> dict[str, Any]:
    """Draft values with the ISO dates of date fields as dates, so they show as dd/mm/aaaa."""
    shown = dict(values)
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.DateField) and isinstance(shown.get(name), str):
            try:
                shown[name] = date.fromisoformat(shown[name])
            except ValueError:
                pass  # half-typed: shown as it was typed
    return shown


@require_GET
@citizen_required
def start(request: HttpRequest, account: CitizenAccount) -> HttpResponse:
    if account.registrant_id:
        return redirect("portal:inscription_result")
    draft = inscription.draft_of(account)
    return redirect(
        "portal:inscription_step", step=(draft.step if draft and draft.step else "identificacion")
    )


def _already_registered(account: CitizenAccount) -> str | None:
    existing = registrant_by_document(account.document_type_id, account.document_number)
    if existing is None:
        return None
    if existing.nit:
        return _(
            "Su documento ya está inscrito en el RUT con el NIT %(nit)s: no se asigna otro. Si no "
            "puede entrar a ese RUT, solicite una cita."
        ) % {"nit": existing.formatted_nit}
    return _("Ya existe una pre-inscripción con su documento; solicite una cita para continuarla.")


@require_http_methods(["GET", "POST"])
@citizen_required
def step(request: HttpRequest, account: CitizenAccount, step: str) -> HttpResponse:
    if step not in FORMS:
        raise Http404
    if account.registrant_id:
        return redirect("portal:inscription_result")
    values = _values(account)
    action = request.POST.get("action", "next")
    bound = request.method == "POST"
    form = _make_form(step, account, request.POST if bound else None, values)
    context: dict[str, Any] = {"account": account, "step": step, "steps": _steps(step)}
    questions = ResponsibilityQuestionsForm(request.POST if bound else None)
    if bound:
        typed = _form_values(form, request.POST)
        for kind in ("principal", "secondary"):
            if request.POST.get(f"use_{kind}"):
                typed[f"{kind}_code"] = request.POST[f"use_{kind}"]
                action = "stay"
        if request.POST.get("remove_establishment", "").isdigit():
            action = "remove"
        inscription.save_draft(account, step=step, values=typed)
        if action in ("refresh", "search", "stay"):
            form = _make_form(step, account, None, {**values, **typed})
            context["saved"] = True
        elif action == "suggest" and step == "responsabilidades":
            suggestions = _suggestions(values, questions)
            context["suggestions"] = suggestions
            form = _make_form(
                step, account, None, {**values, "responsibilities": [c for c, _r in suggestions]}
            )
        elif action == "remove" and step == "establecimientos":
            inscription.remove_establishment(account, int(request.POST["remove_establishment"]))
            return redirect("portal:inscription_step", step=step)
        elif action == "back":
            return redirect("portal:inscription_step", step=_neighbour(step, -1))
        elif action == "save":
            messages.success(
                request, _("Guardamos su borrador. Puede continuarlo cuando quiera desde «Mi RUT».")
            )
            return redirect("portal:home")
        elif form.is_valid():
            if step == "confirmar":
                return _submit(request, account, form)
            if isinstance(form, EstablishmentForm) and form.has_establishment():
                inscription.add_establishment(account, form.establishment())
                if action == "add":
                    messages.success(request, _("Agregamos el establecimiento."))
                    return redirect("portal:inscription_step", step=step)
            if isinstance(form, EstablishmentForm) and action == "add":
                form.add_error(None, _("Escriba los datos del establecimiento que va a agregar."))
            elif step == "responsabilidades" and _needs_none_warning(form, values, action):
                context["none_warning"] = True
            else:
                following = _neighbour(step, 1)
                inscription.save_draft(account, step=following, values={})  # resume there
                return redirect("portal:inscription_step", step=following)
    if step == "identificacion":
        context["duplicate"] = _already_registered(account)
        context["issued_abroad"] = account.document_type_id in DOCUMENTS_ISSUED_ABROAD
    if step == "establecimientos":
        context["establishments"] = _establishment_rows(_values(account))
    if step == "responsabilidades":
        context["questions"] = questions
    if step == "actividades":
        query = request.POST.get("ciiu_q", "") if bound else request.GET.get("ciiu_q", "")
        context["ciiu_q"] = query
        context["ciiu_results"] = search_activities(query) if query else None
        context["names"] = {
            kind: selectors.activity_name(values.get(f"{kind}_code", "") or "")
            for kind in ("principal", "secondary")
        }
    if step == "confirmar":
        context["summary"] = _summary(account, _values(account))
    context["form"] = form
    return render(request, f"portal/inscription/{step}.html", context)


def _suggestions(
    values: dict[str, Any], questions: ResponsibilityQuestionsForm
) -> list[tuple[str, str]]:
    """DIAN's help: the codes the answers and the chosen activity point to, with reasons."""
    return suggest_responsibilities(
        questions.answers(),
        principal_code=values.get("principal_code", "") or "",
        establishments=len(values.get("establishments", [])),
    )


def _needs_none_warning(form: forms.Form, values: dict[str, Any], action: str) -> bool:
    """No responsibility although the principal activity is a business: ask once more."""
    return (
        action != "confirm_none"
        and not form.cleaned_data["responsibilities"]
        and has_economic_activity(values.get("principal_code", "") or "")
    )


def _establishment_rows(values: dict[str, Any]) -> list[dict[str, str]]:
    """The draft's establecimientos as shown on the page: municipio and departamento names."""
    rows = []
    for item in values.get("establishments", []):
        rows.append(
            {
                **item,
                "place": _place_name(item.get("municipality", "")),
                "opened": date_co(item.get("opened_on")),
            }
        )
    return rows


def _place_name(municipality: str, country: str = "CO") -> str:
    """«MEDELLÍN (ANTIOQUIA)» for a DIVIPOLA municipio, the country's name abroad."""
    if country and country != "CO":
        return country_co(country)
    place = selectors.municipality(municipality)
    return f"{place.name} ({place.department.name})" if place else ""


def _neighbour(step: str, offset: int) -> str:
    index = inscription.STEP_NAMES.index(step) + offset
    return inscription.STEP_NAMES[max(0, min(index, len(inscription.STEP_NAMES) - 1))]


def _summary(
    account: CitizenAccount, values: dict[str, Any]
) -> list[tuple[str, list[tuple[str, str]], str]]:
    """The review page: every step's answers as the person will read them (dates dd/mm/aaaa)."""
    data = inscription.draft_to_data(account, values)
    names = selectors.responsibilities_by_code(data.responsibilities)
    identification = [
        (_("Documento"), f"{account.document_type.name} {account.document_number}"),
        (
            _("Nombre"),
            " ".join(
                p
                for p in (
                    data.first_name,
                    data.other_names,
                    data.first_surname,
                    data.second_surname,
                )
                if p
            ),
        ),
        (_("Fecha de expedición"), date_co(data.document_issue_date)),
        (
            _("Lugar de expedición"),
            _place_name(data.document_issue_place, data.document_issue_country),
        ),
        (_("Fecha de nacimiento"), date_co(data.birth_date)),
        (_("Lugar de nacimiento"), _place_name(data.birth_place, data.birth_country)),
    ]
    if data.foreign_tax_number:
        identification.append(
            (_("Identificación tributaria en el país de origen"), data.foreign_tax_number)
        )
    activities = [
        (
            _("Principal"),
            " ".join(
                p
                for p in (
                    values.get("principal_code", ""),
                    selectors.activity_name(values.get("principal_code", "") or ""),
                )
                if p
            ),
        ),
        (_("Inicio de la principal"), date_co(values.get("principal_started_on"))),
        (
            _("Secundaria"),
            " ".join(
                p
                for p in (
                    values.get("secondary_code", ""),
                    selectors.activity_name(values.get("secondary_code", "") or ""),
                )
                if p
            )
            or _("Ninguna"),
        ),
    ]
    if values.get("secondary_code"):
        activities.append(
            (_("Inicio de la secundaria"), date_co(values.get("secondary_started_on")))
        )
    establishments = [
        (row["name"], f"{row['address']}, {row['place']}") for row in _establishment_rows(values)
    ] or [(_("Establecimientos"), _("Ninguno"))]
    return [
        (_("Identificación"), identification, "identificacion"),
        (
            _("Ubicación"),
            [
                (_("Municipio"), _place_name(data.municipality)),
                (_("Dirección"), data.address),
                (_("Correo"), data.email),
                (_("Teléfono"), data.phone_1),
            ],
            "ubicacion",
        ),
        (_("Actividades económicas"), activities, "actividades"),
        (_("Establecimientos"), establishments, "establecimientos"),
        (
            _("Responsabilidades"),
            [(code, names[code].name if code in names else "") for code in data.responsibilities]
            or [(_("Responsabilidades"), _("Ninguna"))],
            "responsabilidades",
        ),
    ]


def _submit(request: HttpRequest, account: CitizenAccount, form: forms.Form) -> HttpResponse:
    try:
        result = inscription.submit_inscription(
            account, by=request.user, ip_address=client_address(request)
        )
    except DomainError as exc:
        errors = exc.as_field_errors()
        first_step = min(
            (FIELD_STEP.get(name, "confirmar") for name in errors),
            key=inscription.STEP_NAMES.index,
        )
        for _name, messages_ in errors.items():
            for message in messages_:
                messages.error(request, message)
        if first_step == "confirmar":
            add_domain_error(form, exc)
            return render(
                request,
                "portal/inscription/confirmar.html",
                {
                    "account": account,
                    "step": "confirmar",
                    "steps": _steps("confirmar"),
                    "form": form,
                    "summary": _summary(account, _values(account)),
                },
            )
        return redirect("portal:inscription_step", step=first_step)
    request.session["portal_inscription_result"] = {
        "case": result.case.number,
        "pre_number": result.pre_registration_number,
        "obstacles": result.obstacles,
    }
    return redirect("portal:inscription_result")


@require_POST
@citizen_required
def autosave(request: HttpRequest, account: CitizenAccount, step: str) -> HttpResponse:
    """Save what is typed so far (JavaScript calls it while the person types).

    The values only: the resume point moves when a step is posted. An autosave that arrives
    after the step's own "Guardar y continuar" would otherwise send the person back a step.
    """
    if step not in FORMS or account.registrant_id:
        raise Http404
    form = _make_form(step, account, request.POST, {})
    inscription.save_draft(account, step=None, values=_form_values(form, request.POST))
    return JsonResponse({"saved": True})


@require_POST
@citizen_required
def discard(request: HttpRequest, account: CitizenAccount) -> HttpResponse:
    inscription.discard_draft(account)
    messages.info(request, _("Borramos su borrador de inscripción."))
    return redirect("portal:home")


@require_GET
@citizen_required
def result(request: HttpRequest, account: CitizenAccount) -> HttpResponse:
    if account.registrant is None:
        return redirect("portal:inscription")
    stored = request.session.get("portal_inscription_result") or {}
    registrant = account.registrant
    first = registrant.form_versions.order_by("version").first()
    return render(
        request,
        "portal/inscription/result.html",
        {
            "account": account,
            "registrant": registrant,
            "pre_number": first.form_number if first else "",
            "case_number": stored.get("case", ""),
            "obstacles": stored.get("obstacles", []),
            "current": selectors.current_form_version(registrant),
        },
    )


@require_GET
def municipalities(request: HttpRequest) -> JsonResponse:
    """The municipios of a departamento, for the dependent select."""
    department = request.GET.get("departamento", "")
    return JsonResponse(
        {
            "municipios": [
                {"code": m.code, "name": m.name} for m in selectors.municipalities_of(department)
            ]
        }
    )


@require_GET
def ciiu(request: HttpRequest) -> JsonResponse:
    """CIIU activities by code or words, for the search while typing."""
    return JsonResponse(
        {
            "actividades": [
                {"code": a.code, "name": a.name}
                for a in search_activities(request.GET.get("q", ""))
            ]
        }
    )
