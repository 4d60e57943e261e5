"""Named reads for the agreements API, each scoped to the entity that asks."""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from agreements.models import (
    AgreementEntity,
    AgreementInscription,
    ApiToken,
    DeathFeedEntry,
    DeathFeedUpload,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from agreements.services import hash_token
from procedures.models import Case, CaseDocument, CaseStep
from registry.models import FormVersion


def token_for_key(raw: str) -> ApiToken | None:
    """The live token with this secret (not revoked, not expired), with its entity and user."""
    now = timezone.now()
    return (
        ApiToken.objects.select_related("entity__user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )


def cases_of_entity(entity: AgreementEntity) -> QuerySet[Case]:
    """The cases an entity filed (orders, death feed), newest first."""
    return (
        Case.objects.filter(requester_user_id=entity.user_id)
        .select_related("registrant")
        .order_by("-received_at", "-id")
    )


def case_of_entity(entity: AgreementEntity, number: str) -> Case | None:
    """One of the entity's cases with its timeline and documents; None for anybody else's."""
    return (
        cases_of_entity(entity)
        .prefetch_related(
            Prefetch("steps", queryset=CaseStep.objects.order_by("at", "id")),
            Prefetch("documents", queryset=CaseDocument.objects.order_by("uploaded_at", "id")),
        )
        .filter(number=number)
        .first()
    )


def documents_of_case(case: Case) -> QuerySet[CaseDocument]:
    return CaseDocument.objects.filter(case=case).order_by("uploaded_at", "id")


def inscriptions_of_entity(entity: AgreementEntity) -> QuerySet[AgreementInscription]:
    """The entity's inscriptions with the inscrito and its latest Formulario 001 number."""
    latest = FormVersion.objects.filter(registrant=OuterRef("registrant")).order_by("-version")
    return (
        AgreementInscription.objects.filter(entity=entity)
        .select_related("registrant")
        .annotate(latest_form_number=Subquery(latest.values("form_number")[:1]))
    )


def inscription_of_entity(entity: AgreementEntity, pk: int) -> AgreementInscription | None:
    return inscriptions_of_entity(entity).filter(pk=pk).first()


def death_feeds_of_entity(entity: AgreementEntity) -> QuerySet[DeathFeedUpload]:
    return DeathFeedUpload.objects.filter(entity=entity)


def death_feed_of_entity(entity: AgreementEntity, pk: int) -> DeathFeedUpload | None:
    return death_feeds_of_entity(entity).filter(pk=pk).first()


def death_feed_report(upload: DeathFeedUpload, *, outcomes: list[str]) -> QuerySet[DeathFeedEntry]:
    """The feed's rows with the given outcomes, in file order, with NIT and case number."""
    return (
        DeathFeedEntry.objects.filter(upload=upload, outcome__in=outcomes)
        .select_related("registrant", "case")
        .order_by("line")
    )


def webhook_endpoints_of_entity(entity: AgreementEntity) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(entity=entity).order_by("id")


def webhook_deliveries_of_entity(
    entity: AgreementEntity,
    *,
    state: str | None = None,
    event_id: int | None = None,
    endpoint_id: int | None = None,
) -> QuerySet[WebhookDelivery]:
    """The delivery log of the entity's endpoints, newest first, with every attempt."""
    deliveries = WebhookDelivery.objects.filter(endpoint__entity=entity)
    if state:
        deliveries = deliveries.filter(state=state)
    if event_id is not None:
        deliveries = deliveries.filter(event_id=event_id)
    if endpoint_id is not None:
        deliveries = deliveries.filter(endpoint_id=endpoint_id)
    return deliveries.prefetch_related(
        Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number"))
    ).order_by("-id")
