"""Webhooks: signed deliveries to a real HTTP server, retries with backoff, the delivery log."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from agreements import webhooks
from agreements.models import EntityKind, Scope, WebhookDelivery, WebhookEndpoint
from agreements.services import create_agreement_entity, register_by_agreement
from agreements.tasks import dispatch_webhooks_task
from agreements.webhooks import create_webhook_endpoint, deactivate_webhook_endpoint
from procedures.services.requirements import DeclaredDocument
from tests.factories import natural_data

pytestmark = pytest.mark.django_db

SETTLE = timedelta(seconds=11)
DELIVERIES_URL = "/api/v1/webhook-deliveries/"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What the entity runs: it records every POST and answers the next programmed status."""

    url: str
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)


# The art. 10 checklist a chamber declares for a persona natural.
NATURAL_DOCUMENTS = [DeclaredDocument("applicant_id")]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append(Received(dict(self.headers.items()), body))
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/rut/eventos"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _plain_http_allowed(settings) -> None:
    settings.WEBHOOK_REQUIRE_HTTPS = False  # the receiver is a local http server


def inscribe(entity):
    return register_by_agreement(
        entity, data=natural_data(), bank_certificate_date=None, documents=NATURAL_DOCUMENTS
    ).registrant


def dispatch() -> str:
    out = StringIO()
    call_command("dispatch_webhooks", stdout=out)
    return out.getvalue()


class ReplayGuard:
    """A receiver's check, written from docs/webhooks.md alone: a v1 HMAC-SHA256 of
    "<t>." + body, a timestamp within five minutes, and each signature accepted only once."""

    TOLERANCE = 300

    def __init__(self, secret: str) -> None:
        self.secret = secret.encode()
        self.seen: set[str] = set()

    def check(self, request: Received) -> str:
        parts = dict(item.split("=", 1) for item in request.headers["X-RUT-Signature"].split(","))
        timestamp, given = parts["t"], parts["v1"]
        expected = hmac.new(
            self.secret, timestamp.encode() + b"." + request.body, hashlib.sha256
        ).hexdigest()
        if not hmac.compare_digest(expected, given):
            return "bad signature"
        if abs(time.time() - int(timestamp)) > self.TOLERANCE:
            return "too old"
        if given in self.seen:
            return "replay"
        self.seen.add(given)
        return "ok"


def test_a_receiver_gets_each_event_signed_with_the_endpoint_secret(
    chamber, chamber_client, receiver, clock
):
    endpoint, secret = create_webhook_endpoint(chamber, url=receiver.url)
    registrant = inscribe(chamber)
    assert dispatch() == "Entregas intentadas: 0 (nada)\n"  # not settled yet
    clock.shift(SETTLE)

    assert dispatch() == "Entregas intentadas: 1 (delivered: 1)\n"

    [request] = receiver.requests
    assert ReplayGuard(secret).check(request) == "ok"
    event = json.loads(request.body)
    feed = chamber_client.get("/api/v1/events/").json()["results"]
    assert event == feed[0]  # the same event the feed gives
    assert event["registrant"]["nit"] == registrant.nit
    assert request.headers["X-RUT-Event-Id"] == str(event["id"])
    assert request.headers["X-RUT-Event-Type"] == "inscription"
    assert request.headers["Content-Type"] == "application/json"
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert request.headers["X-RUT-Delivery-Id"] == str(delivery.pk)
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    # A second run sends nothing again.
    assert dispatch() == "Entregas intentadas: 0 (nada)\n"
    assert len(receiver.requests) == 1


def test_a_failed_delivery_is_retried_with_backoff_until_the_receiver_accepts_it(
    chamber, chamber_client, receiver, clock
):
    endpoint, secret = create_webhook_endpoint(chamber, url=receiver.url)
    inscribe(chamber)
    clock.shift(SETTLE)
    receiver.statuses = [500, 503, 502]
    waits = []

    for _ in range(3):
        dispatch()
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        assert delivery.state == "pending"
        waits.append(round((delivery.next_attempt_at - timezone.now()).total_seconds()))
        dispatch()  # not due yet: nothing sent
        assert len(receiver.requests) == delivery.attempts
        clock.shift(timedelta(seconds=waits[-1] + 1))
    dispatch()

    assert waits == [30, 60, 120]  # the wait doubles after each failure
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 4, 200)
    bodies = {r.body for r in receiver.requests}
    assert len(bodies) == 1  # the same event every time
    assert [r.headers["X-RUT-Attempt"] for r in receiver.requests] == ["1", "2", "3", "4"]
    guard = ReplayGuard(secret)
    assert [guard.check(r) for r in receiver.requests] == ["ok"] * 4  # each signed anew
    log = chamber_client.get(DELIVERIES_URL).json()["results"][0]
    assert log["state"] == "delivered"
    assert [a["status_code"] for a in log["attempt_log"]] == [500, 503, 502, 200]
    assert log["attempt_log"][0]["error"] == "Respuesta distinta de 2xx."
    assert log["attempt_log"][3]["error"] == ""


def test_an_unreachable_receiver_is_logged_and_given_up_after_the_last_attempt(
    chamber, chamber_client, clock, monkeypatch
):
    monkeypatch.setattr(webhooks, "MAX_ATTEMPTS", 2)
    endpoint, _secret = create_webhook_endpoint(chamber, url="http://127.0.0.1:9/cerrado")
    inscribe(chamber)
    clock.shift(SETTLE)

    dispatch()
    clock.shift(timedelta(seconds=31))
    dispatch()

    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("failed", 2, None)
    assert delivery.last_status_code is None
    assert delivery.last_error.startswith("ConnectionError")
    failed = chamber_client.get(DELIVERIES_URL, {"state": "failed"}).json()
    assert failed["count"] == 1
    assert failed["results"][0]["attempt_log"][1]["error"].startswith("ConnectionError")
    clock.shift(timedelta(hours=7))
    assert dispatch() == "Entregas intentadas: 0 (nada)\n"  # failed stays failed


def test_a_replayed_or_altered_delivery_is_detectable(chamber, receiver, clock):
    _endpoint, secret = create_webhook_endpoint(chamber, url=receiver.url)
    inscribe(chamber)
    clock.shift(SETTLE)
    dispatch()
    [original] = receiver.requests
    guard = ReplayGuard(secret)

    assert guard.check(original) == "ok"
    assert guard.check(original) == "replay"  # the same request sent again
    altered = Received(original.headers, original.body[:-1] + b',"x":1}')
    assert guard.check(altered) == "bad signature"
    clock.shift(timedelta(minutes=6))
    assert ReplayGuard(secret).check(original) == "too old"  # outside the window
    # The helper the docs offer to Python receivers agrees.
    header = original.headers["X-RUT-Signature"]
    assert not webhooks.verify_signature(secret, header, original.body, now=time.time())
    assert webhooks.verify_signature(secret, header, original.body, now=time.time() - 6 * 60)
    assert not webhooks.verify_signature("whsec_otro", header, original.body, now=time.time())


def test_beat_dispatches_through_the_celery_tasks(
    chamber, receiver, clock, django_capture_on_commit_callbacks
):
    endpoint, _secret = create_webhook_endpoint(chamber, url=receiver.url)
    inscribe(chamber)
    inscribe(chamber)
    clock.shift(SETTLE)

    with django_capture_on_commit_callbacks(execute=True):
        claimed = dispatch_webhooks_task.delay().get()

    assert claimed == 2
    assert len(receiver.requests) == 2
    assert set(endpoint.deliveries.values_list("state", flat=True)) == {"delivered"}
    event_ids = [int(r.headers["X-RUT-Event-Id"]) for r in receiver.requests]
    assert sorted(event_ids) == sorted(endpoint.deliveries.values_list("event_id", flat=True))


def test_an_endpoint_gets_only_its_entity_events_from_its_creation_on(chamber, receiver, clock):
    before = inscribe(chamber)  # before the endpoint: only in the feed
    endpoint, _secret = create_webhook_endpoint(chamber, url=receiver.url)
    other = create_agreement_entity(
        name="Cámara de Comercio de Cali",
        kind=EntityKind.CHAMBER_OF_COMMERCE,
        scopes=[Scope.REGISTRATIONS],
    )
    inscribe(other)
    after = inscribe(chamber)
    clock.shift(SETTLE)

    dispatch()

    nits = [json.loads(r.body)["registrant"]["nit"] for r in receiver.requests]
    assert nits == [after.nit]
    assert before.nit not in nits
    assert endpoint.deliveries.count() == 1


def test_from_start_queues_the_whole_feed(chamber, receiver, clock):
    first = inscribe(chamber)
    create_webhook_endpoint(chamber, url=receiver.url, from_start=True)
    clock.shift(SETTLE)

    dispatch()

    assert [json.loads(r.body)["registrant"]["nit"] for r in receiver.requests] == [first.nit]


def test_a_deactivated_endpoint_receives_nothing_and_keeps_its_pending_deliveries(
    chamber, receiver, clock
):
    endpoint, _secret = create_webhook_endpoint(chamber, url=receiver.url)
    inscribe(chamber)
    clock.shift(SETTLE)
    receiver.statuses = [500]
    dispatch()

    deactivate_webhook_endpoint(endpoint)
    clock.shift(timedelta(minutes=5))
    dispatch()

    assert len(receiver.requests) == 1
    assert endpoint.deliveries.get().state == "pending"


def test_the_delivery_log_shows_only_the_entity_own_deliveries(
    chamber, chamber_client, court_client, receiver, clock
):
    endpoint, _secret = create_webhook_endpoint(chamber, url=receiver.url)
    inscribe(chamber)
    clock.shift(SETTLE)
    dispatch()

    mine = chamber_client.get(DELIVERIES_URL).json()
    theirs = court_client.get(DELIVERIES_URL).json()
    endpoints = chamber_client.get("/api/v1/webhook-endpoints/").json()

    assert mine["count"] == 1 and theirs["count"] == 0
    assert mine["results"][0]["endpoint"] == endpoint.pk
    assert mine["results"][0]["event_type"] == "inscription"
    assert endpoints["results"] == [
        {
            "id": endpoint.pk,
            "url": receiver.url,
            "is_active": True,
            "created_at": endpoints["results"][0]["created_at"],
        }
    ]
    assert "secret" not in str(endpoints)
    assert court_client.get("/api/v1/webhook-endpoints/").json()["count"] == 0
    assert chamber_client.get(DELIVERIES_URL, {"state": "nada"}).status_code == 400


def test_the_command_prints_the_secret_once_and_refuses_plain_http_in_production(chamber, settings):
    out = StringIO()
    call_command(
        "create_webhook_endpoint", str(chamber.pk), "https://ccb.example.co/rut", stdout=out
    )

    endpoint = WebhookEndpoint.objects.get(entity=chamber)
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in out.getvalue()
    settings.WEBHOOK_REQUIRE_HTTPS = True
    with pytest.raises(CommandError, match="debe ser https"):
        call_command("create_webhook_endpoint", str(chamber.pk), "http://ccb.example.co/rut")
    with pytest.raises(CommandError, match="No existe esa entidad"):
        call_command("create_webhook_endpoint", "999999", "https://ccb.example.co/rut")


def test_beat_runs_the_dispatch_every_webhook_dispatch_seconds(settings):
    from rut_portal.celery import app, schedule_periodic_jobs

    settings.WEBHOOK_DISPATCH_SECONDS = 20
    schedule_periodic_jobs(sender=app)

    entry = app.conf.beat_schedule["dispatch-webhooks"]
    assert entry == {"task": dispatch_webhooks_task.name, "schedule": 20.0}


def test_officials_see_deliveries_in_the_admin_and_deactivate_an_endpoint_there(
    admin_client, chamber, receiver, clock
):
    endpoint, secret = create_webhook_endpoint(chamber, url=receiver.url)
    inscribe(chamber)
    clock.shift(SETTLE)
    receiver.statuses = [500]
    dispatch()
    delivery = endpoint.deliveries.get()

    listing = admin_client.get("/admin/agreements/webhookendpoint/")
    detail = admin_client.get(f"/admin/agreements/webhookdelivery/{delivery.pk}/change/")
    action = admin_client.post(
        "/admin/agreements/webhookendpoint/",
        {"action": "deactivate", "_selected_action": [endpoint.pk]},
    )

    assert listing.status_code == 200 and receiver.url in listing.content.decode()
    assert secret not in listing.content.decode()
    assert detail.status_code == 200 and "Respuesta distinta de 2xx." in detail.content.decode()
    assert action.status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.is_active
