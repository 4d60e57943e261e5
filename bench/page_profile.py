"""One page's CPU per request in this process, against the trivial view, and where it goes.

bench/http_load.py gives the figures the issue asks for (gunicorn, wrk, CPU read from /proc);
this is the quick loop for working on one page: it calls Django's WSGI handler directly with the
bench's settings (production's with DEBUG off, plus /bench/trivial/), on a database that
http_load.py has loaded, and prints the page's CPU per request beside the trivial view's
(measured before and after it) and their ratio. With --profile it prints cProfile's table.
cProfile's times are wall times and its overhead is per call, so read it for where the calls
go, and the ratio without it.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/rut_http_bench
    export CACHE_URL=redis://127.0.0.1:6379/1
    python bench/http_load.py --small                 # once: loads the bench database
    python bench/page_profile.py "/consulta-rut/?nit=1000003511"
    python bench/page_profile.py /admin/procedures/case/ --as official --profile
    python bench/page_profile.py /mi-rut/ --as citizen -n 500
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TRIVIAL = "/bench/trivial/"


def configure(static_root: str) -> None:
    """The settings bench/http_load.py gives gunicorn, for this process."""
    from bench.http_load import bench_settings

    os.environ.pop("REDIS_URL", None)
    os.environ.update(bench_settings(static_root))
    if not os.environ.get("CACHE_URL"):
        sys.exit("Set CACHE_URL (a Redis database of your own): the throttle counts there.")


def sign_in(who: str) -> str:
    """A Cookie header for the bench official or the demo citizen."""
    from django.contrib.auth.models import User
    from django.test import Client

    from bench import admin_lists
    from demo.portal import DOCUMENT_NUMBER, DOCUMENT_TYPE
    from demo.registry import DEMO_PASSWORD

    client = Client(HTTP_HOST="127.0.0.1")
    if who == "official":
        client.force_login(User.objects.get(username=admin_lists.OFFICIAL))
    else:
        fields = {
            "document_type": DOCUMENT_TYPE,
            "document_number": DOCUMENT_NUMBER,
            "password": DEMO_PASSWORD,
        }
        response = client.post("/mi-rut/ingresar/", fields)
        if response.status_code != 302:
            sys.exit(f"The demo citizen could not sign in ({response.status_code}).")
    return "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())


def caller(path: str, cookie: str) -> Callable[[], tuple[str, bytes]]:
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    route, _, query = path.partition("?")

    def call() -> tuple[str, bytes]:
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": route,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_ACCEPT_LANGUAGE": "es-CO",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
        }
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        status: list[str] = []

        def start_response(line: str, headers: Any, *_: Any) -> Callable[[bytes], object]:
            status.append(line)
            return lambda data: None

        body = handler(environ, start_response)
        content = b"".join(body)
        body.close()  # type: ignore[attr-defined]
        return status[0], content

    return call


def cpu_ms(call: Callable[[], object], requests: int) -> float:
    for _ in range(max(20, requests // 20)):
        call()
    start = time.process_time()
    for _ in range(requests):
        call()
    return (time.process_time() - start) / requests * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("path", help="the page, with its query string")
    parser.add_argument("--as", dest="who", choices=["citizen", "official"], default=None)
    parser.add_argument("-n", "--requests", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="print cProfile's table too")
    parser.add_argument("--sort", default="cumulative", help="cProfile's sort key")
    parser.add_argument("--top", type=int, default=60)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as static_root:
        configure(static_root)
        import django
        from django.core.management import call_command

        django.setup()
        call_command("collectstatic", interactive=False, verbosity=0)

        page = caller(args.path, sign_in(args.who) if args.who else "")
        trivial = caller(TRIVIAL, "")
        status, content = page()
        print(f"{args.path}: {status}, {len(content):,} bytes")
        if not status.startswith("200"):
            sys.exit(content[:500].decode(errors="replace"))
        before = cpu_ms(trivial, args.requests)
        measured = cpu_ms(page, args.requests)
        after = cpu_ms(trivial, args.requests)
        floor = (before + after) / 2
        print(
            f"trivial view {before:.3f} / {after:.3f} ms, page {measured:.3f} ms, "
            f"× trivial {measured / floor:.2f} (over it by {measured - floor:.3f} ms)"
        )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                page()
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
