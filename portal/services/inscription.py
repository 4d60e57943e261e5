"""Self-service inscripción of a persona natural: the wizard's draft and its submission.

Decreto 2460 de 2013, art. 6-8: the filled form is a pre-inscripción with its own number; for a
persona natural with cédula the system formalises it at once (the NIT is the cédula number),
through a REGISTRATION case granted by the system actor so the step has a timeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import CitizenAccount, DataPolicyConsent, Draft
from portal.services.accounts import record_consent
from procedures.models import Case, CaseType, Cause, Channel, Mode, RequesterKind
from procedures.services.communications import close_case, communicate_decision
from procedures.services.intake import (
    CaseRequest,
    check_requirements,
    decide_jurisdiction,
    receive_case,
)
from procedures.services.processing import grant_case
from registry.models import (
    DOCUMENT_AS_NIT,
    DOCUMENTS_ISSUED_ABROAD,
    FOREIGNERS_DOCUMENTS,
    ActivityRole,
    Municipality,
    Registrant,
    RegistrantKind,
)
from registry.services.registration import electronic_formalization_obstacle
from registry.validation import ActivityData, EstablishmentData, RegistrantData
from rut_portal.errors import DomainError

STEPS: list[tuple[str, Any]] = [
    ("identificacion", gettext_lazy("Identificación")),
    ("ubicacion", gettext_lazy("Ubicación")),
    ("actividades", gettext_lazy("Actividades económicas")),
    ("establecimientos", gettext_lazy("Establecimientos")),
    ("responsabilidades", gettext_lazy("Responsabilidades")),
    ("confirmar", gettext_lazy("Revisar y enviar")),
]
STEP_NAMES = [name for name, _label in STEPS]
ADULT_AGE = 18
DRAFT_KIND = "inscription"


@dataclass
class InscriptionResult:
    case: Case
    registrant: Registrant
    pre_registration_number: str
    formalized: bool
    obstacles: list[str] = field(default_factory=list)


def draft_of(account: CitizenAccount) -> Draft | None:
    return Draft.objects.filter(account=account, kind=DRAFT_KIND).first()


def initial_values(account: CitizenAccount) -> dict[str, Any]:
    """What the wizard starts with: the names and contact data of the account."""
    names = account.first_name.upper().split()
    surnames = account.last_name.upper().split()
    return {
        "first_name": names[0] if names else "",
        "other_names": " ".join(names[1:]),
        "first_surname": surnames[0] if surnames else "",
        "second_surname": " ".join(surnames[1:]),
        "email": account.email,
        "phone_1": account.mobile,
    }


def save_draft(account: CitizenAccount, *, step: str | None, values: dict[str, Any]) -> Draft:
    """Merge a step's values into the account's draft (created on first save).

    `step` is where the wizard resumes; None keeps the one the draft has.
    """
    draft, _created = Draft.objects.get_or_create(
        account=account, kind=DRAFT_KIND, defaults={"data": initial_values(account)}
    )
    clean = {k: _jsonable(v) for k, v in values.items()}
    # One UPDATE of the whole JSON: concurrent autosaves of the same person simply keep the
    # last one, which is what they typed last.
    draft.data = {**draft.data, **clean}
    if step in STEP_NAMES:
        draft.step = step
    draft.save(update_fields=["data", "step", "updated_at"])
    return draft


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None:
        return ""
    return value if isinstance(value, bool) else str(value)


def add_establishment(account: CitizenAccount, establishment: dict[str, str]) -> Draft:
    """Append an establecimiento to the draft and clear the fields it was typed in."""
    draft = save_draft(account, step=None, values={})
    typed = {k: "" for k in draft.data if k.startswith("establishment_")}
    listed = [*draft.data.get("establishments", []), establishment]
    return save_draft(account, step=None, values={**typed, "establishments": listed})


def remove_establishment(account: CitizenAccount, index: int) -> Draft:
    """Take an establecimiento off the draft (an index out of range changes nothing)."""
    draft = save_draft(account, step=None, values={})
    listed = list(draft.data.get("establishments", []))
    if 0 <= index < len(listed):
        del listed[index]
    return save_draft(account, step=None, values={"establishments": listed})


def discard_draft(account: CitizenAccount) -> None:
    Draft.objects.filter(account=account, kind=DRAFT_KIND).delete()


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def draft_to_data(account: CitizenAccount, values: dict[str, Any]) -> RegistrantData:
    activities = []
    if values.get("principal_code"):
        activities.append(
            ActivityData(
                code=values["principal_code"],
                role=ActivityRole.PRINCIPAL,
                started_on=_date(values.get("principal_started_on")),
            )
        )
    if values.get("secondary_code"):
        activities.append(
            ActivityData(
                code=values["secondary_code"],
                role=ActivityRole.SECONDARY,
                started_on=_date(values.get("secondary_started_on")),
            )
        )
    abroad = account.document_type_id in DOCUMENTS_ISSUED_ABROAD
    birth_country = values.get("birth_country") or "CO"
    return RegistrantData(
        kind=RegistrantKind.NATURAL_PERSON,
        document_type=account.document_type_id,
        document_number=account.document_number,
        document_issue_date=_date(values.get("document_issue_date")),
        document_issue_place="" if abroad else values.get("issue_municipality", ""),
        document_issue_country=values.get("issue_country", "") if abroad else "CO",
        birth_place=values.get("birth_municipality", "") if birth_country == "CO" else "",
        birth_country=birth_country,
        foreign_tax_number=(
            values.get("foreign_tax_number", "").strip().upper()
            if account.document_type_id in FOREIGNERS_DOCUMENTS
            else ""
        ),
        first_surname=values.get("first_surname", "").upper(),
        second_surname=values.get("second_surname", "").upper(),
        first_name=values.get("first_name", "").upper(),
        other_names=values.get("other_names", "").upper(),
        birth_date=_date(values.get("birth_date")),
        country="CO",
        department=values.get("department", ""),
        municipality=values.get("municipality", ""),
        address=values.get("address", "").upper(),
        postal_code=values.get("postal_code", ""),
        email=values.get("email", account.email),
        phone_1=values.get("phone_1", ""),
        phone_2=values.get("phone_2", ""),
        activities=activities,
        responsibilities=list(values.get("responsibilities", [])),
        establishments=[
            EstablishmentData(
                name=e.get("name", ""),
                department=e.get("department", ""),
                municipality=e.get("municipality", ""),
                address=e.get("address", ""),
                kind_code=e.get("kind_code", ""),
                phone=e.get("phone", ""),
                opened_on=_date(e.get("opened_on")),
            )
            for e in values.get("establishments", [])
        ],
    )


def obstacles_to_self_service(registrant: Registrant, *, today: date) -> list[str]:
    """Why the system cannot formalise this pre-inscripción by itself (empty: it can)."""
    reasons = []
    if registrant.kind != RegistrantKind.NATURAL_PERSON:
        reasons.append(_("Solo las personas naturales se inscriben por autogestión."))
    if registrant.document_type_id not in DOCUMENT_AS_NIT:
        reasons.append(
            _(
                "Con su tipo de documento, un funcionario debe verificar la identidad antes de "
                "asignar el NIT."
            )
        )
    scope = electronic_formalization_obstacle(
        person_type=registrant.person_type,
        responsibilities=set(registrant.responsibilities.values_list("code", flat=True)),
    )
    if scope:
        reasons.append(scope)
    birth = registrant.birth_date
    if birth is not None:
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        if age < ADULT_AGE:
            reasons.append(
                _("Los menores de edad se inscriben con la asistencia de un funcionario.")
            )
    return reasons


def _seccional_of(data: RegistrantData) -> str | None:
    return (
        Municipality.objects.filter(pk=data.municipality)
        .values_list("seccional", flat=True)
        .first()
        if data.municipality
        else None
    )


def submit_inscription(
    account: CitizenAccount, *, by: Any, ip_address: str | None
) -> InscriptionResult:
    """Turn the draft into a pre-inscripción case and, when the checks allow, formalise it.

    Raises InvalidData (field errors) or DuplicateRegistrant and writes nothing then. When the
    formalisation is refused the pre-inscripción stays, waiting for an official.
    """
    if account.registrant_id is not None:
        raise DomainError(_("Usted ya tiene RUT; puede actualizarlo o descargar una copia."))
    draft = draft_of(account)
    if draft is None:
        raise DomainError(_("No hay un borrador de inscripción para enviar."))
    data = draft_to_data(account, draft.data)
    with transaction.atomic():
        case = receive_case(
            CaseRequest(
                case_type=CaseType.REGISTRATION,
                channel=Channel.WEB,
                cause=Cause.INSCRITO_REQUEST,
                requester_kind=RequesterKind.USER,
                requester_name=account.full_name,
                requester_email=account.email,
                mode=Mode.SELF_SERVICE,
                data=data,
            ),
            by=by,
            seccional=_seccional_of(data),
        )
        registrant = case.registrant
        assert registrant is not None
        account.registrant = registrant
        account.save(update_fields=["registrant"])
        record_consent(
            account, context=DataPolicyConsent.Context.INSCRIPTION, ip_address=ip_address
        )
        draft.delete()
    pre_number = registrant.form_versions.order_by("version").first().form_number  # type: ignore[union-attr]
    obstacles = obstacles_to_self_service(registrant, today=timezone.localdate())
    if not obstacles:
        try:
            _formalize_by_system(case)
        except DomainError as exc:
            obstacles = [exc.message]
    registrant.refresh_from_db()
    case.refresh_from_db()
    return InscriptionResult(case, registrant, pre_number, not obstacles, obstacles)


@transaction.atomic
def _formalize_by_system(case: Case) -> None:
    """The system actor (by=None) verifies, grants and communicates the inscription."""
    reason = _("Verificación automática de la inscripción por autogestión.")
    case = check_requirements(case, by=None, met=True, reason=reason)
    case = decide_jurisdiction(case, by=None)
    case = grant_case(case, by=None, reason=reason)
    communicate_decision(case, by=None)
    close_case(case, by=None)
