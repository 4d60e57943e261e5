"""Fixtures of the deadline tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rut_portal.celery import app as celery_app


@pytest.fixture(autouse=True)
def _tasks_in_process(request: pytest.FixtureRequest) -> Iterator[None]:
    """Queued tasks run here on commit, unless the test drives a real worker."""
    if request.node.get_closest_marker("redis"):
        yield
        return
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before
