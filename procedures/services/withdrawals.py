"""Withdrawal requests (retiro de IVA, retiro del impuesto al consumo): actualización cases that
may remove the responsibility they name, which no other actualización can (art. 13 par. 3)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from django.db import transaction

from procedures.models import Case, CaseType
from procedures.services.intake import CaseRequest, receive_case
from registry.responsibilities import WITHDRAWN_BY_REQUEST

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def receive_withdrawal(request: CaseRequest, *, responsibility: str, by: User | None) -> Case:
    """Activity 1 for a withdrawal request: an actualización case marked with what it withdraws.

    Granting it (processing.grant_case, or record_update) passes the mark to update_registrant,
    the only way 48 or 33 leave a record. The desk marks it with CaseRequest.withdrawal.
    """
    if request.case_type != CaseType.UPDATE or responsibility not in WITHDRAWN_BY_REQUEST:
        raise ValueError((request.case_type, responsibility))
    return receive_case(replace(request, withdrawal=responsibility), by=by)


def withdrawal_of(case: Case) -> str:
    """The responsibility a case withdraws by its own request, or "" for any other case."""
    return str(case.payload.get("withdrawal", ""))
