"""The fuzz half of the attack campaign: every form a signed-in person reaches, every API operation.

Forms are not listed by hand: `discover_forms` walks the pages a session can reach from a few
starting points and reads each `<form method="post">` (its fields, their current values and its
submit buttons), so a new form is fuzzed the day it ships. The API's operations come from its
OpenAPI schema (`/api/v1/schema/`), likewise. Each request sends a valid form (or body) with the
fields replaced by a hostile value: NUL, control characters, overlong, odd unicode. The server
must never answer 5xx; a refused request must leave the main tables as they were and say why (a
Spanish field error on a page, a JSON error naming the field for the API).
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import requests
from django.apps import apps
from django.db import connection

FUZZ = [
    "\x00",
    "abc\x00def",
    "\x07\x1b[31m",
    "x" * 5000,
    "9" * 400,
    "Ñandú 🙂 \u202e\u0301",
    "'; DROP TABLE registry_auditentry; --",
    "%00%ff%fe",
    "../../etc/passwd",
    "<script>alert(1)</script>",
]
# The domain's apps: their rows are what a refused request must not touch.
DOMAIN_APPS = (
    "registry",
    "procedures",
    "portal",
    "mass_changes",
    "agreements",
    "documents",
    "deadlines",
    "accounts",
)
# Written by reading or by refusing, on purpose: the personal-data access log (art. 15 of Ley
# 1581), the agreements' query log, the first answer kept for an Idempotency-Key, and the
# inscription wizard's draft (kept as typed, errors included, so nothing is lost).
LOGS = {
    "registry_dataaccesslog",
    "agreements_querylog",
    "agreements_idempotencykey",
    "portal_draft",
}
# Pages a form is looked for on. Links are followed from here, within the same prefixes.
SKIPPED = ("salir", "logout", "/delete/", ".pdf", "/pdf/", ".csv", ".json", "/history/")
# Actions that close what other forms need: fuzzed after them.
LAST = ("descartar", "cancelar", "firmar", "salir")
ERROR_MARKERS = ('class="errorlist', "error-summary", 'class="errornote', 'role="alert"')


@dataclass
class Form:
    page: str
    action: str
    fields: list[tuple[str, str]]  # (name, value) of a valid-looking submission
    fuzzable: list[str]
    hidden: set[str] = field(default_factory=set)  # what a browser never lets a person type


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self._form = {
                "action": a.get("action", ""),
                "method": a.get("method", "get").lower(),
                "inputs": [],
                "buttons": [],
                "selects": {},
            }
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                self._form["buttons"].append((name, a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                self._form["inputs"].append((name, a.get("value", "on"), kind, "checked" in a))
            elif kind != "file":
                self._form["inputs"].append((name, a.get("value", ""), kind, True))
        elif tag == "button" and name:
            self._form["buttons"].append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = name
            self._form["selects"][name] = []
            self._form["inputs"].append((name, "", "select", True))
        elif tag == "option" and self._select is not None:
            options = self._form["selects"][self._select]
            options.append(a.get("value", ""))
            if "selected" in a:
                options.insert(0, options.pop())
        elif tag == "textarea" and name:
            self._textarea = name
            self._form["inputs"].append((name, "", "textarea", True))

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form is not None:
            inputs = self._form["inputs"]
            name, value, kind, on = inputs[-1]
            inputs[-1] = (name, value + data, kind, on)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _forms_of(page: str, parser: _Parser) -> Iterator[Form]:
    for raw in parser.forms:
        if raw["method"] != "post":
            continue
        action = urljoin(page, raw["action"] or page)
        base: list[tuple[str, str]] = []
        fuzzable: list[str] = []
        radios: set[str] = set()
        for name, value, kind, on in raw["inputs"]:
            if kind == "select":
                options = [o for o in raw["selects"].get(name, []) if o] or [""]
                value = options[0]
            if kind == "radio":
                if name in radios or not on:
                    continue
                radios.add(name)
            elif kind == "checkbox" and not on:
                continue
            base.append((name, value))
            if name != "csrfmiddlewaretoken" and name not in fuzzable:
                fuzzable.append(name)
        for name, value, kind, _on in raw["inputs"]:
            if kind == "radio" and name not in radios:  # none checked: the first choice
                radios.add(name)
                base.append((name, value))
                fuzzable.append(name)
        hidden = {name for name, _v, kind, _on in raw["inputs"] if kind == "hidden"}
        # One target per submit button: "buscar" and "guardar" are different paths in a view.
        for button in raw["buttons"] or [None]:
            fields = base + ([button] if button else [])
            # The button's value is forged like a hidden field's (a form may have nothing else).
            pressed = [button[0]] if button and button[0] not in fuzzable else []
            yield Form(page, action, fields, fuzzable + pressed, hidden | set(pressed))


def discover_forms(
    session: requests.Session, url: str, start: list[str], prefixes: tuple[str, ...], limit: int
) -> list[Form]:
    """The POST forms on the pages reachable from `start` within `prefixes` (at most `limit`)."""
    seen: set[str] = set()
    queue = list(start)
    forms: list[Form] = []
    keys: set[tuple[str, tuple[str, ...]]] = set()
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        answer = session.get(url + path, allow_redirects=False, timeout=30)
        if answer.status_code != 200 or "html" not in answer.headers.get("Content-Type", ""):
            continue
        parser = _Parser()
        parser.feed(answer.text)
        for form in _forms_of(path, parser):
            key = (urlsplit(form.action).path, tuple(n for n, _v in form.fields))
            if key not in keys:
                keys.add(key)
                forms.append(form)
        for href in parser.links:
            target = urldefrag(urljoin(path, href))[0]
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith(prefixes):
                continue
            if any(s in target for s in SKIPPED) or target in seen:
                continue
            queue.append(target)
    return forms


def row_counts() -> dict[str, int]:
    """Rows of every table of the domain apps, in one statement (logs left out)."""
    tables = sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in DOMAIN_APPS
        and model._meta.managed
        and not model._meta.proxy
        and model._meta.db_table not in LOGS
    )
    sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return dict(zip(tables, row, strict=True))


def changed(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return [t for t in before if before[t] != after[t]]


def mutations(
    form: Form, value: str, rng: random.Random
) -> Iterator[tuple[dict[str, list[str]], bool]]:
    """The form with every field a person fills set to `value`, then with one field of all
    (hidden ones included) chosen at random; and whether a hidden field was forged (a page may
    then ignore the request instead of naming a field)."""
    visible = [name for name in form.fuzzable if name not in form.hidden]
    for targets in (visible, [rng.choice(form.fuzzable)] if form.fuzzable else []):
        if not targets:
            continue
        data: dict[str, list[str]] = {}
        for name, original in form.fields:
            data.setdefault(name, []).append(value if name in targets else original)
        yield data, any(name in form.hidden for name in targets)


def is_refused_with_a_message(answer: requests.Response) -> bool:
    """A 400 (the control-character page names the field), a 403 (not this person's to do), or
    the page again with its errors."""
    body = answer.text
    return answer.status_code in (400, 403) or any(marker in body for marker in ERROR_MARKERS)


# --- The API, from its schema -----------------------------------------------------------------


@dataclass
class Operation:
    method: str
    path: str  # with {parameters}
    path_params: list[str]
    query_params: list[str]
    body: str | None  # content type
    body_fields: dict[str, Any]  # property name -> schema


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    for key in ("allOf", "oneOf", "anyOf"):
        if key in node and node[key]:
            return _resolve(schema, node[key][0])
    return node


def operations(schema: dict[str, Any]) -> list[Operation]:
    found = []
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            params = spec.get("parameters", [])
            content = spec.get("requestBody", {}).get("content", {})
            body = next(iter(content), None)
            fields: dict[str, Any] = {}
            if body:
                node = _resolve(schema, content[body].get("schema", {}))
                fields = {
                    name: _resolve(schema, prop)
                    for name, prop in node.get("properties", {}).items()
                    if not prop.get("readOnly")
                }
            found.append(
                Operation(
                    method.upper(),
                    path,
                    [p["name"] for p in params if p["in"] == "path"],
                    [p["name"] for p in params if p["in"] == "query"],
                    body,
                    fields,
                )
            )
    return found


def json_value(schema: dict[str, Any], prop: dict[str, Any], value: str, depth: int = 0) -> Any:
    """`value` wherever `prop` holds a string, nested objects and lists included."""
    prop = _resolve(schema, prop)
    if depth < 4 and prop.get("type") == "object" and "properties" in prop:
        return {k: json_value(schema, v, value, depth + 1) for k, v in prop["properties"].items()}
    if depth < 4 and prop.get("type") == "array":
        return [json_value(schema, prop.get("items", {}), value, depth + 1)]
    return value


def api_requests(
    schema: dict[str, Any], operation: Operation, value: str, known: dict[str, str]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, requests keyword arguments) for `operation` with `value` in its inputs: once in the
    path parameters with the body left valid-looking, once in the body and query with the path
    on a real object."""
    quoted = requests.utils.quote(value[:300], safe="")
    for fuzz_path in (True, False):
        if fuzz_path and not operation.path_params:
            continue
        path = operation.path
        for name in operation.path_params:
            path = path.replace("{" + name + "}", quoted if fuzz_path else known.get(name, "1"))
        kwargs: dict[str, Any] = {
            "params": {name: value for name in operation.query_params},
            "headers": {"Idempotency-Key": str(uuid.uuid4())},
        }
        if operation.body == "application/json":
            kwargs["json"] = {
                k: json_value(schema, v, value) for k, v in operation.body_fields.items()
            } or {"value": value}
        elif operation.body:  # multipart: strings as fields, files as a small odd file
            data: dict[str, str] = {}
            files: dict[str, tuple[str, bytes, str]] = {}
            for name, prop in operation.body_fields.items():
                if prop.get("format") == "binary":
                    files[name] = (value[:100] or "x", value.encode()[:5000], "application/pdf")
                else:
                    data[name] = value
            kwargs["data"], kwargs["files"] = data, files or None
        yield path, kwargs


def precise_api_error(answer: requests.Response) -> bool:
    """A 4xx whose JSON body says what is wrong: a field name or a detail, with a message."""
    if answer.status_code == 414:
        return True  # gunicorn's limit on the request line, before the application
    try:
        body = answer.json()
    except ValueError:
        return False
    if not isinstance(body, dict) or not body:
        return False
    return all(
        (isinstance(v, str) and v) or (isinstance(v, list | dict) and v) for v in body.values()
    )


def rotating(values: list[str], start: int, size: int) -> list[str]:
    """`size` values of the list from `start` on, wrapping: every value gets its turn."""
    return [values[(start + i) % len(values)] for i in range(size)]


def describe(answer: requests.Response) -> str:
    return json.dumps(answer.text[:160])
