"""Pages under HTTP load: gunicorn and wrk, each page against a trivial Django view.

Starts gunicorn (production settings with DEBUG off, plus bench/http_site/settings.py: a trivial
view at /bench/trivial/ and a statement counter answered only when asked) on a bench database of
N inscritos, then drives each page with wrk, interleaved with the trivial view (A/B, the order
reversed every other round). Prints per path: requests/s, p50/p99, CPU ms per request of the
gunicorn workers and of the PostgreSQL backends serving them (both read from /proc), statements
per request, and the ratio of the worker CPU to the trivial view's in the same rounds, beside
its target. The pages that run one statement are measured beside their floor, the trivial view
plus that statement (and the lookup budget's count in Redis): the part of their ratio no page
code can remove. Writes bench/results/http_load.json.

    createdb -h 127.0.0.1 -U postgres rut_http_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/rut_http_bench
    export CACHE_URL=redis://127.0.0.1:6379/1       # where the lookup throttle counts
    python manage.py migrate && python manage.py load_reference_data
    python bench/http_load.py                          # 1,000,000 inscritos, 3 rounds of 10 s
    python bench/http_load.py --small                  # 20,000 inscritos, 2 rounds of 3 s
    python bench/http_load.py --reuse                  # keep the inscritos already loaded
    python bench/http_load.py --small --only "mi rut"  # one page (names as printed)
    python bench/http_load.py --reuse --only verificar # a page and its floor

Loading empties the registry (bench/registry_lookup.py's COPY loader), so it runs only on a
database whose name contains "bench"; then the demo data (load_demo_data: the demo citizen signs
in to Mi RUT), 5,000 cases for the inbox (bench/admin_lists.py's loader; its official of
seccional 32 sees 50 rows on the first page) and one Formulario 001 PDF to verify are added.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, setup_django, write_json  # noqa: E402

WRK = shutil.which("wrk") or "/usr/bin/wrk"
CASES = 5_000
INBOX_ROWS = 50
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    target_ratio: float | None  # worker CPU per request ÷ the trivial view's
    max_statements: int | None = None
    cookie: str = ""
    expect: str = ""  # text the page must contain, so a login page is never measured
    rows: int | None = None  # result rows an admin list must show
    floor: str = ""  # the page measured beside it: the trivial view plus this page's statement


@dataclass
class Run:
    requests: int = 0
    seconds: float = 0.0
    worker_ticks: int = 0
    db_ticks: int = 0
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"p50": [], "p99": []})
    errors: int = 0

    def add(self, other: Run) -> None:
        self.requests += other.requests
        self.seconds += other.seconds
        self.worker_ticks += other.worker_ticks
        self.db_ticks += other.db_ticks
        self.errors += other.errors
        for key, values in other.latencies.items():
            self.latencies[key].extend(values)

    def cpu_ms(self, ticks: int) -> float:
        return ticks / CLOCK_TICKS * 1000 / max(self.requests, 1)


# --- Data -----------------------------------------------------------------------------------------


def prepare(inscritos: int, *, reuse: bool, seed: int) -> dict[str, Any]:
    """Load what the pages show; return the keys they are asked for."""
    from django.core.management import call_command
    from django.db import connection

    from bench import admin_lists, registry_lookup
    from demo.portal import DOCUMENT_NUMBER, DOCUMENT_TYPE
    from demo.registry import DEMO_PASSWORD
    from documents.services import formulario_001_pdf
    from procedures.models import Case
    from registry.models import Registrant
    from registry.selectors import registrant_by_document

    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit("Refusing to load a database whose name lacks 'bench': see bench/README.md.")
    loaded: dict[str, Any] = {}
    if not reuse and Registrant.objects.count() < inscritos:
        print(f"Loading {inscritos:,} inscritos...")
        loaded["inscritos"] = registry_lookup.load(inscritos, seed=seed)
    print("Loading the demo data (load_demo_data)...")
    call_command("load_demo_data", verbosity=0)
    users = admin_lists._ensure_users()
    loaded["cases"] = admin_lists.load_cases(
        Case.objects.count() + CASES if "inscritos" in loaded else CASES,
        officials=[users[admin_lists.OFFICIAL].pk, users[admin_lists.COLLEAGUE].pk],
        seed=seed,
    )
    citizen = registrant_by_document(DOCUMENT_TYPE, DOCUMENT_NUMBER)
    assert citizen is not None
    document = formulario_001_pdf(citizen.form_versions.latest("version"), copy=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nit FROM registry_registrant TABLESAMPLE SYSTEM (1) "
            "WHERE nit IS NOT NULL AND person_type = '2' LIMIT 1"
        )
        (nit,) = cursor.fetchone()
    return {
        "loaded": loaded,
        "inscritos": Registrant.objects.count(),
        "cases": Case.objects.count(),
        "nit": nit,
        "code": document.code,
        "code_display": document.code_display,
        "citizen": (DOCUMENT_TYPE, DOCUMENT_NUMBER, DEMO_PASSWORD),
        "official": (admin_lists.OFFICIAL, admin_lists.BENCH_PASSWORD),
    }


# --- gunicorn -------------------------------------------------------------------------------------


def bench_settings(static_root: str) -> dict[str, str]:
    """Production settings (DEBUG off, connections kept 60 s) on this machine's plain HTTP, with
    the trivial view beside the portal's URLs (also bench/page_profile.py's)."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.http_site.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SITE_URL": "https://rut.example.co",
        "STATIC_ROOT": static_root,
        # The throttle still counts every lookup in the shared cache; it must never refuse one.
        "PUBLIC_LOOKUP_RATE": "1000000000/minute",
        "LOG_LEVEL": "WARNING",
    }


def server_environment(static_root: str) -> dict[str, str]:
    """gunicorn's environment: bench_settings, and the shared cache the throttle counts in."""
    from django.conf import settings

    env = dict(os.environ)
    env.pop("REDIS_URL", None)  # no page measured here queues a task
    env.update(
        bench_settings(static_root),
        CACHE_URL=settings.CACHE_URL or os.environ.get("CACHE_URL", ""),
    )
    if not env["CACHE_URL"]:
        sys.exit("Set CACHE_URL (a Redis database of its own): the throttle counts there.")
    return env


def start_gunicorn(env: dict[str, str], *, port: int, workers: int) -> subprocess.Popen[bytes]:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "rut_portal.wsgi"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
            *("--worker-class", "sync", "--preload", "--no-control-socket"),
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/trivial/", timeout=2)
            return server
        except OSError:  # refused, reset, or a read timeout while the workers boot (load)
            time.sleep(0.5)
    server.kill()
    sys.exit("gunicorn did not answer within a minute")


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def ticks(pids: list[int]) -> dict[int, int]:
    """utime + stime of each process still alive."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        found[pid] = int(fields[11]) + int(fields[12])
    return found


def backend_pids() -> list[int]:
    """The PostgreSQL backends of the bench database other than this process's own."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


# --- Signing in -----------------------------------------------------------------------------------


class Session:
    """Cookies kept by hand: the server marks them Secure, which urllib would never send back."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if self.cookies:
            request.add_header("Cookie", self.header())
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:  # redirects and errors alike
            response = error
        for value in response.headers.get_all("Set-Cookie") or []:
            name, rest = value.split("=", 1)
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.read().decode(errors="replace")

    def post_form(self, path: str, fields: dict[str, str]) -> int:
        status, page = self.request(path)
        assert status == 200, (path, status)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"no CSRF token on {path}"
        status, _page = self.request(path, {"csrfmiddlewaretoken": token.group(1), **fields})
        return status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def signed_in_cookies(base: str, keys: dict[str, Any]) -> tuple[str, str]:
    document_type, document_number, password = keys["citizen"]
    citizen = Session(base)
    status = citizen.post_form(
        "/mi-rut/ingresar/",
        {"document_type": document_type, "document_number": document_number, "password": password},
    )
    assert status == 302, f"the demo citizen could not sign in ({status})"
    username, password = keys["official"]
    official = Session(base)
    status = official.post_form(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
    )
    assert status == 302, f"the bench official could not sign in ({status})"
    return citizen.header(), official.header()


# --- wrk ------------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def check_page(base: str, page: Page) -> tuple[int, list[str]]:
    """One request asking for the statement count; the page must answer 200 with its text."""
    request = urllib.request.Request(base + page.path, headers={"X-Bench-Statements": "1"})
    if page.cookie:
        request.add_header("Cookie", page.cookie)
    with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:
        body = response.read().decode(errors="replace")
        assert response.status == 200, (page.path, response.status)
        assert page.expect in body, f"{page.path} does not show {page.expect!r}"
        if page.rows is not None:
            rows = body.count('<th class="field-')  # the first cell of each row
            assert rows == page.rows, f"{page.path} shows {rows} rows, not {page.rows}"
        kinds = response.headers["X-Bench-Statement-Kinds"].split()
        return int(response.headers["X-Bench-Statements"]), kinds


def run_wrk(base: str, page: Page, *, seconds: int, connections: int, master: int) -> Run:
    workers = worker_pids(master)
    backends = backend_pids()
    before_workers, before_db = ticks(workers), ticks(backends)
    command = [WRK, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if page.cookie:
        command += ["-H", f"Cookie: {page.cookie}"]
    began = time.perf_counter()
    output = subprocess.run(
        [*command, base + page.path], capture_output=True, text=True, check=True
    ).stdout
    elapsed = time.perf_counter() - began
    after_workers = ticks(workers)
    after_db = ticks(list({*backends, *backend_pids()}))
    run = Run(seconds=elapsed)
    run.requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    run.errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        run.errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    for key, label in (("p50", "50%"), ("p99", "99%")):
        match = re.search(rf"^\s+{label}\s+(\S+)", output, re.MULTILINE)
        assert match, output
        run.latencies[key].append(_ms(match.group(1)))
    run.worker_ticks = sum(after_workers[p] - before_workers.get(p, 0) for p in after_workers)
    run.db_ticks = sum(after_db[p] - before_db.get(p, 0) for p in after_db)
    return run


# --- Main -----------------------------------------------------------------------------------------


LOOKUP_FLOOR = "floor: lookup's statement + count"
VERIFICATION_FLOOR = "floor: verificar's statement"


def pages(keys: dict[str, Any], citizen: str, official: str) -> list[Page]:
    nit, code = keys["nit"], keys["code"]
    return [
        Page("home", "/", 1.5, expect="Consulta"),
        Page("consulta-rut", f"/consulta-rut/?nit={nit}", 2.0, expect="Estado", floor=LOOKUP_FLOOR),
        Page("api rut", f"/api/v1/rut/{nit}/", 2.0, expect=f'"{nit}', floor=LOOKUP_FLOOR),
        # The trivial view plus the lookup budget counted and the public lookup's statement
        # (bench/http_site/urls.py): no target, it shows the floor of the two pages' target.
        Page(LOOKUP_FLOOR, f"/bench/floor/lookup/{nit}/", None, expect="ok"),
        Page(
            "verificar",
            f"/documentos/verificar/{code}/",
            1.5,
            expect=keys["code_display"],
            floor=VERIFICATION_FLOOR,
        ),
        Page(VERIFICATION_FLOOR, f"/bench/floor/verificar/{code}/", None, expect="ok"),
        Page("mi rut", "/mi-rut/", 5.0, max_statements=5, cookie=citizen, expect="Mi RUT"),
        Page(
            "inbox 50 rows",
            "/admin/procedures/case/",
            10.0,
            cookie=official,
            expect="result",
            rows=INBOX_ROWS,
        ),
        # The same admin page with a search nothing matches: its cost without rows, what no
        # work on the rows can take away (no target: it shows the floor of the inbox's target).
        Page(
            "inbox no rows",
            "/admin/procedures/case/?q=sin-resultados",
            None,
            cookie=official,
            expect="changelist",
            rows=0,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inscritos", type=int, default=1_000_000)
    parser.add_argument("--small", action="store_true", help="20,000 inscritos, 2 rounds of 3 s")
    parser.add_argument("--reuse", action="store_true", help="keep the inscritos loaded")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--seed", type=int, default=2460)
    parser.add_argument("--only", default="", help="comma-separated page names, e.g. 'mi rut'")
    args = parser.parse_args()
    if args.small:
        args.inscritos, args.rounds, args.seconds = 20_000, 2, 3

    setup_django()
    keys = prepare(args.inscritos, reuse=args.reuse, seed=args.seed)
    print(f"{keys['inscritos']:,} inscritos, {keys['cases']:,} cases; NIT {keys['nit']}")
    static_root = tempfile.mkdtemp(prefix="rut-bench-static-")
    server = start_gunicorn(server_environment(static_root), port=args.port, workers=args.workers)
    base = f"http://127.0.0.1:{args.port}"
    try:
        citizen, official = signed_in_cookies(base, keys)
        trivial = Page("trivial view", "/bench/trivial/", None, expect="ok")
        every_page = pages(keys, citizen, official)
        measured = every_page
        if args.only:
            wanted = {name.strip() for name in args.only.split(",")}
            wanted |= {p.floor for p in every_page if p.name in wanted and p.floor}
            measured = [p for p in every_page if p.name in wanted]
            if not measured:
                raise SystemExit(f"--only matches none of {[p.name for p in every_page]}")
        for page in [trivial, *measured]:  # each answers 200 with its text
            check_page(base, page)
        results = {p.name: Run() for p in measured}
        paired = {p.name: Run() for p in measured}  # the trivial runs beside each page
        overall = Run()
        options = {"seconds": args.seconds, "connections": args.connections, "master": server.pid}
        for page in [trivial, *measured]:  # warm every worker: imports, plans, caches
            run_wrk(base, page, **{**options, "seconds": 1})
        # In steady state: not the first page after signing in, not a cold per-process cache.
        statements = {p.name: check_page(base, p) for p in [trivial, *measured]}
        for round_number in range(args.rounds):
            order = measured if round_number % 2 == 0 else measured[::-1]
            for page in order:
                pair = [trivial, page] if round_number % 2 == 0 else [page, trivial]
                for step in pair:
                    run = run_wrk(base, step, **options)
                    (paired if step is trivial else results)[page.name].add(run)
                    if step is trivial:
                        overall.add(run)
                print(f"  round {round_number + 1}: {page.name} done", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)

    report = summarise(measured, results, paired, overall, statements)
    report["settings"] = {**vars(args), "inscritos_in_database": keys["inscritos"]}
    report["data"] = {k: v for k, v in keys.items() if k in ("loaded", "cases", "nit", "code")}
    print(f"\nWrote {write_json('http_load', report)}")
    failed = [name for name, row in report["pages"].items() if not row["meets_target"]]
    if failed:
        print("Over target: " + ", ".join(failed))


def summarise(
    measured: list[Page],
    results: dict[str, Run],
    paired: dict[str, Run],
    overall: Run,
    statements: dict[str, tuple[int, list[str]]],
) -> dict[str, Any]:
    from bench.common import percentile

    def row(run: Run, base: Run | None) -> dict[str, Any]:
        cpu = run.cpu_ms(run.worker_ticks)
        return {
            "requests_per_s": round(run.requests / run.seconds, 1),
            "p50_ms": round(percentile(run.latencies["p50"], 0.5), 2),
            "p99_ms": round(percentile(run.latencies["p99"], 0.5), 2),
            "cpu_ms_per_request": round(cpu, 2),
            "db_cpu_ms_per_request": round(run.cpu_ms(run.db_ticks), 2),
            "requests": run.requests,
            "errors": run.errors,
            "ratio": round(cpu / base.cpu_ms(base.worker_ticks), 2) if base else None,
        }

    width = max(len(name) for name in ["trivial view", *results]) + 2
    header = (
        f"{'path':<{width}}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'CPU ms':>8}{'DB ms':>7}"
        f"{'stmts':>6}{'× triv':>8}{'target':>14}  writes on GET, floor's × triv"
    )
    print("\n" + header + "\n" + "-" * len(header))
    trivial_row = row(overall, None)
    count, _kinds = statements["trivial view"]
    print(
        f"{'trivial view':<{width}}{trivial_row['requests_per_s']:>8}{trivial_row['p50_ms']:>8}"
        f"{trivial_row['p99_ms']:>8}{trivial_row['cpu_ms_per_request']:>8}"
        f"{trivial_row['db_cpu_ms_per_request']:>7}{count:>6}"
    )
    rows: dict[str, Any] = {}
    for page in measured:
        data = row(results[page.name], paired[page.name])
        count, kinds = statements[page.name]
        writes = [k for k in kinds if k in ("INSERT", "UPDATE", "DELETE")]
        within = data["ratio"] <= page.target_ratio if page.target_ratio else True
        if page.max_statements is not None:
            within = within and count <= page.max_statements and not writes
        data.update(
            statements=count,
            statement_kinds=kinds,
            target_ratio=page.target_ratio,
            max_statements=page.max_statements,
            writes_on_get=writes,
            meets_target=within and data["errors"] == 0,
        )
        rows[page.name] = data
    for page in measured:
        data, count = rows[page.name], statements[page.name][0]
        if page.floor:
            data["floor_ratio"] = rows[page.floor]["ratio"]
        target = (f"≤{page.target_ratio}×" if page.target_ratio else "—") + (
            f", ≤{page.max_statements} st" if page.max_statements else ""
        )
        print(
            f"{page.name:<{width}}{data['requests_per_s']:>8}{data['p50_ms']:>8}"
            f"{data['p99_ms']:>8}{data['cpu_ms_per_request']:>8}"
            f"{data['db_cpu_ms_per_request']:>7}{count:>6}{data['ratio']:>8}{target:>14}"
            f"  {' '.join(data['writes_on_get']) or '-'}"
            + (f", floor {data['floor_ratio']}×" if page.floor else "")
            + ("" if data["meets_target"] else "  OVER")
        )
    return {"trivial": trivial_row, "pages": rows}


if __name__ == "__main__":
    main()
