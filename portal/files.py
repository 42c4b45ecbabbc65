"""Uploaded files (DOMAIN.md §3.1), shared by application documents and ticket attachments.

- The file rule: PDF, JPEG or PNG, recognised by content (never by file name), at most
  10 MB.
- Storage: every upload is stored under a generated name with the extension of its checked
  type (:func:`stored_name`); the name the user gave is kept in a field, for display and as
  the download's file name only (:func:`display_name` makes it safe to show and to send).
- Serving: never from ``MEDIA_ROOT`` by URL (there is no media route in any setting); only
  through the scoped download views, with :func:`download_response`.
"""

import unicodedata
import uuid

from django.http import FileResponse

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
DOCUMENT_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def sniff_document_type(head: bytes) -> str | None:
    """The content type (PDF, JPEG or PNG) by the file's first bytes, or None."""
    for signature, content_type in DOCUMENT_SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def stored_name(content_type: str) -> str:
    """A fresh, unguessable file name with the extension of the checked ``content_type``."""
    return f"{uuid.uuid4().hex}.{DOCUMENT_EXTENSIONS.get(content_type, 'bin')}"


def display_name(name: str | None, *, max_length: int = 200, default: str = "file") -> str:
    """The user's file name, safe to store, show and send back as a download's name: the
    last path part, without control characters (NUL, CR, LF, …), at most ``max_length``
    characters (keeping its extension when it has to be shortened)."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > max_length:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: max_length - len(extension) - 1] + "." + extension
        else:
            name = name[:max_length]
    return name or default


def download_response(file, *, filename: str, content_type: str) -> FileResponse:
    """A stored file as a download: always an attachment (never rendered by the browser),
    its checked content type, ``nosniff``, and the name encoded by Django (RFC 6266, so
    Chinese names work and a crafted name cannot add header parameters)."""
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=display_name(filename),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
