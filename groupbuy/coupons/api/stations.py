"""A shop's offline stations: their keys, their sync, and the batches of
redemptions they upload."""

from __future__ import annotations

import base64

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from groupbuy.core.api_answers import json_answer
from groupbuy.core.pagination import PageIn, page_payload, paginate
from groupbuy.coupons import selectors, services
from groupbuy.coupons.api.till import staff_merchant
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.schemas import (
    BatchDetailOut,
    BatchOut,
    BatchPageOut,
    KeyFileOut,
    KeyGenerateIn,
    KeyOut,
    KeyRegisterIn,
    SyncOut,
    batch_summary_out,
    conflict_out,
    redemption_out,
)
from groupbuy.coupons.services.batches import (
    MAX_BATCH_BYTES,
    batch_file_bytes,
    batch_too_large,
)

router = Router()


@router.post("/merchants/{merchant_id}/keys", response={201: KeyOut})
def register_key(request, merchant_id: str, payload: KeyRegisterIn):
    """Register a station's public keys (the private halves stay on the station).

    This replaces the shop's current key, as generating a key file does: every
    other station refuses coupons from its next sync until set up again. A
    shop that has a key must send ``replace_current: true`` (else 409
    ``key_exists``); a key once replaced is refused (409 ``key_replaced``).
    """
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    key = services.merchant_key_register(
        actor=request.auth,
        merchant=merchant,
        public_key=base64.b64decode(payload.public_key),
        signing_public_key=base64.b64decode(payload.signing_public_key),
        device_name=payload.device_name,
        replace_current=payload.replace_current,
    )
    return Status(
        201,
        {
            "key_id": key.public_id,
            "origin": key.origin,
            "device_name": key.device_name,
        },
    )


@router.post(
    "/merchants/{merchant_id}/keys/generate",
    response={200: KeyFileOut},
    openapi_extra=json_answer(
        "The key file, once: JSON sent as an attachment "
        "(coupon-key-<merchant id>.json), never stored and not cached.",
        refusals={
            403: "Not an owner of the shop (`forbidden`): cashiers may not.",
            409: "The shop has a key and `replace_current` was not sent "
            "(`key_exists`).",
        },
    ),
)
def generate_key(request, merchant_id: str, payload: KeyGenerateIn | None = None):
    """Generate keys on the platform; answer the key file, once. Keep it safe.

    This replaces the shop's current key: every station set up with it refuses
    coupons from its next sync until it is set up again with this key file
    (`groupbuy station init --force --key-file FILE`). Codes shoppers already
    hold keep redeeming online; new coupons are sealed to the new key. A shop
    that has a key must send ``replace_current: true`` (else 409 ``key_exists``).
    """
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    _key, key_file = services.merchant_key_generate(
        actor=request.auth,
        merchant=merchant,
        replace_current=bool(payload and payload.replace_current),
    )
    response = HttpResponse(key_file, content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="coupon-key-{merchant.public_id}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


# The station's cursors: the ``…_cursor`` of its last sync (0 the first time).
_CURSOR = "The `%s_cursor` of the station's last sync: only what came after it."


@router.get("/merchants/{merchant_id}/sync", response=SyncOut)
def sync(
    request,
    merchant_id: str,
    revocations_after: int = Query(0, description=_CURSOR % "revocations"),
    unit_refunds_after: int = Query(0, description=_CURSOR % "unit_refunds"),
):
    """Valid platform keys, and the revocations and refunds of some units after
    the station's cursors."""
    merchant = staff_merchant(request, merchant_id)
    data = selectors.station_sync(
        merchant=merchant,
        revocations_after=min(max(0, revocations_after), 2**62),
        unit_refunds_after=min(max(0, unit_refunds_after), 2**62),
    )
    for key in data["platform_keys"]:
        key["public_key"] = base64.b64encode(key["public_key"]).decode("ascii")
    if data["merchant_public_key"] is not None:
        data["merchant_public_key"] = base64.b64encode(
            data["merchant_public_key"]
        ).decode("ascii")
    return data


@router.post("/merchants/{merchant_id}/batches", response=BatchOut)
def upload_batch(request, merchant_id: str):
    """Import a station's signed batch file: the request body as exported, or
    a form's file named ``batch``. The same file again answers its first import
    (``already_imported``)."""
    merchant = staff_merchant(request, merchant_id)
    data = _batch_bytes(request)
    batch = services.batch_import(actor=request.auth, merchant=merchant, data=data)
    return {
        "batch_id": batch.public_id,
        "accepted": batch.accepted,
        "conflicts": batch.conflicts,
        "rejected": batch.rejected,
        "device": batch.device,
        "already_imported": batch.already_imported,
        "uploaded_at": batch.uploaded_at,
    }


def _batch_bytes(request) -> bytes:
    upload = request.FILES.get("batch") if request.FILES else None
    if upload:
        return batch_file_bytes(upload)
    # A form already read has no body left to read: a file sent under another
    # name was a 500 before 2026-12-07.
    if request.content_type == "multipart/form-data":
        message = _("Send the batch file as the form's “batch” file.")
        raise CouponError("file_missing", message, fields={"batch": [message]})
    if len(request.body) > MAX_BATCH_BYTES:
        raise batch_too_large()
    return request.body


@router.get("/merchants/{merchant_id}/batches", response=BatchPageOut)
def batches(request, merchant_id: str, paging: Query[PageIn]):
    """The station batches uploaded, newest first (paged); a cashier limited
    to one branch gets those with a line at their branch, and their own."""
    merchant = staff_merchant(request, merchant_id)
    result = paginate(
        selectors.batches_for_staff(user=request.auth, merchant=merchant),
        page=paging.page,
        page_size=paging.page_size,
    )
    return page_payload(result, [batch_summary_out(b) for b in result.items])


@router.get("/merchants/{merchant_id}/batches/{batch_id}", response=BatchDetailOut)
def batch_detail(request, merchant_id: str, batch_id: str):
    """One uploaded batch, who uploaded it, and its lines: the redemptions it
    recorded, its conflicts and the refused lines kept for people to settle (a
    cashier limited to one branch: theirs)."""
    merchant = staff_merchant(request, merchant_id)
    batch = selectors.batch_get_for_staff(
        user=request.auth, merchant=merchant, batch_id=batch_id
    )
    lines = selectors.batch_lines_for_staff(user=request.auth, batch=batch)
    return batch_summary_out(batch) | {
        "redemptions": [redemption_out(r) for r in lines.redemptions],
        "conflict_lines": [conflict_out(c) for c in lines.conflicts],
        "refused_lines": [conflict_out(c) for c in lines.refused],
    }
