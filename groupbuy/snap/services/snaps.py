"""Taking a snap: check the photo, recognise it, keep it, count the demand."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.ids import new_public_id
from groupbuy.core.storage_full import field_file_save
from groupbuy.core.transactions import after_commit
from groupbuy.snap import deal_lookup
from groupbuy.snap.capacity import recognition_slot
from groupbuy.snap.errors import SnapError
from groupbuy.snap.models import Snap
from groupbuy.snap.permissions import require_snap_owner_or_operator
from groupbuy.snap.recognition.base import RecognitionContext, SnapImage
from groupbuy.snap.recognition.image import SnapImageError, load_snap_image
from groupbuy.snap.resolve import (
    Resolution,
    candidates_from_result,
    resolve_candidates,
)
from groupbuy.snap.services.demand import (
    DemandOutcome,
    demand_record,
    demand_withdraw_snap,
)

# In a snap's result: the product its taker was counted as asking for through
# it, and the demand signal that counted them.
COUNTED_KEY = "counted"
# In a snap's result: the product it was named as at once, when its taker then
# named another or none (the recogniser's wrong answers, counted by ops).
CORRECTED_KEY = "corrected_from"

PHOTO_JPEG_QUALITY = 90
# HTTP status of each refusal of load_snap_image.
_IMAGE_ERROR_STATUS = {
    "too_large": 413,
    "too_many_pixels": 413,
    "unsupported_format": 415,
    "animated": 415,
}


@dataclass
class SnapOutcome:
    """A stored snap and everything its answer shows."""

    snap: Snap
    resolution: Resolution
    deals: list = field(default_factory=list)
    category_deals: list = field(default_factory=list)
    demand: DemandOutcome | None = None


def snap_image_load(upload) -> SnapImage:
    """Return the decoded photo, or raise SnapError with a 4xx status."""
    try:
        return load_snap_image(
            upload,
            max_bytes=settings.GROUPBUY_SNAP_MAX_UPLOAD_BYTES,
            max_pixels=settings.GROUPBUY_SNAP_MAX_PIXELS,
        )
    except SnapImageError as error:
        status = _IMAGE_ERROR_STATUS.get(error.code, 422)
        message = str(error.message)
        raise SnapError(
            error.code, message, status=status, fields={"photo": [message]}
        ) from None


def snap_submit(*, actor, upload, recogniser=None) -> SnapOutcome:
    """Recognise an uploaded photo and answer with the product and its deals.

    ``actor`` may be anonymous: anyone can look, but only a signed-in person
    counts as asking for a product that has no open deal. Nothing is stored
    for a photo that is refused.
    """
    started = time.perf_counter()
    if recogniser is None:
        from groupbuy.snap.engine import get_recogniser

        recogniser = get_recogniser()
    # Decoding and recognising are what cost memory: a bounded number at once.
    with recognition_slot():
        admitted = time.perf_counter()
        image = snap_image_load(upload)
        decoded = time.perf_counter()
        context = recogniser.recognise(image)
        recognised = time.perf_counter()
        photo = _encode_photo(image)
    resolution = resolve_candidates(context.candidates)
    resolution.ask_unless_sure(precision=settings.GROUPBUY_SNAP_COUNT_AT_ONCE_PRECISION)
    best = resolution.best
    deals = deal_lookup.open_deals_for_product(best.product) if best else []
    category_deals = []
    if best is None and resolution.category is not None:
        category_deals = deal_lookup.open_deals_for_category(resolution.category)
    timings = {
        "queue": _ms(started, admitted),
        "decode": _ms(admitted, decoded),
        **{name: round(value, 1) for name, value in context.timings_ms.items()},
        "recognise": _ms(decoded, recognised),
        "resolve": _ms(recognised, time.perf_counter()),
    }
    user = actor if getattr(actor, "is_authenticated", False) else None
    snap = _snap_new(user, context, resolution, deals, timings)
    demand = None
    # A rolled-back transaction takes the stored photo with it (field_file_save).
    with transaction.atomic():
        field_file_save(snap.photo, f"{snap.public_id}.jpg", ContentFile(photo))
        snap.total_ms = _ms(started, time.perf_counter())
        snap.save()
        if best is not None and not deals:
            demand = demand_count_snap(actor=user, snap=snap, product=best.product)
    return SnapOutcome(snap, resolution, deals, category_deals, demand)


def _ms(start: float, end: float) -> float:
    return round((end - start) * 1000, 1)


def _snap_new(user, context: RecognitionContext, resolution, deals, timings) -> Snap:
    best = resolution.best
    return Snap(
        public_id=new_public_id("snp"),
        user=user,
        status=_status_of(resolution),
        product=best.product if best else None,
        category=resolution.category,
        method=best.method if best else "",
        confidence=round(best.confidence, 4) if best else 0.0,
        result={
            "candidates": [
                {
                    "kind": c.kind,
                    "value": c.value,
                    "confidence": round(float(c.confidence), 4),
                    "method": c.method,
                    "detail": _jsonable(c.detail),
                }
                for c in context.candidates
            ],
            "unknown_gtins": resolution.unknown_gtins,
        },
        ocr_text="\n".join(context.ocr_lines),
        timings_ms=timings,
        had_open_deal=bool(deals),
    )


def _status_of(resolution: Resolution) -> str:
    if resolution.best is not None:
        return Snap.Status.RECOGNISED
    if resolution.needs_confirmation:
        return Snap.Status.UNCONFIRMED
    return Snap.Status.NOT_RECOGNISED


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    try:
        return float(value)  # numpy scalars
    except (TypeError, ValueError):
        return str(value)


def _encode_photo(image: SnapImage) -> bytes:
    """Re-encode the working copy: no EXIF (so no location) and a bounded size."""
    import cv2  # loaded by the photo's decoding already; not at process start

    bgr = cv2.cvtColor(image.rgb, cv2.COLOR_RGB2BGR)
    ok, encoded = cv2.imencode(
        ".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, PHOTO_JPEG_QUALITY]
    )
    if not ok:  # pragma: no cover - OpenCV encodes any uint8 RGB array
        raise SnapError("damaged", _("This photo could not be stored."), status=422)
    return encoded.tobytes()


def snap_photo_delete(*, actor, snap: Snap) -> Snap:
    """Delete a snap's photo now (its owner or an operator); the record stays."""
    require_snap_owner_or_operator(actor, snap)
    with transaction.atomic():
        snap = Snap.objects.select_for_update().get(pk=snap.pk)
        if not snap.photo:
            return snap
        name, storage = snap.photo.name, snap.photo.storage
        snap.photo = ""
        snap.photo_deleted_at = timezone.now()
        snap.save(update_fields=["photo", "photo_deleted_at"])
        audit_log(actor=actor, action="snap.snap.photo_deleted", obj=snap)
        after_commit(storage.delete, name)
    return snap


def snap_alternative_choose(*, actor, snap: Snap, product) -> Snap:
    """Record that the snap shows ``product``, one of its alternatives.

    The shopper knows best what they photographed; its taker (signed in when
    they took it) then counts as asking for it when no deal is open, whether
    they or an operator chose, as when an operator labels a photo. This is also
    how a snap that was not sure enough to count (``UNCONFIRMED``) is
    confirmed. Only products the recogniser proposed can be chosen, so nobody
    inflates another product's demand. A snap that counted its taker as asking
    for another product (named at once, or chosen before) no longer does; an
    answer named at once and now replaced is noted as corrected
    (``CORRECTED_KEY``), the operators' measure of the recogniser's wrong
    answers.
    """
    resolution = resolve_candidates(candidates_from_result(snap.result))
    match = resolution.match_for(product)
    if match is None:
        raise SnapError(
            "not_a_candidate",
            _("That product was not one of the suggestions for this photo."),
            fields={"product": [_("Choose one of the suggestions.")]},
        )
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        snap = Snap.objects.select_for_update().get(pk=snap.pk)
        if snap.status == Snap.Status.LABELLED:
            return snap
        previous = snap.product
        corrected = (
            _answered_at_once(snap) and previous is not None and previous != product
        )
        counted_before = snap.result.get(COUNTED_KEY) or {}
        snap.product = product
        snap.status = Snap.Status.RECOGNISED
        snap.method = match.method
        snap.confidence = round(match.confidence, 4)
        snap.result = {**snap.result, "chosen": product.public_id}
        if corrected:
            snap.result[CORRECTED_KEY] = previous.public_id
        asks_already = counted_before.get("product") == product.public_id
        if not asks_already:
            _take_back_count(actor=user, snap=snap)
        snap.save(update_fields=["product", "status", "method", "confidence", "result"])
        audit_log(
            actor=user,
            action="snap.snap.alternative_chosen",
            obj=snap,
            data={
                "product": product.public_id,
                **({CORRECTED_KEY: previous.public_id} if corrected else {}),
            },
        )
        if (
            snap.user is not None
            and not asks_already
            and not deal_lookup.product_has_open_deal(product)
        ):
            demand_count_snap(actor=snap.user, snap=snap, product=product)
    return snap


def demand_count_snap(*, actor, snap: Snap, product) -> DemandOutcome | None:
    """Count ``actor`` as asking for ``product`` through ``snap``, and note on the
    snap what it counted for, so that naming another product for it takes the
    request back."""
    demand = demand_record(actor=actor, product=product, snap=snap)
    if demand is not None:
        counted = {"product": product.public_id, "signal": demand.signal.public_id}
        snap.result = {**snap.result, COUNTED_KEY: counted}
        snap.save(update_fields=["result"])
    return demand


def _answered_at_once(snap: Snap) -> bool:
    """Whether the snap still stands as the recogniser named it, unasked."""
    return snap.status == Snap.Status.RECOGNISED and "chosen" not in snap.result


def _take_back_count(*, actor, snap: Snap) -> None:
    """The snap no longer shows what it counted its taker as asking for (its
    result, being changed, is saved by the caller)."""
    counted = snap.result.pop(COUNTED_KEY, None)
    if counted:
        demand_withdraw_snap(actor=actor, snap=snap, signal_id=counted["signal"])


def snap_none_of_these(*, actor, snap: Snap) -> Snap:
    """Record that the snap's product is none of the suggestions (nor the
    product it was named as): the snap goes to the labelling queue.

    Only its taker (or an operator) may say so, until an operator has labelled
    it. A product named at once is kept as corrected, and what the snap
    counted its taker as asking for is taken back.
    """
    require_snap_owner_or_operator(actor, snap)
    with transaction.atomic():
        snap = Snap.objects.select_for_update().get(pk=snap.pk)
        if snap.status == Snap.Status.LABELLED:
            raise SnapError(
                "already_confirmed",
                _("This photo's product has already been settled."),
                status=409,
            )
        named = snap.product if _answered_at_once(snap) else None
        snap.result = {**snap.result, "none_of_these": True}
        if named is not None:
            snap.result[CORRECTED_KEY] = named.public_id
        _take_back_count(actor=actor, snap=snap)
        snap.status = Snap.Status.NOT_RECOGNISED
        snap.product = None
        snap.method = ""
        snap.confidence = 0.0
        snap.save(update_fields=["status", "product", "method", "confidence", "result"])
        audit_log(actor=actor, action="snap.snap.none_of_these", obj=snap)
    return snap
