"""The RUT as it stood on a date: the Formulario 001 version then in force, with its period.

A version is "in force on a day" when it was the newest one at the end of that day (Bogotá
time); its period runs from the day it was issued to the day before the next version was
issued, or is open when it is still the current one. The certificate prints the chosen day and
that period ("vigente del … al …"), and gets its own content key and verification code.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from documents.contexts.common import DocumentKind, DocumentSpec, PublicFacts
from documents.contexts.formulario import formulario_001_spec
from registry.models import FormVersion


@dataclass(frozen=True)
class VersionPeriod:
    """A Formulario 001 version and the days it was in force (until None: still in force)."""

    version: FormVersion
    valid_from: date
    valid_until: date | None

    def text(self, *, issued_on: date) -> str:
        if self.valid_until is None:
            return _("Vigente del %(from)s a la fecha de expedición (%(issued)s)") % {
                "from": self.valid_from.strftime("%d/%m/%Y"),
                "issued": issued_on.strftime("%d/%m/%Y"),
            }
        return _("Vigente del %(from)s al %(until)s") % {
            "from": self.valid_from.strftime("%d/%m/%Y"),
            "until": self.valid_until.strftime("%d/%m/%Y"),
        }


def _end_of(day: date) -> datetime:
    """The first moment of the next day in Bogotá: versions before it were issued by `day`."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def version_period_on(registrant_id: int, day: date) -> VersionPeriod | None:
    """The version in force at the end of `day`, with its period; None before the first one."""
    version = (
        FormVersion.objects.filter(registrant_id=registrant_id, created_at__lt=_end_of(day))
        .select_related("registrant")
        .order_by("-version")
        .first()
    )
    if version is None:
        return None
    following = (
        FormVersion.objects.filter(registrant_id=registrant_id, version__gt=version.version)
        .order_by("version")
        .values_list("created_at", flat=True)
        .first()
    )
    until = timezone.localdate(following) - timedelta(days=1) if following else None
    return VersionPeriod(version, timezone.localdate(version.created_at), until)


def rut_as_of_spec(period: VersionPeriod, *, on: date, issued_on: date) -> DocumentSpec:
    """Certificado del RUT en una fecha: the version's Formulario 001 with its period printed."""
    spec = formulario_001_spec(period.version, copy=True)
    validity = period.text(issued_on=issued_on)
    legend = dict(spec.context["legend"])
    legend["note"] = (
        _("El RUT al %(on)s (versión %(v)s); no prueba su estado actual.")
        % {"on": on.strftime("%d/%m/%Y"), "v": period.version.version}
        + " "
        + legend["note"]
    )
    if legend.get("state_mark"):
        legend["note"] = f"{legend['state_mark']}. {legend['note']}"
    legend["state_mark"] = validity
    context = {
        **spec.context,
        "legend": legend,
        "as_of": {
            "on": on.isoformat(),
            "heading": _("RUT al %(on)s") % {"on": on.strftime("%d/%m/%Y")},
            "validity": validity,
        },
    }
    facts = PublicFacts(
        number=spec.facts.number,
        nit=spec.facts.nit,
        name=spec.facts.name,
        state=spec.facts.state,
        issued_on=issued_on,
        validity=validity,
    )
    return replace(
        spec,
        kind=DocumentKind.RUT_AS_OF,
        title=_("Certificado del RUT al %(on)s (Formulario 001 N.º %(n)s)")
        % {"on": on.strftime("%d/%m/%Y"), "n": period.version.form_number},
        context=context,
        facts=facts,
        # The certificate's own date: the day it is issued, at midnight (reproducible per day).
        created=timezone.make_aware(datetime.combine(issued_on, time.min)),
    )
