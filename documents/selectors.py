"""Reads of stored documents: by verification code, integrity checks, who may download."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, Model, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from documents.codes import normalize_code
from documents.models import StoredDocument
from rut_portal.prepared import KEY, Prepared

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import QuerySet

# Who may download the file: an official who may see the document's source.
SOURCE_VIEW_PERMISSIONS = {
    "form_version": "registry.view_formversion",
    "official_format": "procedures.view_officialformat",
    "communication": "procedures.view_communication",
    "case": "procedures.view_case",
}


class Integrity:
    INTACT = "intact"
    ALTERED = "altered"
    MISSING = "missing"


@dataclass(frozen=True)
class Verification:
    """What the public page shows: the public facts and whether the stored file is intact."""

    document: StoredDocument
    integrity: str
    computed_sha256: str

    @property
    def is_intact(self) -> bool:
        return self.integrity == Integrity.INTACT


# Every column of a document, in the model's order (what StoredDocument.from_db expects).
_COLUMNS = [field.attname for field in StoredDocument._meta.concrete_fields]
# The verification page's read, by the public code: compiled once per process.
_by_code = Prepared(
    lambda code: StoredDocument.objects.filter(code=code).order_by().values_list(*_COLUMNS)[:1],
    KEY,
)


def document_by_code(code: str) -> StoredDocument | None:
    """The document a (possibly hand-typed) verification code names, or None."""
    canonical = normalize_code(code)
    if canonical is None:
        return None
    row = _by_code.row(canonical)
    return None if row is None else StoredDocument.from_db(DEFAULT_DB_ALIAS, _COLUMNS, row)


def file_sha256(document: StoredDocument) -> str | None:
    """SHA-256 of the stored file as it is now on disk; None when the file is gone."""
    name = document.file.name or ""
    if not name or not default_storage.exists(name):
        return None
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_document(document: StoredDocument) -> Verification:
    """Recompute the file's SHA-256 and compare it with the one recorded at render time."""
    computed = file_sha256(document)
    if computed is None:
        return Verification(document, Integrity.MISSING, "")
    integrity = Integrity.INTACT if computed == document.sha256 else Integrity.ALTERED
    return Verification(document, integrity, computed)


def _verifiable_query(code: str) -> QuerySet[StoredDocument]:
    """The document and its inscrito's state today. Exactly one source column is set
    (document_one_source): the case is the document's own or its format's or communication's,
    the inscrito the Formulario 001's or the case's. Each subquery reads one table by its key,
    which PostgreSQL plans in a fifth of the time of one subquery per source joining its path
    to the inscrito (issue 18). No ORDER BY: the code is unique."""
    from procedures.models import Case, Communication, OfficialFormat
    from registry.models import FormVersion, Registrant

    def key(model: type[Model], field: str, outer: str) -> Subquery:
        return Subquery(model._default_manager.filter(pk=OuterRef(outer)).order_by().values(field))

    return (
        StoredDocument.objects.filter(code=code)
        .annotate(
            source_case=Coalesce(
                F("case_id"),
                key(OfficialFormat, "case_id", "official_format_id"),
                key(Communication, "case_id", "communication_id"),
            ),
            source_registrant=Coalesce(
                key(FormVersion, "registrant_id", "form_version_id"),
                key(Case, "registrant_id", "source_case"),
            ),
            state_today=key(Registrant, "state", "source_registrant"),
        )
        .order_by()
        .values_list(*_COLUMNS, "state_today")[:1]
    )


# The verification page's read, compiled once per process.
_verifiable_by_code = Prepared(_verifiable_query, KEY)


def verifiable_document(code: str) -> tuple[StoredDocument, str] | None:
    """document_by_code, with the label of its inscrito's state today ("" if none).

    A Formulario 001 or a resolution proves the state on its date (Decreto 2460 de 2013, art. 19);
    whoever checks it also needs to know whether the RUT is still in that state. The public
    verification page reads nothing else of the inscrito.
    """
    from registry.models import Registrant

    canonical = normalize_code(code)
    if canonical is None:
        return None
    row = _verifiable_by_code.row(canonical)
    if row is None:
        return None
    *columns, state = row
    document = StoredDocument.from_db(DEFAULT_DB_ALIAS, _COLUMNS, columns)
    return document, "" if state is None else str(Registrant.State(state).label)


def can_download(user: User | AnonymousUser, document: StoredDocument) -> bool:
    """Officials (staff) who may see the document's source, in their scope, may download its
    file: the case page's scope for a case's documents, the inscrito's for a Formulario 001."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    for field, permission in SOURCE_VIEW_PERMISSIONS.items():
        if getattr(document, f"{field}_id") is not None:
            return user.has_perm(permission) and _in_scope(user, document)
    return False


def _in_scope(user: User | AnonymousUser, document: StoredDocument) -> bool:
    from procedures.selectors import case_in_scope, notice_in_scope, registrant_visible_to

    if document.form_version is not None:
        return registrant_visible_to(user, document.form_version.registrant)
    if document.official_format is not None:
        return case_in_scope(user, document.official_format.case)
    if document.communication is not None:
        communication = document.communication
        return case_in_scope(user, communication.case) or notice_in_scope(user, communication)
    if document.case is not None:
        return case_in_scope(user, document.case)
    return False


def documents_of_form_version(version_id: int) -> QuerySet[StoredDocument]:
    """Certificado and copies rendered for a Formulario 001 version, newest first."""
    return StoredDocument.objects.filter(form_version_id=version_id).order_by("-created_at")


def documents_of_case(case_id: int) -> QuerySet[StoredDocument]:
    """Every document of a case: its formats, its communications and its resolution."""
    return StoredDocument.objects.filter(
        Q(case_id=case_id) | Q(official_format__case_id=case_id) | Q(communication__case_id=case_id)
    ).order_by("created_at", "id")
