"""Uploaded files: checked by their content, not by their name."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

SIGNATURES = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
]


def sniff(uploaded) -> tuple[str, str] | None:
    """(content type, extension) from the file's first bytes, or None."""
    position = uploaded.tell()
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(position)
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def validate_upload(uploaded) -> tuple[str, str]:
    """(content type, extension) of an acceptable upload; raise ValidationError otherwise."""
    limit = settings.DOCUMENT_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    sniffed = sniff(uploaded)
    if sniffed is None:
        raise ValidationError(
            _("Only PDF, JPEG or PNG files can be uploaded; this file is none of them."),
            code="file_type",
        )
    return sniffed


def download_name(original_name: str, extension: str) -> str:
    """The uploaded name with the extension of what the file really is."""
    stem = original_name.rsplit(".", 1)[0] if "." in original_name else original_name
    return (stem or "dokumen")[:190] + extension
