"""What an uploaded supporting document may be, for every channel: its size and its content.

A file is a PDF, a JPEG or a PNG when its first bytes say so; its name and the Content-Type the
browser sent prove nothing. Citizens may send up to 5 MB per file; officials (back office) and
the entities of the API up to 10 MB. procedures.services.intake.attach_document applies the
largest limit to every file a case receives, whatever the channel; forms and serializers call
the same function first with their own limit, so the person sees the message next to the field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MB = 1024 * 1024
CITIZEN_MAX_BYTES = 5 * MB
OFFICIAL_MAX_BYTES = 10 * MB
API_MAX_BYTES = 10 * MB
# The most any channel accepts: what the service itself enforces.
MAX_BYTES = max(CITIZEN_MAX_BYTES, OFFICIAL_MAX_BYTES, API_MAX_BYTES)

PDF, JPEG, PNG = "pdf", "jpeg", "png"
# What a file's name may end in for each format (the name must not contradict the content).
EXTENSIONS = {"pdf": PDF, "jpg": JPEG, "jpeg": JPEG, "png": PNG}
SIGNATURES: dict[str, bytes] = {
    PDF: b"%PDF-",
    JPEG: b"\xff\xd8\xff",
    PNG: b"\x89PNG\r\n\x1a\n",
}
DOCUMENTS = (PDF, JPEG, PNG)
LABELS = {PDF: "PDF", JPEG: "JPG", PNG: "PNG"}


def sniff(upload: Any) -> str | None:
    """The format the file's first bytes announce (pdf, jpeg, png), or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for kind, signature in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def check_upload(upload: Any, *, max_bytes: int, kinds: Iterable[str] = DOCUMENTS) -> str:
    """Refuse (ValidationError, in Spanish) a file too large or of another format; return its
    format."""
    kinds = tuple(kinds)
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes:
        raise ValidationError(
            _("El archivo «%(name)s» pesa %(size).1f MB; el máximo es %(max)s MB.")
            % {"name": name, "size": (size or 0) / MB, "max": max_bytes // MB},
            code="too_large",
        )
    kind = sniff(upload)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if kind not in kinds or EXTENSIONS.get(extension, kind) != kind:
        raise ValidationError(_wrong_format(name, kinds), code="wrong_format")
    return kind


def _wrong_format(name: str, kinds: tuple[str, ...]) -> str:
    if set(kinds) == {PDF}:
        return _("El archivo «%(name)s» no es un PDF.") % {"name": name}
    return _("El archivo «%(name)s» no es un PDF ni una imagen JPG o PNG.") % {"name": name}


def validator(*, max_bytes: int, kinds: Iterable[str] = DOCUMENTS) -> Callable[[Any], None]:
    """check_upload as a form field validator."""
    kinds = tuple(kinds)

    def validate(upload: Any) -> None:
        check_upload(upload, max_bytes=max_bytes, kinds=kinds)

    return validate
