"""Requests on an existing RUT: actualización, retiros, cancelación, signing, following cases,
the notifications inbox and the RUT copy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from portal import selectors
from portal.forms import (
    CONSUMPTION_DECLARATIONS,
    VAT_DECLARATIONS,
    ActivitiesForm,
    CancellationForm,
    ContactForm,
    EstablishmentsUpdateForm,
    FactDateForm,
    LocationForm,
    NumericCodeForm,
    ResponsibilitiesForm,
    WithdrawalForm,
)
from portal.models import CitizenAccount, PendingFiling
from portal.services import filings
from portal.services.codes import CodeError
from portal.views.common import add_domain_error, citizen_required
from procedures.models import CaseType
from procedures.services.eligibility import require_request_open
from procedures.services.withdrawals import needs_accountant_certification
from registry.ciiu_search import search_activities
from registry.models import ActivityRole, Registrant
from registry.responsibilities import CONSUMPTION_TAX, VAT
from registry.services.updates import (
    check_responsibility_withdrawals,
    check_virtual_address_changes,
)
from registry.validation import (
    ActivityData,
    EstablishmentData,
    RegistrantData,
    data_from_registrant,
)
from rut_portal.errors import DomainError

SECTIONS: dict[str, tuple[Any, type[forms.Form]]] = {
    "contacto": (gettext_lazy("Correo y teléfonos"), ContactForm),
    "direccion": (gettext_lazy("Dirección"), LocationForm),
    "actividades": (gettext_lazy("Actividades económicas"), ActivitiesForm),
    "responsabilidades": (gettext_lazy("Responsabilidades"), ResponsibilitiesForm),
    "establecimientos": (gettext_lazy("Establecimientos"), EstablishmentsUpdateForm),
}
WITHDRAWAL_KINDS = {
    "iva": (PendingFiling.Kind.VAT_WITHDRAWAL, VAT_DECLARATIONS, VAT),
    "consumo": (
        PendingFiling.Kind.CONSUMPTION_WITHDRAWAL,
        CONSUMPTION_DECLARATIONS,
        CONSUMPTION_TAX,
    ),
}


def _linked(account: CitizenAccount) -> Registrant | None:
    if account.registrant_id is None:
        return None
    return Registrant.objects.select_related("municipality", "department", "seccional").get(
        pk=account.registrant_id
    )


def _no_rut(request: HttpRequest, account: CitizenAccount) -> HttpResponse:
    return render(request, "portal/no_rut.html", {"account": account})


def _closed_to(
    request: HttpRequest, account: CitizenAccount, registrant: Registrant, case_type: str
) -> HttpResponse | None:
    """The refusal page when the inscrito's state rules the request out, before any form."""
    try:
        require_request_open(registrant, case_type=case_type)
    except DomainError as exc:
        return render(
            request,
            "portal/request_refused.html",
            {"account": account, "registrant": registrant, "message": exc.message},
            status=409,
        )
    return None


def _initial(data: RegistrantData) -> dict[str, Any]:
    principal = next((a for a in data.activities if a.role == ActivityRole.PRINCIPAL), None)
    secondary = next((a for a in data.activities if a.role == ActivityRole.SECONDARY), None)
    return {
        "email": data.email,
        "phone_1": data.phone_1,
        "phone_2": data.phone_2,
        "department": data.department,
        "municipality": data.municipality,
        "address": data.address,
        "postal_code": data.postal_code,
        "principal_code": principal.code if principal else "",
        "principal_started_on": principal.started_on if principal else None,
        "secondary_code": secondary.code if secondary else "",
        "secondary_started_on": secondary.started_on if secondary else None,
        "responsibilities": data.responsibilities,
    }


def _apply(section: str, data: RegistrantData, cleaned: dict[str, Any]) -> list[filings.Change]:
    """Copy a section's cleaned values onto data; return what changed, for the signature page."""
    labels = {name: str(field.label) for name, field in SECTIONS[section][1].base_fields.items()}
    changes: list[filings.Change] = []

    def put(name: str, value: Any) -> None:
        before = getattr(data, name)
        if (before or "") != (value or ""):
            changes.append(
                filings.Change(labels.get(name, name), str(before or ""), str(value or ""))
            )
            setattr(data, name, value)

    if section == "contacto":
        for name in ("email", "phone_1", "phone_2"):
            put(name, cleaned[name])
    elif section == "direccion":
        put("department", cleaned["department"])
        put("municipality", cleaned["municipality"])
        put("address", cleaned["address"].upper())
        put("postal_code", cleaned["postal_code"])
    elif section == "actividades":
        others = [a for a in data.activities if a.role == ActivityRole.OTHER]
        new = [
            ActivityData(
                cleaned["principal_code"], ActivityRole.PRINCIPAL, cleaned["principal_started_on"]
            )
        ]
        if cleaned["secondary_code"]:
            new.append(
                ActivityData(
                    cleaned["secondary_code"],
                    ActivityRole.SECONDARY,
                    cleaned["secondary_started_on"],
                )
            )
        before = ", ".join(f"{a.code}" for a in data.activities)
        after = ", ".join(a.code for a in [*new, *others])
        if [(a.code, a.role, a.started_on) for a in data.activities] != [
            (a.code, a.role, a.started_on) for a in [*new, *others]
        ]:
            changes.append(filings.Change(_("Actividades"), before, after))
            data.activities = [*new, *others]
    elif section == "establecimientos":
        changes += _apply_establishments(data, cleaned)
    elif section == "responsabilidades":
        shown = set(ResponsibilitiesForm(extra_codes=data.responsibilities).shown_codes)
        kept = [c for c in data.responsibilities if c not in shown]
        chosen = sorted({*kept, *cleaned["responsibilities"]})
        if chosen != sorted(data.responsibilities):
            changes.append(
                filings.Change(
                    _("Responsabilidades"),
                    ", ".join(sorted(data.responsibilities)),
                    ", ".join(chosen),
                )
            )
            data.responsibilities = chosen
    return changes


def _establishment_label(establishment: EstablishmentData) -> str:
    place = selectors.municipality(establishment.municipality)
    return f"{establishment.name}, {establishment.address}, {place.name if place else ''}"


def _apply_establishments(data: RegistrantData, cleaned: dict[str, Any]) -> list[filings.Change]:
    """Close the establecimientos ticked and open the one typed, if any (art. 13)."""
    closed = {int(i) for i in cleaned["close"]}
    kept = [e for i, e in enumerate(data.establishments) if i not in closed]
    changes = [
        filings.Change(_("Establecimiento cerrado"), e.name, "")
        for i, e in enumerate(data.establishments)
        if i in closed
    ]
    if cleaned.get("establishment_name"):
        kept.append(
            EstablishmentData(
                name=cleaned["establishment_name"].strip().upper(),
                department=cleaned["establishment_department"],
                municipality=cleaned["establishment_municipality"],
                address=cleaned["establishment_address"].strip().upper(),
                kind_code=cleaned["establishment_kind"],
                phone=cleaned["establishment_phone"],
                opened_on=cleaned["establishment_opened_on"],
            )
        )
        changes.append(filings.Change(_("Establecimiento abierto"), "", kept[-1].name))
    data.establishments = kept
    return changes


@require_GET
@citizen_required
def update_menu(request: HttpRequest, account: CitizenAccount) -> HttpResponse:
    registrant = _linked(account)
    if registrant is None:
        return _no_rut(request, account)
    if refused := _closed_to(request, account, registrant, CaseType.UPDATE):
        return refused
    return render(
        request,
        "portal/update_menu.html",
        {"account": account, "registrant": registrant, "sections": SECTIONS},
    )


def _check_section(
    section: str,
    form: forms.Form,
    registrant: Registrant,
    data: RegistrantData,
    changes: list[filings.Change],
) -> None:
    """Refusals worth saying before the code is sent (the services check them again)."""
    if section == "direccion" and changes:
        try:
            check_virtual_address_changes(registrant)
        except DomainError as exc:
            form.add_error(None, exc.message)
    if section == "responsabilidades":
        try:
            check_responsibility_withdrawals(registrant, data)
        except DomainError as exc:
            add_domain_error(form, exc)


@require_http_methods(["GET", "POST"])
@citizen_required
def update_section(request: HttpRequest, account: CitizenAccount, section: str) -> HttpResponse:
    if section not in SECTIONS:
        raise Http404
    registrant = _linked(account)
    if registrant is None:
        return _no_rut(request, account)
    if refused := _closed_to(request, account, registrant, CaseType.UPDATE):
        return refused
    title, section_form = SECTIONS[section]
    # Every section also asks the date of the fact that requires the update (art. 13).
    form_class = type(f"Update{section_form.__name__}", (section_form, FactDateForm), {})
    data = data_from_registrant(registrant)
    kwargs: dict[str, Any] = {"initial": _initial(data)}
    if section == "responsabilidades":
        kwargs["extra_codes"] = data.responsibilities
    if section == "establecimientos":
        kwargs["recorded"] = [_establishment_label(e) for e in data.establishments]
    # "Usar como principal/secundaria" on a CIIU search result puts its code in the field.
    chosen = {
        f"{kind}_code": request.POST[f"use_{kind}"]
        for kind in ("principal", "secondary")
        if request.POST.get(f"use_{kind}")
    }
    # What the page shows when it is redrawn: the record, what was typed, the code just chosen.
    shown = {**kwargs["initial"], **request.POST.dict(), **chosen}
    # Refreshing the municipios or searching the CIIU redraws the page with what was typed.
    refresh = request.POST.get("action") in ("refresh", "search") or bool(chosen)
    form = (
        form_class(request.POST or None, **kwargs)
        if not refresh
        else form_class(initial=shown, **{k: v for k, v in kwargs.items() if k != "initial"})
    )
    if request.method == "POST" and not refresh and form.is_valid():
        changes = _apply(section, data, form.cleaned_data)
        _check_section(section, form, registrant, data, changes)
        if not changes and not form.errors:
            form.add_error(None, _("No cambió ningún dato."))
        if not form.errors:
            try:
                filing = filings.start_update(
                    account,
                    data=data,
                    base_revision=registrant.revision,
                    summary=changes,
                    fact_date=form.cleaned_data["fact_date"],
                )
                filings.send_signature_code(filing)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return redirect("portal:sign", filing_id=filing.pk)
    context: dict[str, Any] = {
        "account": account,
        "registrant": registrant,
        "section": section,
        "title": title,
        "form": form,
    }
    if section == "actividades":
        query = request.POST.get("ciiu_q", "")
        context["ciiu_q"] = query
        context["ciiu_results"] = search_activities(query) if query else None
        context["names"] = {
            kind: selectors.activity_name(shown.get(f"{kind}_code") or "")
            for kind in ("principal", "secondary")
        }
    return render(request, "portal/update_section.html", context)


@require_http_methods(["GET", "POST"])
@citizen_required
def withdrawal(request: HttpRequest, account: CitizenAccount, kind: str) -> HttpResponse:
    if kind not in WITHDRAWAL_KINDS:
        raise Http404
    registrant = _linked(account)
    if registrant is None:
        return _no_rut(request, account)
    if refused := _closed_to(request, account, registrant, CaseType.UPDATE):
        return refused
    filing_kind, declarations, held = WITHDRAWAL_KINDS[kind]
    cessation = ""
    if held == VAT:
        cessation = "certified" if needs_accountant_certification(registrant) else "statement"
    form = WithdrawalForm(
        request.POST or None,
        request.FILES or None,
        declarations=declarations,
        cessation=cessation,
    )
    has_it = registrant.responsibilities.filter(code=held).exists()
    if request.method == "POST" and form.is_valid():
        try:
            filing = filings.start_withdrawal(
                account,
                kind=filing_kind,
                data=data_from_registrant(registrant),
                base_revision=registrant.revision,
                facts=form.facts(),
                fact_date=form.cleaned_data["fact_date"],
                cessation=_cessation(form) if cessation else None,
            )
            filings.send_signature_code(filing)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("portal:sign", filing_id=filing.pk)
    return render(
        request,
        "portal/withdrawal.html",
        {
            "account": account,
            "registrant": registrant,
            "kind": kind,
            "title": PendingFiling.Kind(filing_kind).label,
            "form": form,
            "has_it": has_it,
            "held": held,
            "cessation": cessation,
        },
    )


def _cessation(form: WithdrawalForm) -> filings.Cessation:
    cleaned = form.cleaned_data
    return filings.Cessation(
        motive=cleaned["motive"],
        regime_years=form.regime_years(),
        no_final_inventory=cleaned.get("no_final_inventory", False),
        no_taxed_sales=cleaned.get("no_taxed_sales", False),
        new_activity=cleaned.get("new_activity", ""),
        certified_by=cleaned.get("certified_by", ""),
        certification=cleaned.get("certification"),
    )


@require_http_methods(["GET", "POST"])
@citizen_required
def cancellation(request: HttpRequest, account: CitizenAccount) -> HttpResponse:
    registrant = _linked(account)
    if registrant is None:
        return _no_rut(request, account)
    if refused := _closed_to(request, account, registrant, CaseType.CANCELLATION_ON_REQUEST):
        return refused
    form = CancellationForm(request.POST or None, request.FILES or None, registrant=registrant)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        documents = [(data["support_kind"], data["support"])]
        if data.get("extra_support"):
            documents.append(("other", data["extra_support"]))
        try:
            filing = filings.start_cancellation(
                account,
                cause=data["cause"],
                facts=data["facts"],
                fact_date=data["fact_date"],
                documents=documents,
            )
            filings.send_signature_code(filing)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("portal:sign", filing_id=filing.pk)
    return render(
        request,
        "portal/cancellation.html",
        {"account": account, "registrant": registrant, "form": form},
    )


@require_http_methods(["GET", "POST"])
@citizen_required
def sign(request: HttpRequest, account: CitizenAccount, filing_id: int) -> HttpResponse:
    filing = filings.pending_filing(account, filing_id)
    if filing is None:
        raise Http404
    # Unbound on arrival: a form bound to the empty POST of a GET would greet the person with
    # "Este campo es requerido." before they typed anything.
    signing = request.method == "POST" and request.POST.get("action") != "resend"
    form = NumericCodeForm(request.POST if signing else None)
    if request.method == "POST" and request.POST.get("action") == "resend":
        try:
            filings.send_signature_code(filing)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.info(request, _("Enviamos un código nuevo; el anterior ya no sirve."))
            return redirect("portal:sign", filing_id=filing.pk)
    elif signing and form.is_valid():
        try:
            case = filings.sign_filing(filing, submitted=form.cleaned_data["code"], by=request.user)
        except CodeError as exc:
            add_domain_error(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Firmó y radicó su solicitud: trámite %(n)s.") % {"n": case.number},
            )
            return redirect("portal:case", number=case.number)
    return render(
        request,
        "portal/sign.html",
        {"account": account, "filing": filing, "form": form, "email": account.email},
    )


@require_GET
@citizen_required
def cases(request: HttpRequest, account: CitizenAccount) -> HttpResponse:
    return render(
        request, "portal/cases.html", {"account": account, "cases": selectors.cases_of(account)}
    )


@require_GET
@citizen_required
def case_detail(request: HttpRequest, account: CitizenAccount, number: str) -> HttpResponse:
    case = selectors.case_of(account, number)
    if case is None:
        raise Http404
    return render(request, "portal/case_detail.html", {"account": account, "case": case})


@require_GET
@citizen_required
def inbox(request: HttpRequest, account: CitizenAccount) -> HttpResponse:
    registrant = account.registrant
    return render(
        request,
        "portal/inbox.html",
        {
            "account": account,
            "communications": selectors.inbox(account),
            "versions": selectors.form_versions(registrant)[:10] if registrant else [],
        },
    )
