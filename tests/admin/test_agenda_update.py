"""An identification-data appointment attended end to end from the agenda: "Iniciar trámite"
receives the actualización (no withdrawal) prefilled, the case page's "Actualizar el RUT
(Formato 1767)" changes the record, and the decision grants it without applying it twice."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.urls import reverse

from portal.models import Appointment, AppointmentReason
from procedures.models import Case
from registry.models import FormVersion
from tests.admin.conftest import OWN, client_for, registrant_in
from tests.admin.test_assisted_update import _action, _in_process, _signed_request, _update_form
from tests.clock import BOGOTA, TODAY
from tests.factories import make_appointment

pytestmark = pytest.mark.django_db


def _posted(form: Any) -> dict[str, Any]:
    """The prefilled form as the browser sends it back."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value not in (None, ""):
            data[name] = value
    return data


def test_an_identification_appointment_is_received_updated_and_decided(official) -> None:
    person = registrant_in(OWN)
    appointment = make_appointment(
        person,
        at=datetime.combine(TODAY, time(10), tzinfo=BOGOTA),
        reason=AppointmentReason.IDENTIFICATION,
    )
    client = client_for(official)
    start = client.get(reverse("admin:portal_appointment_change", args=[appointment.pk]))
    url = f"{reverse('admin:procedures_case_add')}?cita={appointment.pk}"
    assert f'href="{url}"' in start.content.decode()

    form = client.get(url).context["form"]
    received = client.post(
        url, {**_posted(form), "fact_date": (TODAY - timedelta(days=5)).isoformat()}
    )

    assert received.status_code == 302, received.context["form"].errors
    case = Case.objects.get(registrant=person)
    assert (case.case_type, case.channel) == ("update", "video")
    assert "withdrawal" not in case.payload and case.payload["data"]["first_surname"] == "PÉREZ"
    appointment.refresh_from_db()
    assert (appointment.case, appointment.state) == (case, Appointment.State.ATTENDED)

    _in_process(client, case)
    updated = client.post(
        _action(case, "actualizar"),
        {
            **_update_form(client, case),
            "first_surname": "pérez de la hoz",
            "support": "signed_request",
            "support_document": _signed_request(),
            "facts": "Corrección del apellido según la cédula.",
            "evidence": "",
            "authorized_by": "Jefe GIT Registro",
        },
    )
    assert updated.status_code == 302, updated.content.decode()[:3000]
    versions = person.form_versions.count()

    granted = client.post(_action(case, "conceder"), {"reason": ""})

    assert granted.status_code == 302, granted.content.decode()[:3000]
    case.refresh_from_db()
    person.refresh_from_db()
    assert (case.state, case.decision) == ("decided", "granted")
    assert person.first_surname == "PÉREZ DE LA HOZ"
    assert person.form_versions.count() == versions
    assert person.form_versions.latest("version").concept == FormVersion.Concept.UPDATE
    page = client.get(reverse("admin:procedures_case_change", args=[case.pk])).content.decode()
    assert reverse("admin:portal_appointment_change", args=[appointment.pk]) in page
