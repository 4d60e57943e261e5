"""What keeps the public pages cheap per request (issue 18): one Redis client per process for the
lookup budget, the public lookup reading the public columns only, and the API's basic data built
without a serializer yet equal to what BasicDataSerializer gives."""

from __future__ import annotations

from dataclasses import replace

import pytest
import redis
from django.db import connection
from django.template.loader import render_to_string
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_fsm import ConcurrentTransitionMixin

from api.common import BasicDataSerializer, basic_data
from api.public import basic_data_json
from portal import shells
from portal.public import views as public_views
from portal.public.forms import RutLookupForm
from portal.public.views import PublicRecord
from procedures.models import Case
from registry import reference_cache
from registry.models import Municipality, Registrant
from registry.selectors import public_registrant_by_nit, with_places
from registry.services.states import change_state
from tests.factories import make_legal, make_natural

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings):
    """The test Redis as the shared cache, under a prefix of this module's own."""
    prefix = "page-costs"
    config = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=config):
        yield config
    server = redis.Redis.from_url(settings.REDIS_URL)
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


@pytest.mark.redis
def test_the_lookup_budget_counts_through_one_redis_client_per_process(
    redis_cache, client, monkeypatch
) -> None:
    registrant = make_natural()
    built = []
    original = redis.Redis.__init__

    def counting_init(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting_init)

    statuses = [
        client.get(f"/api/v1/rut/{registrant.nit}/").status_code,
        client.get(f"/consulta-rut/?nit={registrant.nit}").status_code,
        client.get(f"/api/v1/rut/{registrant.nit}/").status_code,
    ]

    assert statuses == [200, 200, 200]
    assert len(built) == 1  # Django's cache client builds one per command: six here
    server = redis.Redis.from_url(redis_cache["default"]["LOCATION"])
    (key,) = server.keys("page-costs:*throttle_rut_lookup_*")
    assert server.get(key) == b"3"  # one budget for the page and the API
    assert 0 < server.ttl(key) <= 61


@pytest.mark.redis
def test_each_lookup_is_counted_by_one_redis_command(redis_cache, client, monkeypatch) -> None:
    registrant = make_natural()
    server = redis.Redis.from_url(redis_cache["default"]["LOCATION"])
    server.script_flush()  # as after a restart: the first count sends the script itself
    sent = []
    original = redis.Redis.execute_command

    def recording(self, *args, **options):
        sent.append(args[0])
        return original(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", recording)

    statuses = [client.get(f"/consulta-rut/?nit={registrant.nit}").status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert sent == ["EVALSHA", "EVAL", "EVALSHA", "EVALSHA"]  # not MULTI, SET, INCR, EXEC
    (key,) = server.keys("page-costs:*throttle_rut_lookup_*")
    assert server.get(key) == b"3"
    assert 0 < server.ttl(key) <= 61


def test_the_public_lookup_reads_no_reserved_column() -> None:
    registrant = make_natural(email="reservado@example.co", phone_1="3001234567")
    assert registrant.nit is not None

    with CaptureQueriesContext(connection) as captured:
        found = public_registrant_by_nit(registrant.nit)

    assert found is not None and found.document_number == registrant.document_number
    (query,) = captured.captured_queries
    assert '"email"' not in query["sql"] and '"phone_1"' not in query["sql"]
    assert found.display_name == registrant.display_name
    assert found.formatted_nit == registrant.formatted_nit


def test_a_municipio_this_process_has_not_cached_is_read_from_the_database() -> None:
    registrant = make_natural()
    assert registrant.nit is not None and registrant.department_id is not None
    reference_cache.table(Municipality)  # cached before another process adds a municipio
    # bulk_create sends no post_save: this process's cache does not hear of it.
    Municipality.objects.bulk_create(
        [Municipality(code="99999", name="Municipio Nuevo", department_id=registrant.department_id)]
    )
    Registrant.objects.filter(pk=registrant.pk).update(municipality_id="99999")
    assert reference_cache.get(Municipality, "99999") is None

    found = public_registrant_by_nit(registrant.nit)

    assert found is not None and found.municipality is not None
    assert found.municipality.name == "Municipio Nuevo"


@pytest.mark.parametrize("make", [make_natural, make_legal])
def test_the_apis_basic_data_is_what_the_serializer_gives(make) -> None:
    registrant = with_places(make())
    assert registrant.nit is not None
    found = public_registrant_by_nit(registrant.nit)
    assert found is not None

    expected = BasicDataSerializer(basic_data(registrant)).data

    assert basic_data_json(found) == expected
    assert list(basic_data_json(found)) == list(expected)  # same order of keys too


def test_the_home_page_is_rendered_once_per_process(client) -> None:
    public_views._home_pages.clear()  # as in a new process

    first = client.get("/")
    again = client.get("/")

    assert first.status_code == again.status_code == 200
    assert [t.name for t in first.templates][:1] == ["registry/home.html"]
    assert again.templates == []  # served as rendered
    assert again.content == first.content
    assert again["Content-Type"] == "text/html; charset=utf-8"


def test_the_lookup_page_is_rendered_once_and_only_its_values_on_every_request(client) -> None:
    registrant = make_natural(first_name="MARTA", other_names="", second_surname="")
    shells._frames.clear()  # as in a new process
    shells._parts.clear()

    first = client.get("/consulta-rut/", {"nit": registrant.nit})
    again = client.get("/consulta-rut/", {"nit": registrant.nit})

    assert "registry/rut_lookup.html" in [t.name for t in first.templates]
    assert "registry/_rut_lookup_part.html" in [t.name for t in first.templates]
    assert again.templates == []  # the frame and the part as rendered, the values filled in
    assert again.content == first.content
    html = again.content.decode()
    assert html.count("<title>Consulta del estado del RUT · Portal RUT</title>") == 1
    assert html.count('<h2 id="record-title" class="record__name">MARTA ') == 1
    assert f'value="{registrant.nit}"' in html
    assert 'aria-current="page">Consultar RUT</a>' in html


def test_each_lookup_shows_its_own_inscrito(client) -> None:
    marta = make_natural(first_name="MARTA", other_names="", second_surname="")
    legal = make_legal()

    first = client.get("/consulta-rut/", {"nit": marta.nit}).content.decode()
    second = client.get("/consulta-rut/", {"nit": legal.nit}).content.decode()

    assert marta.display_name in first and legal.display_name not in first
    assert legal.display_name in second and marta.display_name not in second
    assert f'value="{legal.nit}"' in second and f'value="{marta.nit}"' not in second


_DOMESTIC = PublicRecord(
    nit="52.111.222-3",
    identification_number="52111222",
    name="MARTA <b>PÉREZ</b> & \"HIJOS\" 'SAS'",
    address="CL 10 # 5-20",
    municipality="BOGOTÁ, D.C.",
    department="BOGOTÁ",
    country="",
    state="active",
    state_label="Activo",
    state_note="La inscripción en el RUT está vigente.",
)


@pytest.mark.parametrize(
    "record",
    [
        _DOMESTIC,
        replace(_DOMESTIC, country="Francia", municipality="", department=""),
        replace(_DOMESTIC, address="", municipality="", department="", state="suspended"),
    ],
)
@pytest.mark.parametrize("typed", ["52111222", "  52.111.222-3 ", "<i>\"52&111'</i>"])
@pytest.mark.parametrize("language", ["es-co", "en"])
def test_the_found_part_is_the_template_rendered_in_full(record, typed, language) -> None:
    with translation.override(language):
        form = RutLookupForm({"nit": typed})
        assert form.is_valid()
        context = {"form": form, "record": record, "not_found": False}
        expected = render_to_string(public_views.LOOKUP_PART, context)

        part = public_views._FOUND_PART.render({}, {"typed": typed, **vars(record)})

    assert part == expected


@pytest.mark.parametrize("typed", ["800197268", " 8001972<b>\"&' "])
def test_the_not_found_and_empty_parts_are_the_template_rendered_in_full(typed) -> None:
    form = RutLookupForm({"nit": typed})
    assert form.is_valid()
    searched = form.cleaned_data["nit"]
    context = {"form": form, "record": None, "not_found": True, "searched": searched}
    empty = {"form": RutLookupForm(), "record": None, "not_found": False}

    part = public_views._NOT_FOUND_PART.render({}, {"typed": typed, "searched": searched})

    assert part == render_to_string(public_views.LOOKUP_PART, context)
    expected_empty = render_to_string(public_views.LOOKUP_PART, empty)
    assert public_views._EMPTY_PART.render({}, {}) == expected_empty


def test_a_state_change_shows_at_once_on_the_lookup_page_and_the_api(client, official) -> None:
    registrant = make_natural(by=official)
    assert "Activo" in client.get("/consulta-rut/", {"nit": registrant.nit}).content.decode()

    change_state(registrant, transition_name="suspend", by=official)

    html = client.get("/consulta-rut/", {"nit": registrant.nit}).content.decode()
    api = client.get(f"/api/v1/rut/{registrant.nit}/").json()
    assert '<span class="badge badge--suspended">Suspendido</span>' in html
    assert "La inscripción está suspendida." in html
    assert (api["state"], api["state_display"]) == ("suspended", "Suspendido")


def test_each_language_gets_its_own_frame(rf) -> None:
    shells._frames.clear()
    request = rf.get("/consulta-rut/")

    with translation.override("es-co"):
        spanish = public_views.LOOKUP_PAGE.response(request, "<p>parte</p>")
    with translation.override("en"):
        english = public_views.LOOKUP_PAGE.response(request, "<p>part</p>")

    assert {language for _template, language in shells._frames} == {"es-co", "en"}
    assert b"<p>parte</p>" in spanish.content and b"<p>part</p>" not in spanish.content
    assert b"<p>part</p>" in english.content


def test_a_case_finds_its_state_field_once_per_process() -> None:
    found_by_django_fsm = list(ConcurrentTransitionMixin.state_fields.fget(Case()))  # type: ignore[attr-defined]

    assert list(Case().state_fields) == found_by_django_fsm == [Case._meta.get_field("state")]
    assert Case().state_fields is Case().state_fields
