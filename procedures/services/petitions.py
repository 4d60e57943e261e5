"""Requests by unauthorised channels become PQSRD petitions (procedure, activity 1, note 1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from accounts.scope import seccional_of
from procedures.models import AUTHORIZED_CHANNELS, Case, Petition
from procedures.services.common import next_case_number
from procedures.services.intake import CaseRequest, receive_case
from registry.services.common import DEFAULT_SECCIONAL
from rut_portal.errors import Conflict, DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def is_authorized_channel(case_type: str, channel: str) -> bool:
    allowed = AUTHORIZED_CHANNELS.get(case_type)
    return allowed is None or channel in allowed


def unauthorized_channel_answer(case_type_label: str, channel_label: str) -> str:
    return _(
        "Su solicitud de %(type)s llegó por %(channel)s, que no es un canal autorizado para "
        "ese trámite; no se tramita como tal sino como una petición, que le responderemos. "
        "Para que se tramite, debe presentarse por los canales autorizados."
    ) % {"type": case_type_label.lower(), "channel": channel_label.lower()}


@transaction.atomic
def receive_request(
    request: CaseRequest, *, by: User | None, seccional: str | None = None
) -> Case | Petition:
    """Receive a request: a case when the channel is authorised for it, otherwise a petition."""
    from procedures.tasks import acknowledge_petition

    if is_authorized_channel(request.case_type, request.channel):
        return receive_case(request, by=by, seccional=seccional)
    case_label = dict(Case._meta.get_field("case_type").choices)[request.case_type]
    channel_label = dict(Case._meta.get_field("channel").choices).get(
        request.channel, request.channel
    )
    petition = Petition.objects.create(
        number=f"PQ-{next_case_number(timezone.localdate().year)}",
        subject=_("Solicitud de %(type)s por canal no autorizado") % {"type": case_label.lower()},
        requested_case_type=request.case_type,
        channel=request.channel,
        registrant=request.registrant,
        requester_name=request.requester_name,
        requester_email=request.requester_email,
        seccional_id=seccional
        or seccional_of(by)
        or (request.registrant.seccional_id if request.registrant else DEFAULT_SECCIONAL),
    )
    acknowledge_petition.delay_on_commit(
        petition.pk, unauthorized_channel_answer(case_label, channel_label)
    )
    return petition


@transaction.atomic
def respond_petition(petition: Petition, *, by: User, answer: str) -> Petition:
    """Answer a petition; the requester gets the answer by email."""
    from procedures.tasks import acknowledge_petition

    if not answer.strip():
        raise DomainError(_("Escriba la respuesta."), field="answer")
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if not can_proceed(petition.respond):
        raise Conflict(_("La petición %(n)s ya fue respondida.") % {"n": petition.number})
    if not has_transition_perm(petition.respond, by):
        raise NotAllowed(_("No tiene permiso para responder peticiones."))
    petition.respond(answer=answer, by=by, at=timezone.now())
    petition.save(update_fields=["state", "answer", "answered_by", "answered_at"])
    acknowledge_petition.delay_on_commit(petition.pk, answer)
    return petition
