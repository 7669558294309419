"""A code the browser read from the live camera: look it up like a snap's barcode.

The snap page reads barcodes and QR codes from the camera in the browser (the
native BarcodeDetector, or zxing-cpp compiled to WebAssembly), so nothing is
uploaded. The browser sends only the code it read, twice in a row (see
``snap/live-scan.js``); the server checks it as its own reader's output would
be checked (an EAN/UPC must carry a valid check digit, a QR code must be one of
our deal links), keeps a snap without a photo, and answers with the same
product, deals and demand as a photo would.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from groupbuy.snap import deal_lookup
from groupbuy.snap.errors import SnapError
from groupbuy.snap.recognition.base import RecognitionContext
from groupbuy.snap.resolve import resolve_candidates
from groupbuy.snap.services.snaps import (
    SnapOutcome,
    _ms,
    _snap_new,
    demand_count_snap,
)

LIVE_ATTEMPT = "live"
CODE_MAX_CHARS = 512
# The Shape Detection API's format names → zxing-cpp's, which the reader uses.
FORMATS = {
    "ean_13": "EAN13",
    "ean_8": "EAN8",
    "upc_a": "UPCA",
    "upc_e": "UPCE",
    "qr_code": "QRCode",
    "code_128": "Code128",
    "data_matrix": "DataMatrix",
}


def _not_a_product_code() -> SnapError:
    return SnapError(
        "unknown_code",
        _("This code is not a product barcode or one of our deal codes."),
        status=422,
        fields={"text": [_("Not a product code.")]},
    )


def snap_code_submit(*, actor, code_format: str, text: str) -> SnapOutcome:
    """Answer a code read in the browser as a snap of it would be answered."""
    # The barcode reader's package loads zxing-cpp, OpenCV and numpy (~0.2 s of
    # CPU): with the first code, not with every process that imports services.
    from groupbuy.snap.recognition.barcode import (
        BarcodeReading,
        candidate_from_reading,
    )

    started = time.perf_counter()
    zxing_format = FORMATS.get((code_format or "").strip().lower())
    text = (text or "").strip()
    if zxing_format is None:
        raise SnapError(
            "unsupported_format",
            _("Only product barcodes (EAN, UPC, Code 128) and QR codes are read."),
            status=422,
            fields={"format": [_("Unsupported format.")]},
        )
    if not text or len(text) > CODE_MAX_CHARS or "\x00" in text:
        raise _not_a_product_code()
    reading = BarcodeReading(
        format=zxing_format, text=text, is_gs1=False, attempt=LIVE_ATTEMPT
    )
    candidate = candidate_from_reading(reading)
    if candidate is None:
        raise _not_a_product_code()
    context = RecognitionContext(candidates=[candidate])
    resolution = resolve_candidates([candidate])
    resolution.ask_unless_sure(precision=settings.GROUPBUY_SNAP_COUNT_AT_ONCE_PRECISION)
    best = resolution.best
    deals = deal_lookup.open_deals_for_product(best.product) if best else []
    user = actor if getattr(actor, "is_authenticated", False) else None
    snap = _snap_new(
        user, context, resolution, deals, {"resolve": _ms(started, time.perf_counter())}
    )
    demand = None
    with transaction.atomic():
        snap.total_ms = _ms(started, time.perf_counter())
        snap.save()
        if best is not None and not deals:
            demand = demand_count_snap(actor=user, snap=snap, product=best.product)
    return SnapOutcome(snap, resolution, deals, [], demand)
