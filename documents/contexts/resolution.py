"""The resolution that cancels an inscription in the RUT (modelo 6508)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from deadlines.rules import APPEAL
from documents.contexts.common import (
    DocumentKind,
    DocumentSpec,
    PublicFacts,
    as_dict,
    identity_from_version,
    local,
    seccional_line,
    text,
    user_name,
    version_in_force,
)
from documents.formatting import date_co
from procedures.models import (
    CANCELLATION_TYPES,
    Case,
    CaseType,
    Decision,
    OfficialFormat,
    RequesterKind,
)
from rut_portal.errors import DomainError

CANCELLATION_DONE = (Case.State.DECIDED, Case.State.COMMUNICATED, Case.State.CLOSED)


class NoApprovedCancellation(DomainError):
    """Only an approved cancellation has a resolution."""


def _case_documents(case: Case) -> list[str]:
    return [
        f"{d.get_kind_display()}{': ' + d.description if d.description else ''}"
        for d in case.documents.order_by("id")
    ]


def cancellation_resolution_spec(case: Case) -> DocumentSpec:
    """The resolution (modelo 6508) that cancels the inscription of an approved case."""
    if not (
        case.case_type in CANCELLATION_TYPES
        and case.decision == Decision.GRANTED
        and case.state in CANCELLATION_DONE
        and case.decided_at is not None
    ):
        raise NoApprovedCancellation(
            _("El trámite %(n)s no tiene una cancelación aprobada: no hay resolución que generar.")
            % {"n": case.number}
        )
    decided = local(case.decided_at)
    fmt = (
        case.formats.filter(kind__in=[OfficialFormat.Kind.F1529, OfficialFormat.Kind.F1271])
        .order_by("id")
        .first()
    )
    content = as_dict(fmt.content) if fmt else {}
    registrant = as_dict(content.get("registrant"))
    identity = identity_from_version(version_in_force(case.registrant_id, case.decided_at))
    name = text(registrant.get("name")) or identity["name"]
    nit = text(registrant.get("nit")) or identity["nit"]
    ex_officio = case.case_type == CaseType.CANCELLATION_EX_OFFICIO
    number = case.number
    act = " ".join(p for p in (case.act_number, date_co(case.act_date), case.act_issuer) if p)
    considerations = [
        _(
            "Que %(requester)s (%(kind)s) presentó la solicitud radicada con el número "
            "%(case)s el %(date)s, por la causal «%(cause)s»."
        )
        % {
            "requester": case.requester_name,
            "kind": case.get_requester_kind_display().lower(),
            "case": case.number,
            "date": date_co(case.received_at),
            "cause": case.get_cause_display(),
        },
    ]
    if act:
        considerations.append(
            _("Que la solicitud se soporta en el acto u orden %(act)s, debidamente ejecutoriado.")
            % {"act": act}
        )
    if text(case.facts):
        considerations.append(_("Que los hechos son los siguientes: %(f)s") % {"f": case.facts})
    evidence = _case_documents(case)
    if evidence:
        considerations.append(_("Que obran como pruebas: %(e)s.") % {"e": "; ".join(evidence)})
    considerations.append(
        _(
            "Que verificados los requisitos, la cancelación fue preparada por un funcionario y "
            "aprobada por otro distinto, conforme al control de cuatro ojos del procedimiento, "
            "y procede según el artículo 17 del Decreto 2460 de 2013 (compilado en el Decreto "
            "1625 de 2016)."
        )
    )
    articles = [
        _(
            "Cancelar %(how)sla inscripción en el Registro Único Tributario – RUT de %(name)s, "
            "NIT %(nit)s, con efecto a partir del %(date)s."
        )
        % {
            "how": _("de oficio ") if ex_officio else "",
            "name": name,
            "nit": nit,
            "date": date_co(content.get("cancelled_on")) or date_co(decided),
        },
        _(
            "Registrar la cancelación en el Formulario 001 N.º %(form)s, con la leyenda de su "
            "estado (Decreto 2460 de 2013, art. 19)%(fmt)s."
        )
        % {
            "form": text(content.get("form_number")),
            "fmt": (
                _(", y en el Formato %(k)s N.º %(n)s") % {"k": fmt.kind, "n": fmt.number}
                if fmt
                else ""
            ),
        },
        _("Comunicar esta decisión al inscrito y al solicitante.")
        + (
            " " + _("Oficiar a la autoridad judicial informando la fecha de la cancelación.")
            if case.requester_kind == RequesterKind.JUDICIAL_AUTHORITY
            else ""
        ),
        _(
            "Informar a las direcciones seccionales en las que el inscrito estuvo inscrito en los "
            "cinco años anteriores a la solicitud y, si fue usuario aduanero, a los procesos de "
            "aduanas."
        ),
        _(
            "Contra esta resolución procede el recurso de reposición ante quien la expidió, "
            "dentro de los %(term)s siguientes a su notificación (%(basis)s)."
        )
        % {"term": APPEAL.describe(), "basis": APPEAL.basis},
    ]
    return DocumentSpec(
        kind=DocumentKind.CANCELLATION_RESOLUTION,
        template="cancellation_resolution.html",
        title=_("Resolución de cancelación del RUT – trámite %(n)s") % {"n": number},
        context={
            "number": number,
            "heading": _("Resolución de cancelación de la inscripción en el RUT"),
            "competence": _(
                "La Dirección Seccional, en uso de las facultades que le confieren el artículo "
                "555-2 del Estatuto Tributario y el Decreto 1625 de 2016 (título 1.6.1.2, que "
                "compila el Decreto 2460 de 2013), y conforme al procedimiento de cancelación "
                "de oficio y reactivación del RUT,"
            ),
            "proof": {
                "title": _("Acto administrativo"),
                "note": _("Resolución del trámite %(case)s expedida por medios electrónicos.")
                % {"case": case.number},
            },
            "date": date_co(decided),
            "seccional": seccional_line(case),
            "place_date": ", ".join(
                p
                for p in ((case.seccional.city if case.seccional_id else ""), date_co(decided))
                if p
            ),
            "subject": _(
                "Por la cual se cancela %(how)sla inscripción en el Registro Único Tributario "
                "– RUT de %(name)s"
            )
            % {"how": _("de oficio ") if ex_officio else "", "name": name},
            "registrant": [
                [_("NIT"), nit],
                [_("Nombre o razón social"), name],
                [_("Documento de identificación"), identity["document"]],
                [_("Dirección"), identity["address"]],
                [_("Municipio"), identity["place"]],
            ],
            "considerations": considerations,
            "articles": articles,
            "signer": user_name(case.decided_by),
            "prepared_by": user_name(case.prepared_by),
        },
        facts=PublicFacts(
            number=number,
            nit=nit,
            name=name,
            state=_("Cancelado"),
            issued_on=decided.date(),
        ),
        created=decided,
        sources={"case": case},
    )
