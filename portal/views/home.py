"""The portal's front page: a welcome for visitors, the citizen's summary once signed in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal import selectors
from portal.health import rut_health
from portal.services import inscription
from portal.services.accounts import citizen_account_of
from portal.views.common import citizen_required
from portal.views.requests import WITHDRAWAL_KINDS
from procedures.models import CaseType
from procedures.selectors import requests_open_to
from registry.models import Registrant
from registry.selectors import registrant_by_document, with_places
from registry.services.states import SUSPENSION_KEEPS_OBLIGATIONS


@require_GET
def home(request: HttpRequest) -> HttpResponseBase:
    account = citizen_account_of(request.user)
    if account is None:
        return render(request, "portal/welcome.html")
    return dashboard(request)


@citizen_required
def dashboard(request: HttpRequest, account: object) -> HttpResponse:
    from portal.models import CitizenAccount

    assert isinstance(account, CitizenAccount)
    # Its seccional, departamento and municipio from the per-process reference cache.
    registrant = with_places(account.registrant) if account.registrant else None
    unlinked = (
        registrant_by_document(account.document_type_id, account.document_number)
        if registrant is None
        else None
    )
    facts = selectors.home_facts(account, now=timezone.now())
    # What the inscrito's state lets them request (procedures.selectors.requests_open_to).
    open_to = requests_open_to(registrant) if registrant else frozenset()
    may_update = CaseType.UPDATE in open_to
    # A withdrawal is offered only to whoever holds the responsibility it removes.
    withdrawals = {
        kind: may_update and code in facts.held for kind, (_f, _d, code) in WITHDRAWAL_KINDS.items()
    }
    return render(
        request,
        "portal/dashboard.html",
        {
            "account": account,
            "registrant": registrant,
            # Its choice's label: get_state_display() hashes every state's lazy label first.
            "state_label": Registrant.State(registrant.state).label if registrant else "",
            "unlinked": unlinked,
            # Only a person with no RUT found is offered to resume an inscription.
            "draft": None if registrant or unlinked else inscription.draft_of(account),
            "steps": dict(inscription.STEPS),
            "cases": selectors.recent_cases(account),
            "next_appointment": facts.next_appointment,
            "withdrawals": withdrawals,
            "health": rut_health(
                account, today=timezone.localdate(), possible=facts.possible_failures
            ),
            "may_update": may_update,
            "may_cancel": CaseType.CANCELLATION_ON_REQUEST in open_to,
            "suspension_notice": SUSPENSION_KEEPS_OBLIGATIONS
            if registrant is not None and registrant.state == Registrant.State.SUSPENDED
            else "",
        },
    )
