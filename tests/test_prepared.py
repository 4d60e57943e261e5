"""Statements compiled once per process (rut_portal.prepared) and the sessions read through one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from registry.models import FormVersion, Registrant
from rut_portal.prepared import Prepared, attnames, instance
from rut_portal.sessions import SessionStore
from tests.factories import make_natural

pytestmark = pytest.mark.django_db

_KEY = -2460


def test_each_run_takes_its_own_values() -> None:
    first, second = make_natural(), make_natural()
    nits = Prepared(lambda pk: Registrant.objects.filter(pk=pk).values_list("nit"), _KEY)

    assert nits.rows(first.pk) == [(first.nit,)]
    assert nits.rows(second.pk) == [(second.nit,)]
    assert nits.rows(0) == []


def test_the_fields_conversions_are_applied_as_the_orm_does() -> None:
    registrant = make_natural()
    snapshots = Prepared(
        lambda pk: (
            FormVersion.objects.filter(registrant_id=pk).order_by("version").values_list("snapshot")
        ),
        _KEY,
    )

    rows = snapshots.rows(registrant.pk)

    assert rows and all(isinstance(snapshot, dict) for (snapshot,) in rows)
    assert rows == list(
        FormVersion.objects.filter(registrant=registrant)
        .order_by("version")
        .values_list("snapshot")
    )


def test_a_stand_in_missing_from_the_sql_is_refused() -> None:
    fixed = Prepared(lambda pk: Registrant.objects.filter(pk=7).values_list("nit"), _KEY)

    with pytest.raises(ImproperlyConfigured, match="stand-ins \\[0\\]"):
        fixed.rows(7)


def test_an_instance_built_from_a_row_equals_the_orms() -> None:
    registrant = make_natural()
    columns = attnames(Registrant)
    row = Registrant.objects.filter(pk=registrant.pk).values_list(*columns).get()

    built = instance(Registrant, columns, row)

    loaded = Registrant.objects.get(pk=registrant.pk)
    assert [getattr(built, c) for c in columns] == [getattr(loaded, c) for c in columns]
    assert built._state.adding is False and built._state.db == "default"


def _saved_session() -> SessionStore:
    session = SessionStore()
    session["color"] = "azul"
    session.save()
    return session


def test_a_session_loads_its_data() -> None:
    key = _saved_session().session_key

    assert SessionStore(key).load() == {"color": "azul"}


def test_an_expired_session_is_not_loaded_and_its_key_forgotten() -> None:
    key = _saved_session().session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))

    session = SessionStore(key)

    assert session.load() == {}
    assert session.session_key is None


def test_a_request_without_a_session_key_reads_nothing(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert SessionStore(None).load() == {}
