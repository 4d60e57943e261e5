"""NIT and Formulario 001 numbering under real concurrency on PostgreSQL.

16 allocators, each a thread with its own database connection, draw thousands of numbers from the
sequences and register a few hundred legal entities at the same time. No number may be handed
out twice, and a number drawn by a transaction that rolled back is never handed out again.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.db import connection, transaction

from registry.models import FormVersion, Registrant
from registry.nit import allocate_form_number, allocate_nit, is_valid_form_number
from registry.services.registration import register_registrant
from tests.factories import legal_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ALLOCATORS = 16
BARE_NITS_EACH = 250  # 4,000 NITs drawn on their own
BARE_FORM_NUMBERS_EACH = 50
REGISTRATIONS_EACH = 20  # 320 full inscriptions: 320 more NITs and 640 form versions


class Rollback(Exception):
    pass


@dataclass
class Draws:
    nits: list[int] = field(default_factory=list)
    form_numbers: list[str] = field(default_factory=list)
    rolled_back_nits: list[int] = field(default_factory=list)
    registrant_ids: list[int] = field(default_factory=list)


def allocator(start: threading.Barrier) -> Draws:
    """One concurrent allocator; Django gives each thread its own connection, closed at the end."""
    draws = Draws()
    try:
        start.wait()
        for i in range(BARE_NITS_EACH):
            draws.nits.append(int(allocate_nit().number))
            if i < BARE_FORM_NUMBERS_EACH:
                draws.form_numbers.append(allocate_form_number())
            if i % 50 == 0:
                try:
                    with transaction.atomic():
                        draws.rolled_back_nits.append(int(allocate_nit().number))
                        raise Rollback
                except Rollback:
                    pass
        for _ in range(REGISTRATIONS_EACH):
            registrant = register_registrant(
                legal_data(), by=None, bank_certificate_date=date.today()
            )
            assert registrant.nit is not None
            draws.registrant_ids.append(registrant.pk)
            draws.nits.append(int(registrant.nit))
        return draws
    finally:
        connection.close()


def duplicates(values: Sequence[Hashable]) -> list[Hashable]:
    return [value for value, count in Counter(values).items() if count > 1]


def test_sixteen_concurrent_allocators_never_hand_out_a_number_twice(
    reference_data, settings
) -> None:
    before = int(allocate_nit().number)
    start = threading.Barrier(ALLOCATORS, timeout=60)

    with ThreadPoolExecutor(max_workers=ALLOCATORS) as pool:
        results = list(pool.map(allocator, [start] * ALLOCATORS))

    nits = [n for draws in results for n in draws.nits]
    rolled_back = [n for draws in results for n in draws.rolled_back_nits]
    assert len(nits) == ALLOCATORS * (BARE_NITS_EACH + REGISTRATIONS_EACH)
    assert duplicates(nits + rolled_back) == []
    assert all(before < n <= settings.NIT_RANGE_END for n in nits + rolled_back)
    # nextval() is monotonic, so every allocator saw its own numbers strictly increase.
    assert all(
        draws.nits[:BARE_NITS_EACH] == sorted(set(draws.nits[:BARE_NITS_EACH])) for draws in results
    )

    registrants = Registrant.objects.filter(pk__in=[i for d in results for i in d.registrant_ids])
    stored_nits = list(registrants.values_list("nit", flat=True))
    assert len(stored_nits) == ALLOCATORS * REGISTRATIONS_EACH
    assert duplicates(stored_nits) == []
    assert set(registrants.values_list("state", flat=True)) == {Registrant.State.ACTIVE}

    stored_forms = list(FormVersion.objects.values_list("form_number", flat=True))
    drawn_forms = [f for draws in results for f in draws.form_numbers]
    assert len(stored_forms) == 2 * ALLOCATORS * REGISTRATIONS_EACH
    assert duplicates(stored_forms + drawn_forms) == []
    assert all(is_valid_form_number(number) for number in stored_forms + drawn_forms)


def test_a_nit_drawn_in_a_rolled_back_transaction_is_never_handed_out_again(reference_data) -> None:
    try:
        with transaction.atomic():
            lost = int(allocate_nit().number)
            raise Rollback
    except Rollback:
        pass

    registrant = register_registrant(legal_data(), by=None, bank_certificate_date=date.today())

    assert registrant.nit is not None
    assert int(registrant.nit) > lost
    assert not Registrant.objects.filter(nit=str(lost)).exists()
