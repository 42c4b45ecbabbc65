"""Stock uploads (CSV/XLSX counts): stored with a preview of every error by row, then
confirmed once."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import StockUpload
from inventory.services.sync import BatchResult, stock_levels_apply_sets, stock_sets_preview
from inventory.services.validation import StockBatchInvalid
from portal.access import actor_from


def stock_upload_create(
    *, user, filename: str, items: list[dict], rows: list[int], file_errors=()
) -> StockUpload:
    """Store a parsed upload with every error by row (validated exactly as an API batch);
    confirming applies exactly these items (:func:`stock_upload_confirm`)."""
    actor = actor_from(user)
    errors = [dict(e) for e in file_errors]
    if not errors:
        try:
            stock_sets_preview(actor=actor, items=items)
        except StockBatchInvalid as exc:
            errors = [
                {
                    "row": rows[e.index] if e.index is not None else None,
                    "field": e.field,
                    "code": e.code,
                    "message": e.message,
                }
                for e in exc.errors
            ]
    return StockUpload.objects.create(
        dealer_id=actor.dealer_id,
        uploaded_by=user,
        filename=filename[:200],
        items=items,
        rows=rows,
        errors=errors,
    )


class UploadNotConfirmable(Exception):
    pass


@transaction.atomic
def stock_upload_confirm(*, upload_id: int, user) -> BatchResult:
    """Apply a previewed upload once, through :func:`stock_levels_apply_sets`.

    The upload row is locked, so a double click cannot apply it twice; an upload with
    errors, or already applied, is refused (:class:`UploadNotConfirmable`)."""
    upload = StockUpload.objects.select_for_update().get(pk=upload_id, uploaded_by=user)
    if upload.status != StockUpload.Status.PREVIEW or upload.errors:
        raise UploadNotConfirmable(_("This upload cannot be confirmed."))
    result = stock_levels_apply_sets(
        actor=user,
        items=upload.items,
        source=f"upload:{upload.pk}",
        request_id=f"upload-{upload.pk}",
    )
    upload.status = StockUpload.Status.APPLIED
    upload.applied_at = timezone.now()
    upload.result = result.counts
    upload.save(update_fields=["status", "applied_at", "result"])
    return result
