"""Use cases of the agreements API: entities and tokens, idempotent POSTs, inscriptions by
agreement, authorities' orders and public entities' queries. The death feed is in death_feed.py.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from agreements.models import (
    AgreementEntity,
    AgreementInscription,
    ApiToken,
    EntityKind,
    IdempotencyKey,
    QueryLog,
    Scope,
)
from procedures.models import Case, CaseDocument, CaseType, Cause, Channel, Mode
from procedures.services.intake import CaseRequest, attach_document, receive_case
from procedures.services.requirements import DeclaredDocument, check_declared_documents
from registry.models import Registrant
from registry.selectors import registrant_by_nit
from registry.services.provisional_nit import activate_provisional_nit
from registry.services.registration import register_registrant
from registry.validation import RegistrantData
from rut_portal.errors import Conflict, DomainError, InvalidData, NotAllowed

# --- Entities and tokens ------------------------------------------------------------------------

# Django permissions the entity's service user needs for the registry services behind a scope.
SCOPE_PERMISSIONS: dict[str, list[str]] = {
    Scope.REGISTRATIONS: ["registry.formalize_registrant"],
}

# Registry data a public entity may be allowed beyond the basic data of art. 4 par. 2.
QUERYABLE_FIELDS: dict[str, str] = {
    "kind": "Clase de inscrito",
    "person_type": "Tipo de contribuyente (casilla 24)",
    "document_type": "Tipo de documento",
    "document_issue_date": "Fecha de expedición del documento",
    "birth_date": "Fecha de nacimiento",
    "trade_name": "Nombre comercial",
    "acronym": "Sigla",
    "country": "País",
    "postal_code": "Código postal",
    "email": "Correo electrónico",
    "phone_1": "Teléfono 1",
    "phone_2": "Teléfono 2",
    "seccional": "Dirección seccional",
    "activities": "Actividades económicas (CIIU)",
    "responsibilities": "Responsabilidades (casilla 53)",
    "customs_qualities": "Calidades de usuario aduanero (casilla 54)",
    "representatives": "Representación",
    "establishments": "Establecimientos",
    "formalized_at": "Fecha de formalización",
    "state_changed_at": "Último cambio de estado",
}
TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


def _check_entity_settings(scopes: Iterable[str], allowed_fields: Iterable[str]) -> None:
    errors: dict[str, list[str]] = {}
    unknown_scopes = sorted(set(scopes) - set(Scope.values))
    if unknown_scopes:
        errors["scopes"] = [_("Alcances desconocidos: %(s)s.") % {"s": ", ".join(unknown_scopes)}]
    unknown_fields = sorted(set(allowed_fields) - QUERYABLE_FIELDS.keys())
    if unknown_fields:
        errors["allowed_fields"] = [
            _("Campos desconocidos: %(f)s.") % {"f": ", ".join(unknown_fields)}
        ]
    if errors:
        raise InvalidData(errors)


def _service_username(name: str) -> str:
    base = f"convenio-{slugify(name)[:100]}"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


@transaction.atomic
def create_agreement_entity(
    *,
    name: str,
    kind: str,
    scopes: Iterable[str],
    allowed_fields: Iterable[str] = (),
    email: str = "",
    nit: str = "",
    agreement_number: str = "",
) -> AgreementEntity:
    """An entity with its own service user (no password, no admin access) and its scopes."""
    scopes, allowed_fields = sorted(set(scopes)), sorted(set(allowed_fields))
    if kind not in EntityKind.values:
        raise DomainError(_("Tipo de entidad desconocido."), field="kind")
    if not name.strip():
        raise DomainError(_("Indique el nombre de la entidad."), field="name")
    _check_entity_settings(scopes, allowed_fields)
    user = User(username=_service_username(name), first_name=name[:150], email=email)
    user.set_unusable_password()
    user.save()
    entity = AgreementEntity.objects.create(
        name=name,
        kind=kind,
        scopes=scopes,
        allowed_fields=allowed_fields,
        email=email,
        nit=nit,
        agreement_number=agreement_number,
        user=user,
    )
    _grant_scope_permissions(entity)
    return entity


def _grant_scope_permissions(entity: AgreementEntity) -> None:
    dotted = [perm for scope in entity.scopes for perm in SCOPE_PERMISSIONS.get(scope, [])]
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in (d.split(".") for d in dotted)
    ]
    entity.user.user_permissions.set(permissions)


@transaction.atomic
def update_agreement_scopes(
    entity: AgreementEntity, *, scopes: Iterable[str], allowed_fields: Iterable[str]
) -> AgreementEntity:
    """Change what the agreement allows; the service user's permissions follow."""
    scopes, allowed_fields = sorted(set(scopes)), sorted(set(allowed_fields))
    _check_entity_settings(scopes, allowed_fields)
    entity = AgreementEntity.objects.select_for_update().get(pk=entity.pk)
    entity.scopes, entity.allowed_fields = scopes, allowed_fields
    entity.save(update_fields=["scopes", "allowed_fields"])
    _grant_scope_permissions(entity)
    return entity


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(
    entity: AgreementEntity, *, name: str = "", expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token; the secret is returned once and only its hash is kept."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        entity=entity, name=name, key_hash=hash_token(raw), prefix=raw[:8], expires_at=expires_at
    )
    return token, raw


def revoke_token(token: ApiToken) -> ApiToken:
    """Stop a token from working (idempotent)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def touch_token(token: ApiToken) -> None:
    """Note when a token was last used, at most once per interval (no write on every call)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- Idempotency --------------------------------------------------------------------------------


class IdempotencyKeyReused(DomainError):
    """The key was already used for a different request."""

    status_code = 422


def run_once(
    *,
    entity: AgreementEntity,
    key: str,
    path: str,
    fingerprint: str,
    operation: Callable[[], tuple[int, Any]],
) -> tuple[int, Any, bool]:
    """Run a POST once per (entity, key); a retry gets the stored answer (status, body, True).

    The key row and everything the operation writes share one transaction: a refusal or a crash
    rolls both back, so the same key may be retried; a concurrent retry waits on the key's unique
    index until the first one commits, then replays its answer.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    entity=entity, key=key, path=path[:200], request_hash=fingerprint
                )
        except IntegrityError:
            record = IdempotencyKey.objects.get(entity=entity, key=key)
            if record.request_hash != fingerprint or record.path != path[:200]:
                raise IdempotencyKeyReused(
                    _(
                        "La clave de idempotencia «%(key)s» ya se usó con otra solicitud; "
                        "use una clave nueva para cada operación."
                    )
                    % {"key": key},
                    field="Idempotency-Key",
                ) from None
            return record.response_status or 200, record.response_body, True
        status, body = operation()
        record.response_status, record.response_body = status, body
        record.save(update_fields=["response_status", "response_body"])
        return status, body, False


# --- Inscriptions by agreement ------------------------------------------------------------------


@transaction.atomic
def register_by_agreement(
    entity: AgreementEntity,
    *,
    data: RegistrantData,
    bank_certificate_date: date | None,
    documents: list[DeclaredDocument] | None = None,
    via_attorney: bool = False,
) -> AgreementInscription:
    """Inscripción by an entity authorised under an agreement (Decreto 2460 de 2013, art. 8-9).

    The entity formalises: the NIT is assigned and the Formulario 001 issued at once, with the
    entity's service user as the actor on the audit trail. Legal entities without a bank
    certificate get a provisional NIT (art. 10 lit. a), as at a DIAN desk. The entity declares
    the documents of the kind's checklist (art. 10), checked as an official's review would.
    """
    if not entity.has_scope(Scope.REGISTRATIONS):
        raise NotAllowed(_("El convenio de la entidad no incluye inscripciones."))
    check_declared_documents(
        kind=data.kind,
        case_type=CaseType.REGISTRATION,
        documents=documents or [],
        via_attorney=via_attorney,
        today=timezone.localdate(),
    )
    registrant = register_registrant(
        data, by=entity.user, bank_certificate_date=bank_certificate_date
    )
    form = registrant.form_versions.order_by("-version").first()
    assert form is not None
    return AgreementInscription.objects.create(
        entity=entity, registrant=registrant, form_number=form.form_number
    )


def activate_by_agreement(
    entity: AgreementEntity,
    inscription: AgreementInscription,
    *,
    certificate_date: date,
    bank: str,
    account_number: str,
) -> AgreementInscription:
    """The entity that inscribed a legal entity brings its bank certificate (art. 10 lit. a).

    Only for its own inscriptions; the rules (term, state, date) are the registry service's.
    """
    if not entity.has_scope(Scope.REGISTRATIONS):
        raise NotAllowed(_("El convenio de la entidad no incluye inscripciones."))
    if inscription.entity_id != entity.pk:
        raise NotAllowed(_("La inscripción no fue hecha por esta entidad."))
    activate_provisional_nit(
        inscription.registrant,
        by=entity.user,
        certificate_date=certificate_date,
        bank=bank,
        account_number=account_number,
        channel=_("convenio: %(entity)s") % {"entity": entity.name},
    )
    return inscription


# --- Authorities' orders ------------------------------------------------------------------------

ORDER_CASE_TYPES: dict[str, str] = {
    "suspension": CaseType.SUSPENSION,
    "lift_suspension": CaseType.LIFT_SUSPENSION,
    "cancellation": CaseType.CANCELLATION_EX_OFFICIO,
    "reactivation": CaseType.REACTIVATION,
}


@dataclass
class AuthorityOrder:
    order_type: str
    nit: str
    act_number: str
    act_date: date
    act_issuer: str
    act_is_final: bool
    document: UploadedFile
    cause: str = Cause.AUTHORITY_ORDER
    act_term_days: int | None = None
    facts: str = ""
    document_description: str = ""
    act_published_on: date | None = None  # art. 15 par. 1 (fictitious supplier/exporter)


def _registrant_for_order(nit: str) -> Registrant:
    registrant = registrant_by_nit(nit)
    if registrant is None:
        raise DomainError(
            _("No hay ningún inscrito con el NIT %(nit)s.") % {"nit": nit}, field="nit"
        )
    return registrant


def _check_not_already_received(
    entity: AgreementEntity, case_type: str, order: AuthorityOrder, registrant: Registrant
) -> None:
    """The same act sent again under another key is the same order: refuse it by name."""
    earlier = (
        Case.objects.filter(
            requester_user=entity.user,
            registrant=registrant,
            case_type=case_type,
            act_number=order.act_number,
        )
        .exclude(state__in=[Case.State.REJECTED, Case.State.CLOSED])
        .first()
    )
    if earlier is not None:
        raise Conflict(
            _("Esa orden ya se recibió como el trámite %(n)s.") % {"n": earlier.number},
            field="act_number",
        )


@transaction.atomic
def file_authority_order(entity: AgreementEntity, *, order: AuthorityOrder) -> Case:
    """An authority's order becomes a case, received with its act and the act's document."""
    if not entity.has_scope(Scope.ORDERS):
        raise NotAllowed(_("El convenio de la entidad no incluye el envío de órdenes."))
    case_type = ORDER_CASE_TYPES.get(order.order_type)
    if case_type is None:
        raise DomainError(_("Tipo de orden desconocido."), field="order_type")
    registrant = _registrant_for_order(order.nit)
    _check_not_already_received(entity, case_type, order, registrant)
    case = receive_case(
        CaseRequest(
            case_type=case_type,
            channel=Channel.AGREEMENT_API,
            cause=order.cause,
            requester_kind=entity.requester_kind,
            requester_name=entity.name,
            requester_email=entity.email,
            registrant=registrant,
            mode=Mode.EX_OFFICIO,
            act_number=order.act_number,
            act_date=order.act_date,
            act_issuer=order.act_issuer,
            act_is_final=order.act_is_final,
            act_term_days=order.act_term_days,
            act_published_on=order.act_published_on,
            facts=order.facts,
        ),
        by=entity.user,
    )
    attach_document(
        case,
        kind=_document_kind(entity),
        file=order.document,
        by=entity.user,
        description=order.document_description or order.act_number,
    )
    return case


def _document_kind(entity: AgreementEntity) -> str:
    if entity.kind == EntityKind.JUDICIAL_AUTHORITY:
        return CaseDocument.Kind.JUDICIAL_ORDER
    return CaseDocument.Kind.ACT


@transaction.atomic
def add_case_document(
    entity: AgreementEntity, *, case: Case, document: UploadedFile, description: str = ""
) -> CaseDocument:
    """A further support for a case the entity filed (e.g. the act's proof of being final)."""
    if case.requester_user_id != entity.user_id:
        raise NotAllowed(_("El trámite no fue radicado por su entidad."))
    return attach_document(
        case, kind=_document_kind(entity), file=document, by=entity.user, description=description
    )


# --- Queries by public entities (art. 4 par. 2 and art. 21) -------------------------------------


def check_query_fields(entity: AgreementEntity, requested: list[str] | None) -> list[str]:
    """The fields to return: those asked for (or all the agreement allows), each allowed."""
    if not entity.has_scope(Scope.REGISTRY_QUERY):
        raise NotAllowed(_("El convenio de la entidad no incluye consultas del RUT."))
    if requested is None:
        return sorted(entity.allowed_fields)
    unknown = sorted(set(requested) - QUERYABLE_FIELDS.keys())
    if unknown:
        raise DomainError(
            _("Campos desconocidos: %(f)s.") % {"f": ", ".join(unknown)}, field="fields"
        )
    refused = sorted(set(requested) - set(entity.allowed_fields))
    if refused:
        raise NotAllowed(
            _("El convenio no autoriza consultar: %(f)s.") % {"f": ", ".join(refused)},
            field="fields",
        )
    return sorted(set(requested))


@dataclass
class RegistryAnswer:
    registrant: Registrant | None
    fields: list[str]
    log: QueryLog


@transaction.atomic
def query_registry(
    entity: AgreementEntity, *, nit: str, purpose: str, requested: list[str] | None
) -> RegistryAnswer:
    """Look a NIT up beyond the basic data, within the agreement, and log the query.

    Every query is logged, found or not: the entity, the purpose and the fields handed over.
    """
    fields = check_query_fields(entity, requested)
    if not purpose.strip():
        raise DomainError(_("Indique la finalidad de la consulta."), field="purpose")
    registrant = registrant_by_nit(nit)
    log = QueryLog.objects.create(
        entity=entity,
        nit=nit.strip()[:20],
        registrant=registrant,
        purpose=purpose.strip()[:300],
        fields_returned=fields if registrant is not None else [],
    )
    return RegistryAnswer(registrant=registrant, fields=fields, log=log)
