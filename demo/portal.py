"""The demo citizen: a Mi RUT account of one demo inscrito and his videoatención appointment,
made through the portal's services.

It runs after demo.registry has loaded the inscritos, because the account is linked to its RUT
the way a real one is: activation links it when the email it confirmed is the one in the RUT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from portal.models import Appointment, AppointmentReason, CodePurpose
from portal.services import accounts, appointments
from portal.services.codes import Decoy, issue_code
from registry.models import DocumentType
from registry.selectors import registrant_by_document
from rut_portal.business_days import next_business_day
from rut_portal.errors import DomainError

# LUIS EDUARDO HERNÁNDEZ BARRERA: a persona natural with an active RUT in Tunja, a seccional no
# demo case touches, so his Mi RUT starts clean.
DOCUMENT_TYPE = "13"
DOCUMENT_NUMBER = "19456789"
# His videoatención is booked at Bogotá, where funcionario.bogota attends it: the official can
# start the case from the appointment, and then sends it to Tunja, the seccional competent for
# an update of his RUT (procedure, activity 3).
APPOINTMENT_SECCIONAL = "32"


@dataclass(frozen=True)
class DemoCitizen:
    document_type: str  # the name shown in the sign-in form, e.g. "Cédula de ciudadanía"
    document_number: str
    name: str
    created: bool


@transaction.atomic
def load_demo_citizen(*, password: str) -> DemoCitizen:
    """Sign up, activate and set the password of the demo citizen's account, unless it exists."""
    registrant = registrant_by_document(DOCUMENT_TYPE, DOCUMENT_NUMBER)
    if registrant is None:
        raise LookupError("load the demo registry first: the demo citizen is one of its inscritos")
    created = accounts.account_for_document(DOCUMENT_TYPE, DOCUMENT_NUMBER) is None
    if created:
        accounts.sign_up(
            accounts.SignUpData(
                document_type=DOCUMENT_TYPE,
                document_number=DOCUMENT_NUMBER,
                first_name=f"{registrant.first_name} {registrant.other_names}".strip().title(),
                last_name=f"{registrant.first_surname} {registrant.second_surname}".strip().title(),
                email=registrant.email,
                mobile=registrant.phone_1,
            ),
            ip_address=None,
        )
        account = accounts.account_for_document(DOCUMENT_TYPE, DOCUMENT_NUMBER)
        assert account is not None
        # The code sign_up emails exists in plain only in that email. A newer code replaces it
        # (only the newest is checked, and the email task skips a replaced code), so nothing
        # is sent and the demo activates the account as its owner would.
        _code, plain = issue_code(account, purpose=CodePurpose.ACTIVATION)
        account = accounts.activate(
            DOCUMENT_TYPE, DOCUMENT_NUMBER, submitted=plain, decoy=Decoy.start()
        )
        accounts.set_password(account, password=password)
    return DemoCitizen(
        document_type=DocumentType.objects.get(pk=DOCUMENT_TYPE).name,
        document_number=DOCUMENT_NUMBER,
        name=registrant.display_name,
        created=created,
    )


@dataclass(frozen=True)
class DemoAppointment:
    starts_at: datetime  # local time
    seccional: str  # the seccional's name
    created: bool


@transaction.atomic
def book_demo_appointment() -> DemoAppointment | None:
    """Book the demo citizen's videoatención at Bogotá on the first business day after today
    with a place left, as he would in Mi RUT, unless one is already coming there.

    None when he cannot book within the officials' agenda (today and DAYS_AHEAD days): every
    place taken, or his own appointments elsewhere already at the limit.
    """
    account = accounts.account_for_document(DOCUMENT_TYPE, DOCUMENT_NUMBER)
    if account is None:
        raise LookupError("load the demo citizen first: the appointment is his")
    now = timezone.now()
    coming = (
        Appointment.objects.filter(
            account=account,
            state=Appointment.State.BOOKED,
            slot__seccional_id=APPOINTMENT_SECCIONAL,
            slot__starts_at__gt=now,
        )
        .select_related("slot__seccional")
        .order_by("slot__starts_at")
        .first()
    )
    if coming is not None:
        return _described(coming, created=False)
    today = timezone.localdate(now)
    day = next_business_day(today)
    while day <= today + timedelta(days=appointments.DAYS_AHEAD):
        appointments.open_day(APPOINTMENT_SECCIONAL, day)
        for slot in appointments.slots_of_day(APPOINTMENT_SECCIONAL, day, now=now):
            if slot.free == 0:
                continue
            try:
                booked = appointments.book(
                    account,
                    slot_id=slot.pk,
                    reason=AppointmentReason.IDENTIFICATION,
                    notes="Corregir el lugar de expedición de mi cédula.",
                    now=now,
                )
            except DomainError:
                return None
            return _described(booked, created=True)
        day = next_business_day(day)
    return None


def _described(appointment: Appointment, *, created: bool) -> DemoAppointment:
    return DemoAppointment(
        starts_at=timezone.localtime(appointment.slot.starts_at),
        seccional=appointment.slot.seccional.name,
        created=created,
    )
