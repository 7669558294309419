"""What the operator API and pages show of demand and the unrecognised queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Product
from groupbuy.catalog.selectors import merchants_selling
from groupbuy.snap import deal_lookup
from groupbuy.snap.answers import category_payload, product_payload
from groupbuy.snap.models import Snap
from groupbuy.snap.selectors import DemandRow, demand_signal_for_product

DEFAULT_DEAL_DAYS = 7
SPARKLINE_WIDTH = 112
SPARKLINE_HEIGHT = 28


@dataclass(frozen=True)
class Sparkline:
    """An inline SVG polyline of counts over time, scaled to fit the box."""

    points: str
    last_x: float
    last_y: float
    width: int = SPARKLINE_WIDTH
    height: int = SPARKLINE_HEIGHT
    peak: int = 0


def sparkline(counts: list[int]) -> Sparkline:
    width, height, pad = SPARKLINE_WIDTH, SPARKLINE_HEIGHT, 2
    peak = max(counts, default=0)
    if len(counts) < 2:
        counts = [*counts, *counts] or [0, 0]
    step = (width - 2 * pad) / (len(counts) - 1)
    coordinates = []
    for index, count in enumerate(counts):
        x = pad + index * step
        y = height - pad - (count / peak * (height - 2 * pad) if peak else 0)
        coordinates.append((round(x, 1), round(y, 1)))
    return Sparkline(
        points=" ".join(f"{x},{y}" for x, y in coordinates),
        last_x=coordinates[-1][0],
        last_y=coordinates[-1][1],
        peak=peak,
    )


def demand_row_payload(row: DemandRow) -> dict:
    signal = row.signal
    return {
        "signal_id": signal.public_id,
        "product": product_payload(signal.product),
        "count": signal.count,
        "requesters": signal.requester_count,
        "threshold": row.threshold,
        "over_threshold": row.is_over_threshold,
        "threshold_passed_at": signal.threshold_passed_at,
        "first_requested_at": signal.created_at,
        "last_requested_at": signal.last_requested_at,
        "daily": [{"date": day, "requesters": count} for day, count in row.daily],
        "launch_url": deal_lookup.launch_url(product=signal.product),
    }


def queue_item_payload(snap: Snap) -> dict:
    guesses = [
        c for c in snap.result.get("candidates", []) if c.get("kind") != "category"
    ]
    return {
        "id": snap.public_id,
        "photo_url": snap.photo.url if snap.photo else "",
        "ocr_text": snap.ocr_text,
        "looks_like": category_payload(snap.category) if snap.category else None,
        "unknown_barcodes": snap.result.get("unknown_gtins", []),
        "guesses": guesses[:5],
        "created_at": snap.created_at,
        "signed_in": snap.user_id is not None,
    }


def launch_prefill(*, user, product: Product) -> dict:
    """Return the values a "launch deal" form starts from for ``product``."""
    row = demand_signal_for_product(user=user, product=product)
    # The shops the launch form offers (a listing and an open branch): a shop
    # without a branch would only be refused by deal_open.
    merchants = list(merchants_selling(product=product)[:10])
    cheapest = merchants[0].everyday_price_fen if merchants else None
    deadline = timezone.now() + timedelta(days=DEFAULT_DEAL_DAYS)
    return {
        "product": product_payload(product),
        "demand": demand_row_payload(row) if row else None,
        "title": _("Group buy: %(product)s") % {"product": product.name},
        "deadline_at": deadline.replace(minute=0, second=0, microsecond=0),
        "suggested_min_participants": row.signal.requester_count if row else 2,
        "listings": [
            {
                "merchant_id": merchant.public_id,
                "merchant_name": merchant.display_name,
                "price_fen": merchant.everyday_price_fen,
            }
            for merchant in merchants
        ],
        "everyday_price_fen": cheapest,
    }
