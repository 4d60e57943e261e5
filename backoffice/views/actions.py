"""One page per action on a case: the form it asks for and the service it calls.

Which transitions a button offers comes from django-fsm (`get_available_user_state_transitions`);
every button calls one service of procedures.services, and what the service refuses (a
DomainError, in Spanish) is shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scope import can_act_in
from backoffice import forms as f
from backoffice.views.common import (
    PROCESS,
    UNDECIDED_STATES,
    WORKING_STATES,
    actor,
    admin_context,
    case_url,
    load_case,
    put_errors_on_form,
    refused,
    scope_refusal,
)
from procedures.models import (
    Case,
    CaseDocument,
    CaseType,
)
from procedures.services import (
    assignment,
    communications,
    ex_officio,
    intake,
    processing,
    requirements,
    visits,
)
from registry.models import Registrant
from registry.services.data_access import log_data_access
from registry.services.provisional_nit import provisional_nit_expires_on
from rut_portal.errors import Conflict, DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

# --- Actions -----------------------------------------------------------------------------------

FormFactory = Callable[[HttpRequest, Case, Any, Any], forms.Form]
Runner = Callable[[HttpRequest, Case, dict[str, Any]], "Outcome"]


@dataclass(frozen=True)
class Outcome:
    message: str
    case: Case | None = None  # the case after the service; None when it left the user's scope
    redirect_to: str = ""


@dataclass(frozen=True)
class CaseAction:
    """One button on the case page: the form it asks for and the service it calls."""

    key: str
    label: Any
    help: Any
    form: FormFactory
    run: Runner
    transitions: tuple[str, ...] = ()  # FSM transitions it drives (offered when available)
    offered: Callable[[Case, Any], bool] | None = None  # for the actions outside the FSM
    danger: bool = False
    primary: bool = False
    shows_personal_data: bool = False
    groups: tuple[str, ...] = field(default=("case",))


def _plain(form_class: type[forms.Form]) -> FormFactory:
    return lambda request, case, data, files: form_class(data, files)


def attach_if_given(request: HttpRequest, case: Case, data: dict[str, Any]) -> None:
    if data.get("document"):
        intake.attach_document(
            case,
            kind=data["document_kind"],
            file=data["document"],
            by=actor(request),
            description=data.get("document_description", ""),
        )


def _accept(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    attach_if_given(request, case, data)
    case = intake.check_requirements(case, by=actor(request), met=True, reason=data["reason"])
    return Outcome(_("Requisitos verificados: falta decidir la competencia."), case)


def _reject(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    case = intake.check_requirements(case, by=actor(request), met=False, reason=data["reason"])
    return Outcome(
        _(
            "Rechazado por requisitos. Comunique la decisión al solicitante: podrá radicar de "
            "nuevo una vez corregido."
        ),
        case,
    )


def _jurisdiction(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    case = intake.decide_jurisdiction(case, by=actor(request))
    if case.state == Case.State.RECEIVED:
        message = _("Remitido con sus soportes a la %(s)s, que tiene la competencia.") % {
            "s": case.seccional.name
        }
        return Outcome(message, case)
    return Outcome(_("Competencia asumida: el trámite está en trámite."), case)


def _record_update(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    assert case.registrant is not None
    evidence = data["evidence"]
    if data["support"] == "signed_request":
        intake.attach_document(
            case,
            kind=CaseDocument.Kind.OTHER,
            file=data["support_document"],
            by=actor(request),
            description=_("Solicitud firmada del inscrito"),
        )
        evidence = evidence or _("Solicitud firmada del inscrito (soporte %(name)s).") % {
            "name": data["support_document"].name
        }
    form_1767 = processing.record_update(
        case,
        by=actor(request),
        data=f.RegistrantUpdateForm.record_from(case.registrant, data),
        expected_revision=data["expected_revision"],
        facts=data["facts"],
        evidence=evidence,
        authorized_by=data["authorized_by"],
    )
    return Outcome(
        _("RUT actualizado con el Formato 1767 N.º %(n)s.") % {"n": form_1767.number}, case
    )


def _update_form(request: HttpRequest, case: Case, data: Any, files: Any) -> forms.Form:
    registrant = case.registrant
    assert registrant is not None
    initial = f.RegistrantUpdateForm.initial_for(registrant)
    return f.RegistrantUpdateForm(data, files, initial=initial, person_type=registrant.person_type)


def _submit(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    case = processing.submit_for_approval(case, by=actor(request), reason=data["reason"])
    return Outcome(_("Cancelación registrada y enviada al director para su aprobación."), case)


def _approve_form(request: HttpRequest, case: Case, data: Any, files: Any) -> forms.Form:
    return f.ApproveForm(data, files, user=actor(request))


def _approve(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    case = processing.approve_cancellation(case, by=actor(request), reason=data["reason"])
    return Outcome(
        _("Cancelación aprobada: la inscripción quedó cancelada. Falta comunicar la decisión."),
        case,
    )


def _return(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    case = processing.return_with_observations(
        case, by=actor(request), observations=data["observations"]
    )
    return Outcome(_("Devuelto al funcionario con sus observaciones."), case)


def _grant(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    case = processing.grant_case(case, by=actor(request), reason=data["reason"])
    if ex_officio.takes_effect_on_communication(case):
        return Outcome(
            _(
                "Decidido: procede. El RUT cambia cuando la decisión se comunique al inscrito "
                "(Decreto 2460 de 2013, art. 14)."
            ),
            case,
        )
    registrant = case.registrant
    if case.case_type == CaseType.REGISTRATION and registrant is not None:
        registrant.refresh_from_db()
        if registrant.state == Registrant.State.PROVISIONAL:
            expires = provisional_nit_expires_on(registrant)
            return Outcome(
                _(
                    "Inscripción formalizada con el NIT provisional %(nit)s: se vuelve "
                    "definitivo con la constancia bancaria hasta el %(date)s (art. 10 lit. a)."
                )
                % {
                    "nit": registrant.formatted_nit,
                    "date": expires.strftime("%d/%m/%Y") if expires else "",
                },
                case,
            )
        return Outcome(
            _("Inscripción formalizada con el NIT %(nit)s.") % {"nit": registrant.formatted_nit},
            case,
        )
    return Outcome(_("Decidido: procede. El RUT quedó actualizado."), case)


def _deny(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    case = processing.deny_case(case, by=actor(request), reason=data["reason"])
    return Outcome(_("Decidido: no procede."), case)


def _propose_denial(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    case = processing.propose_denial(case, by=actor(request), reason=data["reason"])
    return Outcome(
        _("Enviado al director: la decisión de que no procede espera su aprobación."), case
    )


def _approve_denial(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    case = processing.approve_denial(case, by=actor(request), reason=data["reason"])
    return Outcome(_("Aprobado: no procede. Falta comunicar la decisión."), case)


def _communicate(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    sent = communications.communicate_decision(case, by=actor(request))
    return Outcome(
        _("Decisión comunicada: %(n)s comunicación(es) registrada(s).") % {"n": len(sent)}, case
    )


def _close(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    case = communications.close_case(case, by=actor(request))
    return Outcome(_("Trámite cerrado."), case)


def _take(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    case = assignment.take_case(case, by=actor(request))
    return Outcome(_("Usted tomó el trámite %(n)s.") % {"n": case.number}, case)


def _assign_form(request: HttpRequest, case: Case, data: Any, files: Any) -> forms.Form:
    officials = (
        User.objects.filter(is_active=True, official_profile__seccional_id=case.seccional_id)
        .exclude(pk=case.assigned_to_id or 0)
        .order_by("first_name", "last_name", "username")
    )
    return f.AssignForm(data, files, officials=officials)


def _assign(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    case = assignment.assign_case(case, by=actor(request), to=data["to"], reason=data["reason"])
    return Outcome(_("Trámite asignado a %(who)s.") % {"who": data["to"]}, case)


def _impediment(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    case = assignment.declare_impediment(case, by=actor(request), reason=data["reason"])
    return Outcome(
        _("Impedimento registrado: queda pendiente de la evaluación del director."), case
    )


def _evaluate_impediment_form(
    request: HttpRequest, case: Case, data: Any, files: Any
) -> forms.Form:
    officials = (
        User.objects.filter(is_active=True, official_profile__seccional_id=case.seccional_id)
        .exclude(pk=case.assigned_to_id or 0)
        .order_by("first_name", "last_name", "username")
    )
    return f.EvaluateImpedimentForm(data, files, officials=officials)


def _evaluate_impediment(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    accept = data["decision"] == "accept"
    case = assignment.evaluate_impediment(
        case,
        by=actor(request),
        accept=accept,
        reason=data["reason"],
        reassign_to=data.get("reassign_to") if accept else None,
    )
    if accept:
        return Outcome(
            _("Impedimento aceptado: trámite reasignado a %(who)s.") % {"who": case.assigned_to},
            case,
        )
    return Outcome(_("Impedimento rechazado: el trámite sigue con quien lo declaró."), case)


def _can_evaluate_impediment(case: Case, user: Any) -> bool:
    if not (_is_open(case) and user.has_perm("procedures.assign_case")):
        return False
    pending = assignment.pending_impediment(case)
    return pending is not None and pending.actor_id != user.pk


def _attach(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    attach_if_given(request, case, data)
    return Outcome(_("Soporte agregado al trámite."), case)


def _requirement_form(request: HttpRequest, case: Case, data: Any, files: Any) -> forms.Form:
    codes = [(item.rule.code, item.rule.label) for item in requirements.checklist(case)]
    return f.RequirementForm(data, files, codes=codes)


def _requirement(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    requirements.record_requirement(
        case,
        by=actor(request),
        code=data["code"],
        met=data["met"],
        document_date=data["document_date"],
        power_kind=data["power_kind"],
        notary_certificate=data["notary_certificate"],
        notes=data["notes"],
    )
    return Outcome(_("Verificación del requisito registrada."), case)


def _schedule(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    visits.schedule_visit(case, by=actor(request), scheduled_for=data["scheduled_for"])
    return Outcome(
        _("Visita programada para el %(d)s.") % {"d": data["scheduled_for"].strftime("%d/%m/%Y")},
        case,
    )


def _visit_form(request: HttpRequest, case: Case, data: Any, files: Any) -> forms.Form:
    pending = case.visits.filter(result="").order_by("scheduled_for")
    return f.RecordVisitForm(data, files, visits=pending)


def _record_visit(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    visit = visits.record_visit(
        case,
        by=actor(request),
        visited_on=data["visited_on"],
        result=data["result"],
        notes=data["notes"],
        visit=data["visit"],
    )
    return Outcome(_("Visita registrada: %(r)s.") % {"r": visit.get_result_display().lower()}, case)


def _obligation(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    assert case.registrant is not None
    processing.record_obligation(
        case.registrant,
        by=actor(request),
        description=data["description"],
        period=data["period"],
        case=case,
    )
    return Outcome(_("Obligación pendiente registrada."), case)


def _resolve_form(request: HttpRequest, case: Case, data: Any, files: Any) -> forms.Form:
    assert case.registrant is not None
    pending = case.registrant.pending_obligations.filter(resolved_at__isnull=True)
    return f.ResolveObligationForm(data, files, obligations=pending)


def _resolve(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    processing.resolve_obligation(data["obligation"], by=actor(request))
    return Outcome(_("Obligación marcada como cumplida."), case)


def _refer(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    # The button is offered only with an inscrito; a POST can still come without one.
    if case.registrant is None:
        raise DomainError(_("El trámite no tiene inscrito que remitir."))
    referral = visits.refer(
        case.registrant, kind=data["kind"], by=actor(request), reason=data["reason"], case=case
    )
    return Outcome(_("Remisión registrada: %(k)s.") % {"k": referral.get_kind_display()}, case)


def _refile(request: HttpRequest, case: Case, data: dict[str, Any]) -> Outcome:
    new = intake.refile_case(case, by=actor(request))
    return Outcome(
        _("Radicado de nuevo como el trámite %(n)s.") % {"n": new.number},
        new,
        redirect_to=case_url(new),
    )


def _is_open(case: Case) -> bool:
    return case.state in assignment.OPEN_STATES


def _can_update_record(case: Case, user: Any) -> bool:
    return processing.can_record_update(case) and user.has_perm("registry.update_registrant")


ACTIONS: tuple[CaseAction, ...] = (
    CaseAction(
        "tomar",
        gettext_lazy("Tomar el trámite"),
        gettext_lazy("Queda asignado a usted."),
        _plain(f.ConfirmForm),
        _take,
        offered=lambda c, u: _is_open(c) and c.assigned_to_id is None and u.has_perm(PROCESS),
        groups=("assignment",),
    ),
    CaseAction(
        "asignar",
        gettext_lazy("Asignar o reasignar"),
        gettext_lazy("Elija un funcionario de la seccional del trámite."),
        _assign_form,
        _assign,
        offered=lambda c, u: _is_open(c) and u.has_perm("procedures.assign_case"),
        groups=("assignment",),
    ),
    CaseAction(
        "impedimento",
        gettext_lazy("Declararse impedido"),
        gettext_lazy(
            "Conflicto de interés (procedimiento 3.3): la declaración queda en el expediente "
            "y el director decide si la acepta y reasigna el trámite o la rechaza."
        ),
        _plain(f.RequiredReasonForm),
        _impediment,
        offered=lambda c, u: (
            _is_open(c) and c.assigned_to_id == u.pk and assignment.pending_impediment(c) is None
        ),
        danger=True,
        groups=("assignment",),
    ),
    CaseAction(
        "evaluar-impedimento",
        gettext_lazy("Evaluar impedimento"),
        gettext_lazy(
            "Procedimiento 3.3: acepte el impedimento y reasigne el trámite a otro "
            "funcionario, o recházelo y el trámite sigue con quien lo declaró."
        ),
        _evaluate_impediment_form,
        _evaluate_impediment,
        offered=_can_evaluate_impediment,
        groups=("assignment",),
    ),
    CaseAction(
        "requisitos",
        gettext_lazy("Requisitos cumplidos"),
        gettext_lazy(
            "Actividad 2. Cargue aquí el acto o la orden si aún no está en el expediente."
        ),
        _plain(f.AcceptRequirementsForm),
        _accept,
        transitions=("accept_requirements",),
        primary=True,
    ),
    CaseAction(
        "rechazar",
        gettext_lazy("Rechazar por requisitos"),
        gettext_lazy(
            "Explique qué falta: se le comunicará al solicitante, que podrá radicar de "
            "nuevo una vez corregido."
        ),
        _plain(f.RequiredReasonForm),
        _reject,
        transitions=("reject_requirements",),
        danger=True,
    ),
    CaseAction(
        "competencia",
        gettext_lazy("Decidir la competencia"),
        gettext_lazy(
            "Actividades 3 y 4: se asume si el inscrito es de esta seccional (o es "
            "una reactivación); si no, se remite con sus soportes."
        ),
        _plain(f.ConfirmForm),
        _jurisdiction,
        transitions=("take_jurisdiction", "forward"),
        primary=True,
    ),
    CaseAction(
        "actualizar",
        gettext_lazy("Actualizar el RUT (Formato 1767)"),
        gettext_lazy(
            "Actividades 7 y 11: se actualiza el registro, en el trámite en curso o "
            "después de decidir una reactivación, y queda el Formato 1767 con los hechos, "
            "las pruebas y el jefe que autoriza."
        ),
        _update_form,
        _record_update,
        offered=_can_update_record,
        shows_personal_data=True,
    ),
    CaseAction(
        "registrar-cancelacion",
        gettext_lazy("Registrar la cancelación"),
        gettext_lazy(
            "La cancelación surte efecto solo cuando el director la aprueba (cuatro ojos)."
        ),
        _plain(f.ReasonForm),
        _submit,
        transitions=("submit_for_approval",),
        primary=True,
    ),
    CaseAction(
        "aprobar",
        gettext_lazy("Aprobar"),
        gettext_lazy(
            "Su contraseña es la firma de la aprobación. La inscripción queda cancelada "
            "y se expide el Formato 1529 (o 1271)."
        ),
        _approve_form,
        _approve,
        transitions=("approve",),
        primary=True,
        offered=lambda c, u: c.prepared_by_id != u.pk,
    ),
    CaseAction(
        "devolver",
        gettext_lazy("Devolver con observaciones"),
        gettext_lazy("El trámite vuelve al funcionario."),
        _plain(f.ReturnForm),
        _return,
        transitions=("return_with_observations",),
    ),
    CaseAction(
        "conceder",
        gettext_lazy("Decidir: procede"),
        gettext_lazy(
            "Se aplica de inmediato al RUT; una actualización de oficio, cuando se comunica "
            "(Decreto 2460 de 2013, art. 14)."
        ),
        _plain(f.ReasonForm),
        _grant,
        transitions=("grant",),
        primary=True,
    ),
    CaseAction(
        "negar",
        gettext_lazy("Decidir: no procede"),
        gettext_lazy("Explique por qué: se le comunicará al solicitante."),
        _plain(f.RequiredReasonForm),
        _deny,
        transitions=("deny",),
        danger=True,
    ),
    CaseAction(
        "proponer-negacion",
        gettext_lazy("Proponer: no procede"),
        gettext_lazy(
            "Una cancelación o una orden de autoridad no se niega sin el director: la "
            "decisión queda pendiente de su aprobación (cuatro ojos)."
        ),
        _plain(f.RequiredReasonForm),
        _propose_denial,
        transitions=("submit_denial_for_approval",),
        danger=True,
    ),
    CaseAction(
        "aprobar-negacion",
        gettext_lazy("Aprobar: no procede"),
        gettext_lazy("Su contraseña es la firma de la aprobación. El RUT no cambia."),
        _approve_form,
        _approve_denial,
        transitions=("approve_denial",),
        danger=True,
        offered=lambda c, u: c.prepared_by_id != u.pk,
    ),
    CaseAction(
        "comunicar",
        gettext_lazy("Comunicar la decisión"),
        gettext_lazy(
            "Actividad 12: al inscrito, al solicitante, a las seccionales de los "
            "últimos cinco años, a la autoridad judicial y a aduanas, según el caso."
        ),
        _plain(f.ConfirmForm),
        _communicate,
        transitions=("communicate",),
        primary=True,
    ),
    CaseAction(
        "cerrar",
        gettext_lazy("Cerrar el trámite"),
        "",
        _plain(f.ConfirmForm),
        _close,
        transitions=("close",),
    ),
    CaseAction(
        "soporte",
        gettext_lazy("Agregar soporte"),
        "",
        _plain(f.AttachDocumentForm),
        _attach,
        offered=lambda c, u: (
            c.state not in (Case.State.COMMUNICATED, Case.State.CLOSED) and u.has_perm(PROCESS)
        ),
        groups=("record",),
    ),
    CaseAction(
        "requisito-documental",
        gettext_lazy("Verificar un requisito documental"),
        gettext_lazy("Decreto 2460 de 2013, art. 10."),
        _requirement_form,
        _requirement,
        offered=lambda c, u: (
            requirements.needs_checklist(c) and c.state in WORKING_STATES and u.has_perm(PROCESS)
        ),
        groups=("record",),
    ),
    CaseAction(
        "programar-visita",
        gettext_lazy("Programar visita de verificación"),
        gettext_lazy("Decreto 2460 de 2013, art. 11."),
        _plain(f.ScheduleVisitForm),
        _schedule,
        offered=lambda c, u: (
            c.registrant_id is not None and c.state in WORKING_STATES and u.has_perm(PROCESS)
        ),
        groups=("record",),
    ),
    CaseAction(
        "registrar-visita",
        gettext_lazy("Registrar resultado de visita"),
        gettext_lazy(
            "Si la dirección no existe se abre una suspensión; si los datos son "
            "inexactos, una remisión a fiscalización."
        ),
        _visit_form,
        _record_visit,
        offered=lambda c, u: (
            c.registrant_id is not None and c.state in WORKING_STATES and u.has_perm(PROCESS)
        ),
        groups=("record",),
    ),
    CaseAction(
        "obligacion",
        gettext_lazy("Registrar obligación pendiente"),
        gettext_lazy(
            "Una obligación pendiente impide la cancelación a solicitud de parte (Decreto 2460 "
            "de 2013, art. 17, parágrafo). En una reactivación, registre las que la motivan."
        ),
        _plain(f.ObligationForm),
        _obligation,
        offered=lambda c, u: (
            c.case_type in (CaseType.CANCELLATION_ON_REQUEST, CaseType.REACTIVATION)
            and c.state in UNDECIDED_STATES
            and u.has_perm(PROCESS)
        ),
        groups=("record",),
    ),
    CaseAction(
        "obligacion-cumplida",
        gettext_lazy("Marcar obligación cumplida"),
        "",
        _resolve_form,
        _resolve,
        offered=lambda c, u: (
            c.case_type in (CaseType.CANCELLATION_ON_REQUEST, CaseType.REACTIVATION)
            and c.state in UNDECIDED_STATES
            and u.has_perm(PROCESS)
        ),
        groups=("record",),
    ),
    CaseAction(
        "remitir",
        gettext_lazy("Remitir a otra área"),
        gettext_lazy(
            "Fiscalización (datos inexactos, art. 11) o División de Gestión Jurídica "
            "(deber de denuncia, art. 20)."
        ),
        _plain(f.ReferForm),
        _refer,
        offered=lambda c, u: (
            c.registrant_id is not None and c.state != Case.State.CLOSED and u.has_perm(PROCESS)
        ),
        groups=("record",),
    ),
    CaseAction(
        "radicar-de-nuevo",
        gettext_lazy("Radicar de nuevo"),
        gettext_lazy("La solicitud rechazada por requisitos, una vez corregida."),
        _plain(f.ConfirmForm),
        _refile,
        offered=lambda c, u: (
            c.decision == "requirements_not_met"
            and c.state in (Case.State.REJECTED, Case.State.COMMUNICATED, Case.State.CLOSED)
            and u.has_perm(PROCESS)
        ),
        groups=("record",),
    ),
)
ACTIONS_BY_KEY = {action.key: action for action in ACTIONS}


def offered_actions(case: Case, user: Any) -> list[CaseAction]:
    """The buttons for this user on this case now: FSM transitions they may take, in scope."""
    if not can_act_in(user, case.seccional_id):
        return []
    # The method django-fsm adds to the model for the `state` field.
    transitions = case.get_available_user_state_transitions(user)  # type: ignore[attr-defined]
    available = {t.name for t in transitions}
    return [
        action
        for action in ACTIONS
        if (not action.transitions or available.intersection(action.transitions))
        and (action.offered is None or action.offered(case, user))
    ]


def case_action_view(
    model_admin: ModelAdmin[Case], request: HttpRequest, object_id: str, action_key: str
) -> HttpResponse:
    """GET: the form the action needs. POST: call its service; show what it refuses."""
    action = ACTIONS_BY_KEY.get(action_key)
    if action is None:
        raise Http404
    case = load_case(object_id)
    if not model_admin.has_view_permission(request, None):
        raise PermissionDenied
    if not can_act_in(request.user, case.seccional_id):
        return refused(request, scope_refusal(case), case=case)
    if request.method == "GET" and action not in offered_actions(case, request.user):
        messages.error(
            request,
            _("«%(action)s» no está disponible para usted con el trámite en estado «%(state)s».")
            % {"action": action.label, "state": case.get_state_display()},
        )
        return HttpResponseRedirect(case_url(case))
    posted = request.method == "POST"
    form = action.form(
        request, case, request.POST if posted else None, request.FILES if posted else None
    )
    if posted and form.is_valid():
        try:
            with transaction.atomic():
                outcome = action.run(request, case, form.cleaned_data)
        except NotAllowed as error:
            return refused(request, error.message, case=case)
        except Conflict as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(case_url(case))
        except DomainError as error:
            put_errors_on_form(form, error)
            messages.error(request, error.message)
            case = load_case(object_id)  # the page shows the state as it is now
        else:
            messages.success(request, outcome.message)
            return HttpResponseRedirect(_after(request, outcome, case))
    if action.shows_personal_data and case.registrant is not None:
        log_data_access(
            user=actor(request),
            registrant=case.registrant,
            what=_(
                "Identificación, ubicación, contacto y clasificación (Formato 1767, trámite %(n)s)"
            )
            % {"n": case.number},
        )
    return TemplateResponse(
        request,
        "admin/procedures/case/action.html",
        {
            **admin_context(request),
            "title": f"{action.label} · {case.number}",
            "case": case,
            "action": action,
            "form": form,
            "media": model_admin.media + form.media,
        },
    )


def _after(request: HttpRequest, outcome: Outcome, case: Case) -> str:
    if outcome.redirect_to:
        return outcome.redirect_to
    current = outcome.case or case
    if can_act_in(request.user, current.seccional_id):
        return case_url(current)
    return reverse("admin:procedures_case_changelist")  # forwarded out of the user's scope
