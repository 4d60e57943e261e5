"""Videoatención: choose a reason, a seccional and a day, then a time with places left."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import selectors
from portal.forms import AppointmentSearchForm, SlotChoiceForm
from portal.models import Appointment, AppointmentReason, CitizenAccount
from portal.services import appointments
from portal.views.common import add_domain_error, citizen_required
from rut_portal.errors import DomainError


@require_GET
@citizen_required
def appointment_list(request: HttpRequest, account: CitizenAccount) -> HttpResponse:
    return render(
        request,
        "portal/appointments.html",
        {"account": account, "appointments": selectors.appointments_of(account)},
    )


def _picker_context(
    request: HttpRequest, account: CitizenAccount, moving: Appointment | None
) -> dict[str, object]:
    default_seccional = account.registrant.seccional_id if account.registrant else "32"
    initial = {
        "reason": moving.reason if moving else request.GET.get("motivo", ""),
        "seccional": moving.slot.seccional_id if moving else default_seccional,
    }
    search = AppointmentSearchForm(
        request.GET if "seccional" in request.GET else None, initial=initial
    )
    seccional = initial["seccional"]
    day: date | None = None
    if search.is_valid():
        seccional = search.cleaned_data["seccional"]
        day = search.cleaned_data["day"]
        initial["reason"] = search.cleaned_data["reason"]
    days = appointments.available_days(str(seccional))
    if day is None and days:
        day = days[0][0]
    slots = list(appointments.slots_of_day(str(seccional), day)) if day else []
    places, booked = appointments.day_quota(str(seccional), day) if day else (0, 0)
    return {
        "account": account,
        "search": search,
        "days": days,
        "day": day,
        "seccional": seccional,
        "slots": slots,
        "places": places,
        "booked": booked,
        "reason": initial["reason"] or AppointmentReason.TECHNICAL_FAILURE,
        "reasons": AppointmentReason,
        "moving": moving,
    }


@require_http_methods(["GET", "POST"])
@citizen_required
def appointment_new(request: HttpRequest, account: CitizenAccount) -> HttpResponse:
    form = SlotChoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = appointments.book(
                account,
                slot_id=form.cleaned_data["slot"],
                reason=form.cleaned_data["reason"],
                notes=form.cleaned_data["notes"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Reservó su cita. Le enviamos la confirmación y el enlace a %(email)s.")
                % {"email": account.email},
            )
            return redirect(f"{_list_url()}#cita-{appointment.pk}")
    context = _picker_context(request, account, None)
    context["form"] = form
    return render(request, "portal/appointment_new.html", context)


def _list_url() -> str:
    from django.urls import reverse

    return reverse("portal:appointments")


@require_http_methods(["GET", "POST"])
@citizen_required
def appointment_move(request: HttpRequest, account: CitizenAccount, pk: int) -> HttpResponse:
    moving = (
        selectors.appointments_of(account).filter(pk=pk, state=Appointment.State.BOOKED).first()
    )
    if moving is None:
        return redirect("portal:appointments")
    form = SlotChoiceForm(request.POST or None, initial={"reason": moving.reason})
    if request.method == "POST" and form.is_valid():
        try:
            appointments.move(account, appointment_id=pk, slot_id=form.cleaned_data["slot"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Cambiamos su cita; le enviamos la nueva confirmación."))
            return redirect(f"{_list_url()}#cita-{pk}")
    context = _picker_context(request, account, moving)
    context["form"] = form
    return render(request, "portal/appointment_new.html", context)


@require_POST
@citizen_required
def appointment_cancel(request: HttpRequest, account: CitizenAccount, pk: int) -> HttpResponse:
    try:
        appointments.cancel(account, appointment_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Canceló su cita; el horario quedó libre para otra persona."))
    return redirect("portal:appointments")
