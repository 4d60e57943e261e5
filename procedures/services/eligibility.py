"""Whether an inscrito in its present state may file a request (procedures.selectors)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from procedures.models import CaseType
from procedures.selectors import REQUEST_TRANSITIONS, requests_open_to
from registry.models import Registrant
from rut_portal.errors import Conflict


def require_request_open(registrant: Registrant, *, case_type: str) -> None:
    """Refuse, before anything is signed or filed, a request the inscrito's state rules out."""
    if case_type not in REQUEST_TRANSITIONS or case_type in requests_open_to(registrant):
        return
    message = _("El RUT de %(name)s está en estado «%(state)s»: no admite %(request)s.") % {
        "name": registrant.display_name,
        "state": registrant.get_state_display(),
        "request": CaseType(case_type).label.lower(),
    }
    if registrant.state == Registrant.State.CANCELLED:
        message += " " + _(
            "Para volver a usarlo, pida la reactivación de manera asistida por un funcionario "
            "(procedimiento de cancelación de oficio y reactivación, numeral 3.2)."
        )
    raise Conflict(message, field="registrant")
