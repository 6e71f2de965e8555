"""Checks on uploaded files: allowed types by extension and by content, and size."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# Office documents (docx, xlsx, pptx, odt, ods, odp) are zip archives.
ZIP = b"PK\x03\x04"
SIGNATURES = {
    ".pdf": [b"%PDF-"],
    ".png": [b"\x89PNG\r\n\x1a\n"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".docx": [ZIP],
    ".xlsx": [ZIP],
    ".pptx": [ZIP],
    ".odt": [ZIP],
    ".ods": [ZIP],
    ".odp": [ZIP],
    ".csv": [],
    ".txt": [],
}


def validate_upload(uploaded, *, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse a file that is too large, of a type we do not take, or not what it claims."""
    extension = PurePath(uploaded.name).suffix.lower()
    if extension not in SIGNATURES:
        raise ValidationError(
            _("Files of type %(extension)s are not accepted. Accepted: %(accepted)s.")
            % {"extension": extension or _("(none)"),
               "accepted": ", ".join(sorted(e.lstrip(".") for e in SIGNATURES))},
            code="file_type",
        )
    if uploaded.size > max_bytes:
        raise ValidationError(
            _("This file weighs %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(max_bytes)},
            code="file_size",
        )
    signatures = SIGNATURES[extension]
    if signatures:
        uploaded.seek(0)
        head = uploaded.read(16)
        uploaded.seek(0)
        if not any(head.startswith(signature) for signature in signatures):
            raise ValidationError(
                _("This file is not a real %(extension)s document.")
                % {"extension": extension.lstrip(".")},
                code="file_content",
            )
    elif b"\x00" in uploaded.read(2048):
        uploaded.seek(0)
        raise ValidationError(_("This file is not a text file."), code="file_content")
    uploaded.seek(0)
