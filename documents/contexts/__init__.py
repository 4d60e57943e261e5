"""Document builders: one per kind of source. See common.py for what a builder returns."""

from documents.contexts.as_of import VersionPeriod, rut_as_of_spec, version_period_on
from documents.contexts.common import DocumentKind, DocumentSpec, PublicFacts
from documents.contexts.communications import communication_spec
from documents.contexts.formats import official_format_spec
from documents.contexts.formulario import formulario_001_spec, formulario_legend
from documents.contexts.resolution import NoApprovedCancellation, cancellation_resolution_spec

__all__ = [
    "DocumentKind",
    "DocumentSpec",
    "NoApprovedCancellation",
    "PublicFacts",
    "VersionPeriod",
    "cancellation_resolution_spec",
    "communication_spec",
    "formulario_001_spec",
    "formulario_legend",
    "official_format_spec",
    "rut_as_of_spec",
    "version_period_on",
]
