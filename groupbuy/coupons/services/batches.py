"""Import the redemption batches stations export (offline redemption)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Merchant
from groupbuy.catalog.permissions import require_merchant_staff
from groupbuy.core.audit import audit_log
from groupbuy.coupons import batchfile, codec
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.live import publish_coupon_state
from groupbuy.coupons.models import (
    Coupon,
    MerchantKey,
    Redemption,
    RedemptionBatch,
    RedemptionConflict,
)
from groupbuy.coupons.services.offline_claims import (
    Claim,
    claim_place,
    record_conflict,
)
from groupbuy.coupons.services.redeeming import platform_key_map

MAX_REDEMPTIONS_PER_BATCH = 5000
MAX_UNITS = 10_000
# A batch signed with a key the shop has replaced counts the redemptions the
# station signed before the replacement, and this long after it: a station's
# clock may run a little fast. Later ones are key_replaced conflicts.
KEY_REPLACED_GRACE = timedelta(minutes=5)


MAX_BATCH_BYTES = 4 * 1024 * 1024


def batch_file_bytes(upload) -> bytes:
    """Return the uploaded batch file's bytes; refuse one over the limit (413
    ``too_large``), saying the limit, rather than reading it in part and
    calling it damaged."""
    data = upload.read(MAX_BATCH_BYTES + 1)
    if len(data) > MAX_BATCH_BYTES:
        raise batch_too_large()
    return data


def batch_too_large() -> CouponError:
    return CouponError(
        "too_large",
        _("This batch file is too large: the limit is %(limit)d MB.")
        % {"limit": MAX_BATCH_BYTES // (1024 * 1024)},
        status=413,
    )


def batch_import(*, actor, merchant: Merchant, data: bytes) -> RedemptionBatch:
    """Verify and import a station's batch file; importing again changes nothing.

    Each redemption carries a nonce: one already recorded is skipped. Units
    the platform already counts as used make the claim a conflict, not a
    redemption; among offline claims the earliest (station time) count, see
    ``offline_claims``. The batch answered has ``already_imported`` set when
    this file had been imported before (it is that import, unchanged).
    """
    require_merchant_staff(actor, merchant)
    # The active key wins where a key was registered twice (before 2026-12-06).
    keys = {
        bytes(k.signing_public_key): k
        for k in merchant.coupon_keys.order_by("is_active", "created_at", "id")
    }
    try:
        body, digest, signer = batchfile.read(data, list(keys))
    except batchfile.BatchError as error:
        audit_log(
            actor=actor,
            action="coupons.batch.refused",
            obj=merchant,
            data={"code": error.code},
        )
        raise CouponError(error.code, _batch_message(error.code)) from error
    if body.get("merchant_id") != merchant.public_id:
        raise CouponError(
            "wrong_merchant", _("This batch belongs to another merchant.")
        )
    redemptions = body["redemptions"]
    if len(redemptions) > MAX_REDEMPTIONS_PER_BATCH:
        # The same code as a file over the byte limit, and its status: the
        # batch is too large to take in one upload either way.
        raise CouponError(
            "too_large", _("Too many redemptions in one batch."), status=413
        )
    existing = RedemptionBatch.objects.filter(digest=digest).first()
    if existing is not None:
        existing.already_imported = True
        return existing
    with transaction.atomic():
        batch, created = RedemptionBatch.objects.get_or_create(
            digest=digest,
            defaults={
                "merchant": merchant,
                "merchant_key": keys[signer],
                "device": str(body.get("device", ""))[:80],
                "uploaded_by": actor if getattr(actor, "pk", None) else None,
            },
        )
        batch.already_imported = not created
        if not created:
            return batch
        _lock_coupons(merchant, redemptions)
        signed_until = _key_signs_until(keys[signer])
        touched = set()
        for entry in redemptions:
            touched |= _import_one(actor, merchant, batch, entry, signed_until)
        batch.save(update_fields=["accepted", "conflicts", "rejected"])
        _publish_coupons(touched)
        audit_log(
            actor=actor,
            action="coupons.batch.imported",
            obj=batch,
            data={
                "accepted": batch.accepted,
                "conflicts": batch.conflicts,
                "rejected": batch.rejected,
                "device": batch.device,
            },
        )
    return batch


def _lock_coupons(merchant: Merchant, redemptions: list) -> None:
    """Lock the batch's coupons up front, in primary-key order.

    Imports running at once (and online scans, which lock one coupon then the
    merchant's money) then always take coupon locks in one order and cannot
    deadlock whatever order the files list their redemptions in.
    """
    serials = {
        str(entry.get("serial")) for entry in redemptions if isinstance(entry, dict)
    }
    list(
        Coupon.objects.select_for_update(of=("self",))
        .filter(merchant=merchant, serial__in=serials)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _publish_coupons(coupon_ids: set[int]) -> None:
    """Push each coupon the batch redeemed (or whose redemptions it moved) once,
    as the batch leaves it, to a shopper who may have its page open."""
    for coupon in Coupon.objects.filter(pk__in=coupon_ids).select_related("shopper"):
        publish_coupon_state(coupon)


def _key_signs_until(key: MerchantKey) -> datetime | None:
    """Return until when redemptions signed with ``key`` count (None: always,
    the shop's current key). A replaced key may have leaked, so what it signed
    counts only up to its replacement, and ``KEY_REPLACED_GRACE`` after."""
    if key.is_active or key.retired_at is None:
        return None
    return key.retired_at + KEY_REPLACED_GRACE


def _import_one(actor, merchant, batch, entry, signed_until=None) -> set[int]:
    """Import one of the batch's redemptions; return the coupon it placed a
    claim on (none for one skipped or rejected)."""
    try:
        nonce = f"station:{merchant.public_id}:{entry['nonce']}"[:64]
        serial = str(entry["serial"])
        quantity = int(entry["quantity"])
        redeemed_at = datetime.fromtimestamp(int(entry["redeemed_at"]), tz=UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        batch.rejected += 1
        return set()
    if not 1 <= quantity <= MAX_UNITS:
        batch.rejected += 1
        return set()
    already = Redemption.objects.filter(nonce=nonce).exists()
    if already or RedemptionConflict.objects.filter(nonce=nonce).exists():
        return set()
    coupon = Coupon.objects.filter(serial=serial, merchant=merchant).first()
    if coupon is None or not _genuine_at(coupon, merchant, redeemed_at):
        batch.rejected += 1
        return set()
    branch = merchant.branches.filter(public_id=str(entry.get("branch", ""))).first()
    claim = Claim(
        nonce=nonce,
        quantity=quantity,
        redeemed_at=redeemed_at,
        branch=branch,
        branch_name=branch.name if branch else str(entry.get("branch", ""))[:120],
        cashier_name=str(entry.get("cashier", ""))[:80],
    )
    if signed_until is not None and redeemed_at > signed_until:
        # Not counted, its units left on the coupon: for people to settle.
        record_conflict(
            actor, coupon, batch, claim, reason=RedemptionConflict.Reason.KEY_REPLACED
        )
        return set()
    if claim_place(actor=actor, coupon=coupon, batch=batch, new=claim):
        batch.accepted += 1
    return {coupon.pk}


def _genuine_at(coupon: Coupon, merchant: Merchant, redeemed_at: datetime) -> bool:
    try:
        codec.verify_signed(
            bytes(coupon.signed),
            merchant_id=merchant.public_id,
            platform_keys=platform_key_map(now=redeemed_at),
            now=int(redeemed_at.timestamp()),
        )
    except codec.CodeError:
        return False
    return True


def _batch_message(code: str) -> str:
    if code == "bad_batch_signature":
        return _("This batch is not signed by one of your station keys.")
    return _("This is not a coupon batch file, or it is damaged.")


def merchant_keys_for_batches(*, merchant: Merchant) -> list[MerchantKey]:
    return list(merchant.coupon_keys.all())
