"""Named reads of the citizen portal, each scoped to the account that asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pycountry
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import CharField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value

from documents.formatting import country_co
from portal.health import possible_failures, probed_checks
from portal.models import Appointment, AppointmentReason, CitizenAccount, SignIn
from procedures.models import Case, CaseStep, Communication, OfficialFormat
from registry.models import (
    Department,
    DocumentType,
    EconomicActivity,
    FormVersion,
    Municipality,
    Registrant,
    Responsibility,
)
from registry.services.common import normalize_name
from rut_portal.prepared import Prepared, instance

INBOX_KINDS = (
    Communication.Kind.TO_REGISTRANT,
    Communication.Kind.TO_REQUESTER,
    Communication.Kind.REJECTION,
)


def natural_document_types() -> QuerySet[DocumentType]:
    return DocumentType.objects.filter(
        applies_to__in=[DocumentType.AppliesTo.NATURAL, DocumentType.AppliesTo.BOTH]
    ).exclude(code="43")


def departments() -> QuerySet[Department]:
    return Department.objects.order_by("name")


def municipalities_of(department: str) -> QuerySet[Municipality]:
    return Municipality.objects.filter(department_id=department, is_current=True).order_by("name")


@cache
def countries() -> list[tuple[str, str]]:
    """ISO 3166 countries with their Spanish names, Colombia first, then alphabetically."""
    others = sorted(
        ((c.alpha_2, country_co(c.alpha_2)) for c in pycountry.countries if c.alpha_2 != "CO"),
        key=lambda item: normalize_name(item[1]),
    )
    return [("CO", country_co("CO")), *others]


def municipality(code: str) -> Municipality | None:
    """A DIVIPOLA municipio with its departamento, or None."""
    return (
        Municipality.objects.select_related("department").filter(pk=code).first() if code else None
    )


def activity_name(code: str) -> str:
    return EconomicActivity.objects.filter(pk=code).values_list("name", flat=True).first() or ""


def responsibilities_by_code(codes: list[str]) -> dict[str, Responsibility]:
    return {r.code: r for r in Responsibility.objects.filter(pk__in=codes)}


def cases_of(account: CitizenAccount) -> QuerySet[Case]:
    """The cases the person filed, and those about their RUT, newest first."""
    scope = Q(requester_user_id=account.user_id)
    if account.registrant_id:
        scope |= Q(registrant_id=account.registrant_id)
    return (
        Case.objects.filter(scope)
        .select_related("registrant", "seccional")
        .order_by("-received_at", "-id")
    )


def case_of(account: CitizenAccount, number: str) -> Case | None:
    return (
        cases_of(account)
        .filter(number=number)
        .prefetch_related(
            Prefetch("steps", queryset=CaseStep.objects.order_by("at", "id")),
            "documents",
            "formats",
            Prefetch(
                "communications",
                queryset=Communication.objects.filter(kind__in=INBOX_KINDS),
            ),
        )
        .select_related("citizen_signature")
        .first()
    )


def inbox(account: CitizenAccount) -> list[Communication]:
    """Communications addressed to the person about their cases, newest first."""
    return list(
        Communication.objects.filter(kind__in=INBOX_KINDS, case__in=cases_of(account).values("pk"))
        .select_related("case")
        .prefetch_related(Prefetch("case__formats", queryset=OfficialFormat.objects.order_by("id")))
        .order_by("-created_at", "-id")
    )


def form_versions(registrant: Registrant) -> QuerySet[FormVersion]:
    return registrant.form_versions.order_by("-version")


def current_form_version(registrant: Registrant) -> FormVersion | None:
    return registrant.form_versions.order_by("-version").first()


def sign_ins(account: CitizenAccount, *, limit: int = 20) -> list[SignIn]:
    return list(account.sign_ins.order_by("-at", "-id")[:limit])


def appointments_of(account: CitizenAccount) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(account=account)
        .select_related("slot__seccional")
        .order_by("-slot__starts_at")
    )


@dataclass(frozen=True)
class NextAppointment:
    """What the Mi RUT home shows of the next booked videoatención."""

    starts_at: datetime
    reason: str

    @property
    def reason_label(self) -> str:
        return str(AppointmentReason(self.reason).label)


@dataclass(frozen=True)
class HomeFacts:
    """What the Mi RUT home reads besides its lists, in one statement."""

    held: frozenset[str]  # the codes of the responsibilities the account's RUT holds
    next_appointment: NextAppointment | None
    possible_failures: frozenset[str]  # for portal.health.rut_health(possible=...)


# Stand-ins for the values of the home's statements that vary: their SQL is compiled once.
_ACCOUNT, _NOW = -2460, datetime(1901, 1, 1, tzinfo=UTC)
_USER, _REGISTRANT = -2461, -2462


def _home_facts_query(account_id: int, now: datetime) -> QuerySet[Any]:
    """The statement of home_facts: building its five subqueries through the ORM cost a third
    of the page's CPU on every request, so it is compiled once (rut_portal.prepared)."""
    holds = Registrant.responsibilities.through.objects.filter(
        registrant_id=OuterRef("registrant_id")
    ).values("responsibility_id")
    upcoming = Appointment.objects.filter(
        account_id=OuterRef("pk"), state=Appointment.State.BOOKED, slot__starts_at__gt=now
    ).order_by("slot__starts_at")
    # SQLite (the embedded default for development) has no arrays: home_facts reads them apart.
    held = (
        ArraySubquery(holds)
        if connection.vendor == "postgresql"
        else Value(None, output_field=CharField())
    )
    return CitizenAccount.objects.filter(pk=account_id).values_list(
        held,
        Subquery(upcoming.values("slot__starts_at")[:1]),
        Subquery(upcoming.values("reason")[:1]),
        *possible_failures().values(),
    )


_HOME_FACTS = Prepared(_home_facts_query, _ACCOUNT, _NOW)


def home_facts(account: CitizenAccount, *, now: datetime) -> HomeFacts:
    """The RUT's responsibility codes, the next booked appointment's time and reason and which
    health checks may fail, in one SELECT."""
    ((held, starts_at, reason, *found),) = _HOME_FACTS.rows(account.pk, now)
    if held is None:  # not PostgreSQL
        held = Registrant.responsibilities.through.objects.filter(
            registrant_id=account.registrant_id
        ).values_list("responsibility_id", flat=True)
    appointment = NextAppointment(starts_at, reason) if starts_at else None
    possible = frozenset(name for name, hit in zip(probed_checks(), found, strict=True) if hit)
    return HomeFacts(frozenset(held), appointment, possible)


# What portal/_case_table.html shows of a case; the home lists this many.
_CASE_COLUMNS = ("id", "number", "case_type", "received_at", "state", "decision")
RECENT_CASES = 5


def _recent_cases_query(user_id: int, registrant_id: int | None) -> QuerySet[Any]:
    scope = Q(requester_user_id=user_id)
    if registrant_id is not None:
        scope |= Q(registrant_id=registrant_id)
    return (
        Case.objects.filter(scope)
        .order_by("-received_at", "-id")
        .values_list(*_CASE_COLUMNS)[:RECENT_CASES]
    )


_RECENT_CASES = Prepared(_recent_cases_query, _USER, _REGISTRANT)
_RECENT_CASES_NO_RUT = Prepared(lambda user_id: _recent_cases_query(user_id, None), _USER)


def recent_cases(account: CitizenAccount) -> list[Case]:
    """The first RECENT_CASES of cases_of(account), with only the columns the case table shows
    (the others are deferred)."""
    rows = (
        _RECENT_CASES.rows(account.user_id, account.registrant_id)
        if account.registrant_id
        else _RECENT_CASES_NO_RUT.rows(account.user_id)
    )
    return [instance(Case, _CASE_COLUMNS, row) for row in rows]
