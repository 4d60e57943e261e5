"""Webhooks: the change feed POSTed to the entity's endpoints, signed, retried with backoff.

Every active endpoint has a cursor into the feed (agreements.events). A dispatch run queues a
WebhookDelivery per new event (once: unique per endpoint and event), claims the deliveries due,
and each claimed delivery is POSTed once by `attempt_delivery`. A failure is retried after
RETRY_BASE_SECONDS * 2^(attempts-1), capped at RETRY_MAX_SECONDS, until MAX_ATTEMPTS; a claim
that dies with its worker lapses after CLAIM_SECONDS and is claimed again: at-least-once.

Signature (docs/webhooks.md): `X-RUT-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
"<t>." + body, keyed with the endpoint's secret>`. Each attempt is signed anew.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.events import events_after, latest_event_id
from agreements.models import AgreementEntity, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from rut_portal.errors import DomainError

SIGNATURE_HEADER = "X-RUT-Signature"
SIGNATURE_TOLERANCE_SECONDS = 300  # what receivers are told to accept (docs/webhooks.md)
MAX_ATTEMPTS = 10
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 6 * 3600
CLAIM_SECONDS = 120  # longer than a POST can take (TIMEOUT) plus the time to record it
TIMEOUT = (5, 15)  # seconds to connect, to read the answer
EVENTS_PER_RUN = 500
CLAIMS_PER_RUN = 200


# --- Endpoints ----------------------------------------------------------------------------------


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    allowed = ("https",) if settings.WEBHOOK_REQUIRE_HTTPS else ("https", "http")
    if parts.scheme not in allowed or not parts.hostname:
        raise DomainError(
            _("La URL del webhook debe ser %(schemes)s, con un nombre de servidor.")
            % {"schemes": " o ".join(allowed)},
            field="url",
        )


def create_webhook_endpoint(
    entity: AgreementEntity, *, url: str, from_start: bool = False
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (returned to be handed over once).

    It receives the changes from now on; `from_start` also queues the entity's whole feed.
    """
    _check_url(url)
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint.objects.create(
        entity=entity, url=url, secret=secret, cursor=0 if from_start else latest_event_id()
    )
    return endpoint, secret


def deactivate_webhook_endpoint(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Stop sending to an endpoint (idempotent); pending deliveries wait, their log stays."""
    if endpoint.is_active:
        endpoint.is_active = False
        endpoint.save(update_fields=["is_active"])
    return endpoint


# --- Signature ----------------------------------------------------------------------------------


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The X-RUT-Signature header value for `body` sent at `timestamp` (Unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(
    secret: str,
    header: str,
    body: bytes,
    *,
    now: float,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver checks: a v1 signature of this body, made within `tolerance` seconds."""
    fields: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _sep, value = item.strip().partition("=")
        fields.setdefault(key, []).append(value)
    try:
        timestamp = int(fields["t"][0])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return any(hmac.compare_digest(expected, given) for given in fields.get("v1", []))


def encode_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


# --- Dispatch -----------------------------------------------------------------------------------


def queue_new_events(endpoint_id: int, *, now: datetime | None = None) -> int:
    """Queue a delivery for each settled event after the endpoint's cursor; how many queued."""
    with transaction.atomic():
        # A second dispatcher skips the endpoint instead of queuing the same events again.
        endpoint = (
            WebhookEndpoint.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("entity")
            .filter(pk=endpoint_id, is_active=True)
            .first()
        )
        if endpoint is None:
            return 0
        page = events_after(endpoint.entity, after=endpoint.cursor, limit=EVENTS_PER_RUN, now=now)
        if not page.events:
            return 0
        due = now or timezone.now()
        WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(
                    endpoint=endpoint,
                    event_id=event["id"],
                    event_type=event["type"],
                    payload=event,
                    next_attempt_at=due,
                )
                for event in page.events
            ],
            ignore_conflicts=True,
        )
        endpoint.cursor = page.next_cursor
        endpoint.save(update_fields=["cursor"])
        return len(page.events)


def claim_due_deliveries(*, now: datetime | None = None, limit: int = CLAIMS_PER_RUN) -> list[int]:
    """Ids of pending deliveries due now, each claimed for CLAIM_SECONDS so no one else sends it."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(
                state=WebhookDelivery.State.PENDING,
                next_attempt_at__lte=now,
                endpoint__is_active=True,
            )
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(
            next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS)
        )
    return ids


def dispatch_webhooks(*, now: datetime | None = None) -> list[int]:
    """Queue the new events of every active endpoint, then claim the deliveries due."""
    for endpoint_id in WebhookEndpoint.objects.filter(is_active=True).values_list("pk", flat=True):
        queue_new_events(endpoint_id, now=now)
    return claim_due_deliveries(now=now)


@dataclass
class PostResult:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _post(delivery: WebhookDelivery, *, attempt: int) -> PostResult:
    body = encode_body(delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "RUT-Webhooks/1.0",
        "X-RUT-Event-Id": str(delivery.event_id),
        "X-RUT-Event-Type": delivery.event_type,
        "X-RUT-Delivery-Id": str(delivery.pk),
        "X-RUT-Attempt": str(attempt),
        SIGNATURE_HEADER: sign(delivery.endpoint.secret, body, int(time.time())),
    }
    started = time.monotonic()
    try:
        # A redirect is an answer, not a success: the registry only posts where the agreement says.
        response = requests.post(
            delivery.endpoint.url,
            data=body,
            headers=headers,
            timeout=TIMEOUT,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        elapsed = int((time.monotonic() - started) * 1000)
        return PostResult(None, f"{type(exc).__name__}: {exc}"[:300], elapsed)
    elapsed = int((time.monotonic() - started) * 1000)
    response.close()
    return PostResult(response.status_code, "", elapsed)


def retry_delay(attempts: int) -> timedelta:
    """Wait after the `attempts`-th failure: 30 s, 1 min, 2 min, ... at most 6 h."""
    return timedelta(seconds=min(RETRY_BASE_SECONDS * 2 ** (attempts - 1), RETRY_MAX_SECONDS))


def attempt_delivery(delivery_id: int) -> WebhookDelivery:
    """POST a pending delivery once and log the attempt: delivered, retried later, or failed.

    The POST happens outside any transaction (no row lock held while waiting on the network);
    the outcome is written under a lock, and not over a delivery already settled meanwhile.
    """
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.state != WebhookDelivery.State.PENDING or not delivery.endpoint.is_active:
        return delivery
    result = _post(delivery, attempt=delivery.attempts + 1)
    return _record_attempt(delivery_id, result)


@transaction.atomic
def _record_attempt(delivery_id: int, result: PostResult) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
    now = timezone.now()
    delivery.attempts += 1
    error = result.error or ("" if result.ok else _("Respuesta distinta de 2xx."))
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        at=now,
        status_code=result.status_code,
        error=error,
        duration_ms=result.duration_ms,
    )
    delivery.last_status_code, delivery.last_error = result.status_code, error
    # A delivery settled meanwhile by a concurrent attempt (a lapsed claim) only gets the log line.
    if delivery.state == WebhookDelivery.State.PENDING:
        if result.ok:
            delivery.state, delivery.delivered_at = WebhookDelivery.State.DELIVERED, now
            delivery.next_attempt_at = None
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.state, delivery.next_attempt_at = WebhookDelivery.State.FAILED, None
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save(
        update_fields=[
            "attempts",
            "state",
            "next_attempt_at",
            "delivered_at",
            "last_status_code",
            "last_error",
        ]
    )
    return delivery
