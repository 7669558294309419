"""What a snap answers: the same dict for the API and the page.

The answer names the product with its confidence and method, up to five
alternatives, the product's open deals with deadlines (or, when only the kind
of product is known, that category's deals), and a hint for the shopper.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupbuy.catalog.models import Category, Product
from groupbuy.snap import deal_lookup
from groupbuy.snap.models import Snap
from groupbuy.snap.permissions import may_say_none
from groupbuy.snap.resolve import (
    ProductMatch,
    Resolution,
    candidates_from_result,
    resolve_candidates,
)
from groupbuy.snap.selectors import demand_request_of
from groupbuy.snap.services.snaps import SnapOutcome

METHOD_LABELS = {
    "barcode": gettext_lazy("barcode"),
    "name": gettext_lazy("name on the label"),
    "appearance": gettext_lazy("appearance"),
}


# How a suggestion was found, as a phrase naming the product: a bare method
# word after the name ("Bananas appearance") read as part of the name.
MATCH_REASONS = {
    "barcode": gettext_lazy("barcode of %(product)s"),
    "name": gettext_lazy("the label reads like %(product)s"),
    "appearance": gettext_lazy("looks like %(product)s"),
}


def match_reason(match: ProductMatch) -> str:
    """Return why ``match`` is suggested, e.g. "looks like Bananas"."""
    phrase = MATCH_REASONS.get(match.method)
    if phrase is None:
        return match.product.name
    return str(phrase) % {"product": match.product.name}


def ask_for_product_url(gtin: str) -> str:
    """Return the page where a shopper asks for a product the catalog lacks,
    its form filled with the barcode; empty when the site has no such page."""
    try:
        url = reverse("demands:new")
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode({'barcode': printed_gtin(gtin)})}"


def product_payload(product: Product) -> dict:
    image = next(iter(product.images.all()), None)
    return {
        "id": product.public_id,
        "name": product.name,
        "name_zh": product.name_zh,
        "name_en": product.name_en,
        "brand": product.brand,
        "spec": product.spec,
        "gtin": product.gtin,
        "category": category_payload(product.category) if product.category else None,
        "image_url": image.image.url if image else "",
    }


def category_payload(category: Category) -> dict:
    return {"id": category.public_id, "slug": category.slug, "name": category.name}


def match_payload(match: ProductMatch) -> dict:
    return {
        "product": product_payload(match.product),
        "confidence": round(match.shown_confidence, 3),
        "calibrated": match.precision is not None,
        "method": match.method,
        "method_label": str(METHOD_LABELS.get(match.method, match.method)),
        "reason": match_reason(match),
    }


def answer_for_outcome(outcome: SnapOutcome, *, user) -> dict:
    """Return the answer to the snap just taken."""
    demand = outcome.demand
    return _answer(
        outcome.snap,
        outcome.resolution,
        outcome.deals,
        outcome.category_deals,
        user=user,
        is_counted=demand is not None,
        requesters=demand.signal.requester_count if demand else 0,
    )


def snap_resolution(snap: Snap) -> Resolution:
    """Return what an earlier snap's stored candidates name today."""
    resolution = resolve_candidates(candidates_from_result(snap.result))
    if snap.product is not None and (
        snap.status == Snap.Status.LABELLED or snap.result.get("chosen")
    ):
        match = resolution.match_for(snap.product)
        resolution.confirmed = ProductMatch(
            snap.product,
            match.confidence if match else 1.0,
            snap.method or (match.method if match else ""),
        )
    elif snap.status == Snap.Status.UNCONFIRMED:
        resolution.needs_confirmation = True
    elif snap.result.get("none_of_these"):
        # The shopper said none of the suggestions is right: offer none again.
        resolution.matches = []
    return resolution


def answer_for_snap(snap: Snap, *, user) -> dict:
    """Return the answer to an earlier snap, with the deals open now."""
    resolution = snap_resolution(snap)
    best = resolution.best
    deals = deal_lookup.open_deals_for_product(best.product) if best else []
    category_deals = []
    if best is None and resolution.category is not None:
        category_deals = deal_lookup.open_deals_for_category(resolution.category)
    request = None
    if best is not None and not deals:
        request = demand_request_of(user=user, product=best.product)
    return _answer(
        snap,
        resolution,
        deals,
        category_deals,
        user=user,
        is_counted=request is not None,
        requesters=request.signal.requester_count if request else 0,
    )


def _answer(
    snap: Snap,
    resolution: Resolution,
    deals: list,
    category_deals: list,
    *,
    user,
    is_counted: bool = False,
    requesters: int = 0,
) -> dict:
    best = resolution.best
    is_signed_in = bool(getattr(user, "is_authenticated", False))
    # A barcode the catalog lacks names no product, so the snap counts for
    # nothing: the answer offers to ask for the product instead.
    ask_url = (
        ask_for_product_url(resolution.unknown_gtins[0])
        if best is None and resolution.unknown_gtins
        else ""
    )
    return {
        "id": snap.public_id,
        "status": snap.status,
        "recognised": best is not None,
        "needs_confirmation": resolution.needs_confirmation and best is None,
        "product": product_payload(best.product) if best else None,
        "may_say_none": may_say_none(user, snap),
        "confidence": shown_confidence(best),
        "confidence_percent": round(best.shown_confidence * 100) if best else 0,
        "calibrated": best is not None and best.precision is not None,
        "method": best.method if best else "",
        "method_label": str(METHOD_LABELS.get(best.method, "")) if best else "",
        "alternatives": [match_payload(m) for m in resolution.alternatives],
        "deals": deal_lookup.deal_payloads(deals),
        "looks_like": (
            category_payload(resolution.category)
            if best is None and resolution.category
            else None
        ),
        "category_deals": deal_lookup.deal_payloads(category_deals),
        "unknown_barcodes": list(resolution.unknown_gtins),
        "ask_for_product_url": ask_url,
        "hint": _hint(
            best,
            deals,
            resolution,
            is_signed_in=is_signed_in,
            may_ask=bool(ask_url),
            queued=snap.status == Snap.Status.NOT_RECOGNISED
            and bool(snap.result.get("none_of_these")),
        ),
        "demand": {
            "counted": is_counted,
            "requesters": requesters,
            "will_notify": is_counted and is_signed_in,
            "sign_in_to_be_notified": best is not None
            and not deals
            and not is_signed_in,
        },
        "ocr_text": snap.ocr_text,
        "created_at": snap.created_at,
        "total_ms": snap.total_ms,
    }


def _hint(
    best,
    deals,
    resolution: Resolution,
    *,
    is_signed_in: bool,
    queued: bool = False,
    may_ask: bool = False,
) -> str:
    if queued:
        return _(
            "Thank you. Our team will look at your photo and name the product; "
            "you will then be counted as asking for it."
        )
    if best is None and resolution.needs_confirmation:
        return _(
            "We are not sure. Is it one of these? Pick it to see its group buys "
            "(and, if there is none, to ask for one)."
        )
    if best is not None:
        if deals:
            return ""
        if is_signed_in:
            return _(
                "No group buy for this yet. We have noted that you want one and "
                "will tell you when it launches."
            )
        return _(
            "No group buy for this yet. Log in and snap it again, and we will "
            "tell you when one launches."
        )
    if resolution.category is not None:
        return _("It looks like %(category)s. Here are deals of that kind.") % {
            "category": resolution.category.name
        }
    if resolution.unknown_gtins and may_ask:
        return _(
            "We read the barcode %(gtin)s but do not carry this product yet, so "
            "this snap does not count as asking for it. Ask for this product to "
            "start a group buy others can join; our team will also look at your "
            "photo."
        ) % {"gtin": printed_gtin(resolution.unknown_gtins[0])}
    if resolution.unknown_gtins:
        return _(
            "We read the barcode %(gtin)s but do not carry this product yet. "
            "Our team will look at your photo."
        ) % {"gtin": printed_gtin(resolution.unknown_gtins[0])}
    return _(
        "We could not recognise this. Move closer so the name fills the photo, "
        "or show us the barcode."
    )


def printed_gtin(code: str) -> str:
    """Return a GTIN-14 as printed under the bars (EAN-13 drops the padding)."""
    return code[1:] if len(code) == 14 and code.startswith("0") else code


def shown_confidence(best: ProductMatch | None) -> float:
    """Return the confidence a snap's answer gives its product: the measured
    precision (or the raw score where unmeasured), 0.0 without a product."""
    return round(best.shown_confidence, 3) if best else 0.0


def snap_summary(snap: Snap) -> dict:
    """Return one line of a person's snap history, its confidence as the snap's
    own answer gives it (not the raw score stored on the row)."""
    return {
        "id": snap.public_id,
        "status": snap.status,
        "product": product_payload(snap.product) if snap.product else None,
        "method": snap.method,
        "confidence": shown_confidence(snap_resolution(snap).best),
        "photo_url": snap.photo.url if snap.photo else "",
        "created_at": snap.created_at,
    }
