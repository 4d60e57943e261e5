"""The attack campaign of issue 17, against a real gunicorn + PostgreSQL + Redis it starts itself.

gunicorn connects to the test database as the *application role* (INSERT/SELECT only on the
append-only tables, rut_portal.database_roles), so every check also proves the portal works under
that role. Redis is the shared cache where the public lookup budget is counted. Each check
prints its tries and failures; the campaign passes with 0 failures in every one.

The fuzz reaches every form a signed-in citizen, official or director reaches (found by walking
their pages, tests/security/fuzz.py) and every operation of the API's schema with a token of each
scope, one hostile value per form and operation in CI (rotating through the list).

Short by default. The long version multiplies every
count: `PYTEST_WORKERS=0 CAMPAIGN_SCALE=20 scripts/test tests/security/test_campaign.py -s`.
"""

from __future__ import annotations

import os
import random
import secrets
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import psycopg2
import pytest
import requests
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from accounts.services import create_official
from agreements.models import EntityKind, Scope
from agreements.services import create_agreement_entity, issue_token
from documents.services import cancellation_resolution_pdf, communication_pdf, formulario_001_pdf
from portal.models import Appointment, CitizenAccount, Slot
from portal.services import accounts
from portal.views.inscription import FORMS as INSCRIPTION_STEPS
from portal.views.requests import SECTIONS, WITHDRAWAL_KINDS
from rut_portal.business_days import next_business_day
from rut_portal.database_roles import append_only_tables, grant_application_role
from tests.clock import BOGOTA, ROOT, command
from tests.documents.conftest import judicial_cancellation  # noqa: F401
from tests.factories import make_natural
from tests.portal.conftest import PASSWORD, last_code
from tests.security import fuzz
from tests.security.fuzz import FUZZ

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

SCALE = max(1, int(os.environ.get("CAMPAIGN_SCALE", "1")))
LOOKUP_LIMIT = 10
STAFF_PASSWORD = "una clave larga de funcionario"


@dataclass
class Check:
    name: str
    tries: int = 0
    failures: int = 0
    notes: list[str] = field(default_factory=list)

    def record(self, failed: bool, note: str = "") -> None:
        self.tries += 1
        if failed:
            self.failures += 1
            if note and len(self.notes) < 5:
                self.notes.append(note)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


PASSWORD_OF_APP_ROLE = secrets.token_hex(16)


@pytest.fixture
def app_role() -> str:
    """A login role for the test database with the application's privileges only (with a
    password, for servers that do not trust loopback connections)."""
    role = f"{connection.settings_dict['NAME']}_app"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE ROLE "{role}"')
        cursor.execute(f'ALTER ROLE "{role}" LOGIN PASSWORD %s', [PASSWORD_OF_APP_ROLE])
    grant_application_role(role)
    return role


@pytest.fixture
def server(app_role: str, reference_data: None, tmp_path: Path) -> Iterator[str]:
    db = connection.settings_dict
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    redis_url = django_settings.CELERY_BROKER_URL
    host, port_db = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    env.update(
        DATABASE_URL=f"postgres://{app_role}:{PASSWORD_OF_APP_ROLE}@{host}:{port_db}/{db['NAME']}",
        CACHE_URL=redis_url,  # the shared cache; tasks run in-process (no REDIS_URL)
        TRUSTED_PROXIES="0",
        # Per hour: a short campaign never crosses a window edge, so the budget is exact.
        PUBLIC_LOOKUP_RATE=f"{LOOKUP_LIMIT}/hour",
        MEDIA_ROOT=str(django_settings.MEDIA_ROOT),
    )
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - closed after the process
    process = subprocess.Popen(
        command(
            "-m",
            "gunicorn",
            "rut_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "60",
        ),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(url + "/", timeout=20)
            break
        except requests.RequestException as exc:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((tmp_path / "gunicorn.log").read_text()) from exc
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=30)
    log.close()
    errors = (tmp_path / "gunicorn.log").read_text(errors="replace")
    # django.request logs every 5xx as "Internal Server Error" (403s come with a traceback too).
    first = errors.find("Internal Server Error")
    assert first < 0, errors[first : first + 5000]


def _session(url: str) -> requests.Session:
    session = requests.Session()
    session.get(url + "/mi-rut/ingresar/", timeout=10)
    session.headers["X-CSRFToken"] = session.cookies.get("csrftoken") or ""
    session.headers["Referer"] = url + "/"
    return session


def _post(session: requests.Session, url: str, data: dict[str, str]) -> requests.Response:
    return session.post(url, data=data, allow_redirects=False, timeout=30)


def _citizen_sign_in(url: str, number: str, password: str) -> tuple[requests.Session, bool]:
    session = _session(url)
    answer = _post(
        session,
        url + "/mi-rut/ingresar/",
        {"document_type": "13", "document_number": number, "password": password},
    )
    session.headers["X-CSRFToken"] = session.cookies.get("csrftoken") or ""  # rotated at sign-in
    return session, answer.status_code == 302 and answer.headers["Location"].startswith("/mi-rut/")


def _staff_sign_in(url: str, username: str, password: str) -> tuple[requests.Session, int]:
    session = _session(url)
    session.get(url + "/admin/login/", timeout=10)
    session.headers["X-CSRFToken"] = session.cookies.get("csrftoken") or ""
    answer = _post(
        session,
        url + "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
    )
    session.headers["X-CSRFToken"] = session.cookies.get("csrftoken") or ""  # rotated at sign-in
    return session, answer.status_code


def _make_citizen(number: str, email: str, capture: Callable[..., Any]) -> CitizenAccount:
    with capture(execute=True):
        accounts.sign_up(
            accounts.SignUpData("13", number, "Ana", "Rojas", email, "3001234567"),
            ip_address="127.0.0.1",
        )
    account = accounts.activate("13", number, submitted=last_code(email), decoy=accounts.Decoy())
    accounts.set_password(account, password=PASSWORD)
    return CitizenAccount.objects.get(pk=account.pk)


def test_campaign(
    reference_data,  # first: the officials below belong to seccionales
    settings,
    capsys,
    django_capture_on_commit_callbacks,
    official,
    director,
    judicial_cancellation,  # noqa: F811
    server,
):
    # gunicorn runs the production hasher list: passwords it checks are hashed with it here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    url = server
    checks: list[Check] = []
    case = judicial_cancellation
    resolution = cancellation_resolution_pdf(case)
    letter = communication_pdf(case.communications.first())
    formulario = formulario_001_pdf(case.registrant.form_versions.latest("version"), copy=False)
    codes = [resolution.code, letter.code, formulario.code]
    create_official(
        username="bogota.campaign", password=STAFF_PASSWORD, role=Role.OFFICIAL, seccional="32"
    )
    create_official(
        username="medellin.campaign", password=STAFF_PASSWORD, role=Role.OFFICIAL, seccional="11"
    )
    victim = _make_citizen("1020304050", "victima@example.co", django_capture_on_commit_callbacks)
    other = _make_citizen("1030405060", "otra@example.co", django_capture_on_commit_callbacks)

    started = time.monotonic()
    # Sessions for the checks below, opened before the guessing makes this address wait.
    medellin, status = _staff_sign_in(url, "medellin.campaign", STAFF_PASSWORD)
    assert status == 302, "the official of Medellín signs in"
    citizen, signed_in = _citizen_sign_in(url, other.document_number, PASSWORD)
    assert signed_in, "the other citizen signs in"
    own_seccional, status = _staff_sign_in(url, "bogota.campaign", STAFF_PASSWORD)
    assert status == 302, "the official of Bogotá signs in"
    holder = _make_citizen("1040506070", "titular@example.co", django_capture_on_commit_callbacks)
    holder_rut = make_natural(
        document_number=holder.document_number, email=holder.email, responsibilities=["05", "48"]
    )
    rut_holder, signed_in = _citizen_sign_in(url, holder.document_number, PASSWORD)
    assert signed_in, "the citizen with a RUT signs in"
    create_official(
        username="directora.campaign", password=STAFF_PASSWORD, role=Role.DIRECTOR, seccional="32"
    )
    head, status = _staff_sign_in(url, "directora.campaign", STAFF_PASSWORD)
    assert status == 302, "the director of Bogotá signs in"
    tokens = {
        scope: issue_token(
            create_agreement_entity(
                name=f"Entidad {scope}",
                kind=kind,
                scopes=[scope],
                allowed_fields=["email", "phone_1", "activities", "responsibilities"],
            ),
            name="campaña",
        )[1]
        for scope, kind in (
            (Scope.REGISTRATIONS, EntityKind.CHAMBER_OF_COMMERCE),
            (Scope.ORDERS, EntityKind.JUDICIAL_AUTHORITY),
            (Scope.DEATH_FEED, EntityKind.CIVIL_REGISTRY),
            (Scope.REGISTRY_QUERY, EntityKind.PUBLIC_ENTITY),
        )
    }

    # 1. Citizen sign-in: guesses, then the right password, must not get in.
    check = Check("brute force, citizen sign-in")
    for round_ in range(SCALE):
        for _ in range(6):
            _session_, signed_in = _citizen_sign_in(url, victim.document_number, f"mala {round_}")
            check.record(signed_in, "a wrong password signed in")
        _session_, signed_in = _citizen_sign_in(url, victim.document_number, PASSWORD)
        check.record(signed_in, "the right password got through after the guesses")
    checks.append(check)

    # 2. Officials' sign-in at /admin/login/: the same, per username and address (axes).
    check = Check("brute force, /admin/login/")
    for round_ in range(SCALE):
        for _ in range(6):
            _s, status = _staff_sign_in(url, "bogota.campaign", f"mala {round_}")
            check.record(status == 302, "a wrong password signed in")
        _s, status = _staff_sign_in(url, "bogota.campaign", STAFF_PASSWORD)
        check.record(status == 302, f"the right password got through ({status})")
    checks.append(check)

    # 3. X-Forwarded-For rotation: one budget per real address for page and API together.
    check = Check("XFF rotation, /consulta-rut/ + /api/v1/rut/")
    nit = case.registrant.nit
    answered = 0
    for i in range(3 * LOOKUP_LIMIT * SCALE):
        headers = {"X-Forwarded-For": f"203.0.113.{i % 250}, 198.51.100.{i % 200}"}
        path = f"/consulta-rut/?nit={nit}" if i % 2 else f"/api/v1/rut/{nit}/"
        status = requests.get(url + path, headers=headers, timeout=10).status_code
        answered += status == 200
        check.record(
            status >= 500 or (status == 200 and answered > LOOKUP_LIMIT), f"{path}: {status}"
        )
    checks.append(check)

    # 4. Documents of a Bogotá case, asked by an official of Medellín, by a citizen, by nobody.
    check = Check("cross-seccional and cross-citizen downloads")
    fmt = case.formats.first()
    citizen_paths = [
        f"/mi-rut/tramites/{case.number}/resolucion.pdf",
        f"/mi-rut/formatos/{fmt.number}.pdf" if fmt else "/mi-rut/formatos/0.pdf",
        f"/mi-rut/formulario/{case.registrant.form_versions.latest('version').form_number}.pdf",
        f"/mi-rut/notificaciones/{case.communications.first().pk}.pdf",
    ]
    for _ in range(SCALE):
        for code in codes:
            for who, session in (("Medellín", medellin), ("citizen", citizen)):
                answer = session.get(f"{url}/documentos/{code}/pdf/", timeout=30)
                check.record(
                    answer.status_code >= 500 or answer.content.startswith(b"%PDF"),
                    f"{who}, {code}: {answer.status_code}",
                )
            anonymous = requests.get(f"{url}/documentos/{code}/pdf/", timeout=30)
            check.record(anonymous.content.startswith(b"%PDF"), f"anonymous got {code}")
        for path in citizen_paths:
            answer = citizen.get(url + path, timeout=30)
            check.record(answer.content.startswith(b"%PDF"), f"citizen got {path}")
    # The control: the official of Bogotá does download them (the check is not vacuous).
    answer = own_seccional.get(f"{url}/documentos/{resolution.code}/pdf/", timeout=30)
    check.record(not answer.content.startswith(b"%PDF"), "Bogotá could not download")
    checks.append(check)

    # 5. Racing double bookings: the same slot, many simultaneous clicks, one appointment.
    check = Check("racing double bookings")
    day = next_business_day(timezone.localdate())
    for round_ in range(SCALE):
        slot = Slot.objects.create(
            seccional_id="32",
            starts_at=datetime.combine(day, clock_time(7, round_ % 50), tzinfo=BOGOTA),
            capacity=20,
        )
        data = {"slot": str(slot.pk), "reason": "identification", "notes": "doble clic"}

        def click(_i: int, data: dict[str, str] = data) -> int:
            return _post(citizen, url + "/mi-rut/citas/nueva/", data).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(click, range(8)))
        booked = Appointment.objects.filter(
            account=other, slot=slot, state=Appointment.State.BOOKED
        ).count()
        slot.refresh_from_db()
        check.record(booked != 1 or slot.booked != 1, f"{booked} appointments, {statuses}")
        Appointment.objects.filter(account=other, slot=slot).update(
            state=Appointment.State.CANCELLED
        )
    checks.append(check)

    # 6. Fuzz: NUL, control characters, overlong and odd unicode in every public form and the
    #    API; never a 5xx, never a traceback.
    check = Check("NUL/overlong/unicode fuzz")
    fresh = _session(url)
    targets: list[tuple[str, str, Callable[[str], dict[str, str]]]] = [
        ("get", "/consulta-rut/", lambda v: {"nit": v}),
        ("get", "/documentos/verificar/", lambda v: {"codigo": v, "code": v}),
        (
            "post",
            "/mi-rut/ingresar/",
            lambda v: {"document_type": v, "document_number": v, "password": v},
        ),
        (
            "post",
            "/mi-rut/registro/",
            lambda v: {
                "document_type": "13",
                "document_number": v,
                "first_name": v,
                "last_name": v,
                "email": v,
                "mobile": v,
                "accept_policy": "on",
            },
        ),
        ("post", "/mi-rut/recuperar/", lambda v: {"document_type": "13", "document_number": v}),
        (
            "post",
            "/mi-rut/activar/",
            lambda v: {"document_type": "13", "document_number": v, "code": v},
        ),
        ("post", "/admin/login/", lambda v: {"username": v, "password": v}),
    ]
    api_paths = ["/api/v1/rut/{v}/", "/api/v1/registry/{v}/", "/api/v1/cases/{v}/", "/api/v1/{v}"]
    for _ in range(SCALE):
        for value in FUZZ:
            for method, path, build in targets:
                if method == "get":
                    answer = fresh.get(url + path, params=build(value), timeout=30)
                else:
                    answer = _post(fresh, url + path, build(value))
                check.record(
                    answer.status_code >= 500, f"{path} {value[:12]!r}: {answer.status_code}"
                )
            for template in api_paths:
                path = template.format(v=requests.utils.quote(value[:300], safe=""))
                answer = requests.get(url + path, timeout=30)
                check.record(answer.status_code >= 500, f"{path[:40]}: {answer.status_code}")
            for body in ({"nit": value}, {"document_number": value, "name": value}, value):
                answer = requests.post(url + "/api/v1/orders/", json=body, timeout=30)
                check.record(
                    answer.status_code >= 500, f"orders {value[:12]!r}: {answer.status_code}"
                )
    checks.append(check)

    # 6b. The same fuzz in every form a signed-in citizen or official reaches, found by walking
    #     their pages, then again in the forms the accepted submissions opened (a filing to sign).
    rng = random.Random(17)
    per_form = SCALE  # hostile values per form (each sent to all fields, then to one)
    citizen_start = (
        ["/mi-rut/", "/mi-rut/cuenta/", "/mi-rut/actualizar/", "/mi-rut/cancelacion/"]
        + [f"/mi-rut/actualizar/{section}/" for section in SECTIONS]
        + [f"/mi-rut/retiro/{kind}/" for kind in WITHDRAWAL_KINDS]
        + ["/mi-rut/citas/", "/mi-rut/citas/nueva/", "/mi-rut/cuenta/correo/"]
        + ["/mi-rut/cuenta/celular/", "/mi-rut/rut-en-una-fecha/", "/mi-rut/salud/correo/"]
    )
    wizard_start = ["/mi-rut/inscripcion/"] + [
        f"/mi-rut/inscripcion/{step}/" for step in INSCRIPTION_STEPS
    ]
    official_start = [
        "/admin/procedures/case/",
        "/admin/procedures/case/add/",
        "/admin/procedures/case/inscripcion-asistida/",
        "/admin/procedures/case/inscripcion-de-oficio/",
        f"/admin/procedures/case/{case.pk}/change/",
        f"/admin/registry/registrant/{case.registrant.pk}/change/",
        f"/admin/registry/registrant/{holder_rut.pk}/change/",
        "/admin/procedures/petition/",
        "/admin/procedures/petition/desde-el-exterior/",
        "/admin/mass_changes/masschange/",
        "/admin/mass_changes/masschange/add/",
        "/admin/portal/appointment/",
    ]
    official_prefixes = (
        "/admin/procedures/",
        "/admin/registry/registrant/",
        "/admin/mass_changes/",
        "/admin/portal/appointment/",
    )
    people = [
        ("citizen with a RUT", rut_holder, citizen_start, ("/mi-rut/",)),
        ("citizen's inscription wizard", citizen, wizard_start, ("/mi-rut/inscripcion/",)),
        ("official (funcionario)", own_seccional, official_start, official_prefixes),
        ("director", head, official_start, official_prefixes),
    ]
    for who, session, start, prefixes in people:
        check = Check(f"fuzz, forms of the {who}")
        fuzzed: set[tuple[str, tuple[str, ...]]] = set()
        for _round in range(2):
            forms = fuzz.discover_forms(session, url, start, prefixes, limit=40 * SCALE)
            # Forms that end what the others need (discard the draft, cancel, sign) go last.
            forms.sort(key=lambda f: any(w in f.action for w in fuzz.LAST))
            for number, form in enumerate(forms):
                key = (form.action, tuple(name for name, _v in form.fields))
                if key in fuzzed:
                    continue
                fuzzed.add(key)
                for value in fuzz.rotating(FUZZ, number, per_form):
                    for data, forged in fuzz.mutations(form, value, rng):
                        before = fuzz.row_counts()
                        note = f"{form.action} {value[:12]!r}"
                        try:
                            answer = session.post(
                                url + form.action, data=data, allow_redirects=False, timeout=30
                            )
                        except requests.Timeout:
                            check.record(True, f"{note}: no answer in 30 s")
                            continue
                        status = answer.status_code
                        note = f"{note}: {status}"
                        if status in (301, 302, 303):
                            check.record(False)  # accepted (odd unicode is a name too)
                            continue
                        touched = fuzz.changed(before, fuzz.row_counts())
                        check.record(
                            status >= 500
                            or bool(touched)
                            or not (forged or fuzz.is_refused_with_a_message(answer)),
                            f"{note} {touched or ''} {fuzz.describe(answer)}",
                        )
        check.record(not fuzzed, f"no form found for the {who}")
        check.name = f"fuzz, {len(fuzzed)} forms of the {who}"
        checks.append(check)

    # 6c. Every operation of the API's schema, with a token of each scope and without one.
    schema = requests.get(url + "/api/v1/schema/?format=json", timeout=30).json()
    known = {"number": case.number, "nit": case.registrant.nit}
    for scope, token in [*tokens.items(), ("", "")]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        api = fuzz.operations(schema)
        check = Check(f"fuzz, {len(api)} API operations, {scope or 'no'} token")
        for number, operation in enumerate(api):
            for value in fuzz.rotating(FUZZ, number, per_form):
                for path, kwargs in fuzz.api_requests(schema, operation, value, known):
                    kwargs["headers"].update(headers)
                    before = fuzz.row_counts()
                    note = f"{operation.method} {path[:50]} {value[:12]!r}"
                    try:
                        answer = requests.request(
                            operation.method,
                            url + path,
                            timeout=30,
                            allow_redirects=False,
                            **kwargs,
                        )
                    except requests.Timeout:
                        check.record(True, f"{note}: no answer in 30 s")
                        continue
                    status = answer.status_code
                    if status < 400:
                        check.record(False)
                        continue
                    touched = fuzz.changed(before, fuzz.row_counts())
                    check.record(
                        status >= 500 or bool(touched) or not fuzz.precise_api_error(answer),
                        f"{note}: {status} {touched or ''} {fuzz.describe(answer)}",
                    )
        checks.append(check)

    # 7. Audit tampering with the application role's own credentials.
    check = Check("audit tampering as the application role")
    db = connection.settings_dict
    tamper = psycopg2.connect(
        dbname=db["NAME"],
        user=f"{db['NAME']}_app",
        password=PASSWORD_OF_APP_ROLE,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )
    tamper.autocommit = True
    statements = [
        "UPDATE {t} SET id = id",
        "DELETE FROM {t}",
        "TRUNCATE {t} CASCADE",
        "ALTER TABLE {t} DISABLE TRIGGER ALL",
        "DROP TABLE {t} CASCADE",
    ]
    for _ in range(SCALE):
        for table in append_only_tables():
            for statement in statements:
                sql = statement.format(t=table)
                try:
                    with tamper.cursor() as cursor:
                        cursor.execute(sql)
                except psycopg2.Error:
                    check.record(False)
                else:
                    check.record(True, f"succeeded: {sql}")
    tamper.close()
    checks.append(check)

    with capsys.disabled():
        elapsed = time.monotonic() - started
        print(f"\nattack campaign against gunicorn at {url} (scale {SCALE}): {elapsed:.0f} s")
        for c in checks:
            print(f"  {c.name:<48} tries {c.tries:>5}   failures {c.failures}")
            for note in c.notes:
                print(f"      {note}")
    assert [c.name for c in checks if c.failures] == []
    assert all(c.tries for c in checks)
