"""Reads of stored documents: by verification code, integrity checks, who may download."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.storage import default_storage
from django.db.models import Q

from documents.codes import normalize_code
from documents.models import StoredDocument

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


def document_by_code(code: str) -> StoredDocument | None:
    """The document a (possibly hand-typed) verification code names, or None."""
    canonical = normalize_code(code)
    if canonical is None:
        return None
    return StoredDocument.objects.filter(code=canonical).first()


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


def current_state_label(document: StoredDocument) -> str:
    """The inscrito's state today, next to the one the document shows at its issue ("" if none).

    A Formulario 001 or a resolution proves the state on its date (Decreto 2460 de 2013, art. 19);
    whoever checks it also needs to know whether the RUT is still in that state. One query of
    one column: the public verification page reads nothing else of the inscrito.
    """
    from registry.models import Registrant

    if document.form_version_id is not None:
        source = Q(form_versions=document.form_version_id)
    elif document.case_id is not None:
        source = Q(cases=document.case_id)
    elif document.official_format_id is not None:
        source = Q(cases__formats=document.official_format_id)
    elif document.communication_id is not None:
        source = Q(cases__communications=document.communication_id)
    else:
        return ""
    states = list(Registrant.objects.filter(source).values_list("state", flat=True)[:1])
    return str(Registrant.State(states[0]).label) if states else ""


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
