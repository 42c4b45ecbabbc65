"""The file rule of DOMAIN.md §3.1, shared by application documents and ticket attachments:
PDF, JPEG or PNG, recognised by content (never by file name), at most 10 MB."""

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
