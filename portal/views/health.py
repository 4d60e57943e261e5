"""One-click fixes offered by the 'Salud de mi RUT' panel on the Mi RUT home."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from portal.models import CitizenAccount
from portal.services import filings
from portal.views.common import citizen_required
from rut_portal.errors import DomainError


@require_POST
@citizen_required
def email_fix(request: HttpRequest, account: CitizenAccount) -> HttpResponse:
    """Start the actualización that registers the confirmed email in the RUT; sign it next."""
    try:
        filing = filings.start_confirmed_email_update(account)
        filings.send_signature_code(filing)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal:home")
    return redirect("portal:sign", filing_id=filing.pk)
