"""Creating a draft deal with its price tiers, once per idempotency key."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.deals.errors import DealError
from groupbuy.deals.models import Deal, DealTier
from groupbuy.deals.services.common import check_can_manage
from groupbuy.deals.services.setup.limits import default_limit
from groupbuy.deals.services.setup.validation import raise_if_invalid


def replace_tiers(deal: Deal, tiers) -> None:
    deal.tiers.all().delete()
    DealTier.objects.bulk_create(
        DealTier(deal=deal, min_participants=buyers, price_fen=price)
        for buyers, price in sorted(tuple(tier) for tier in tiers)
    )


def deal_create(
    *,
    actor,
    merchant,
    product,
    title: str,
    list_price_fen: int,
    tiers: list[tuple[int, int]],
    stock: int,
    starts_at: datetime,
    deadline_at: datetime,
    description: str = "",
    max_quantity_per_order: int | None = None,
    settlement_mode: str = Deal.SettlementMode.ON_CLOSE,
    idempotency_key: str = "",
    require_discount: bool = True,
) -> Deal:
    """Create a draft deal with its price tiers [(min buyers, price fen), …].

    Every tier is below the list price, shown struck through as the original
    price, unless ``require_discount`` is False: a deal made from a demand's
    accepted offer sells at the agreed price, which may be the list price (the
    shop's everyday price, or the offer's own where it lists none).

    ``max_quantity_per_order`` may not be above ``stock``; left out it is 5, or
    the stock when that is less.

    ``settlement_mode`` "on_redemption" pays the merchant per coupon redemption
    instead of at close (the charge waits in the merchant's pending account).
    With ``idempotency_key`` (a form's or an API client's one-time key), the
    same request sent again by the same actor, at once or later, returns the
    deal it created the first time; the key sent with another shop, product or
    title is refused (``Conflict`` idempotency_key_reused), nothing created.
    """
    check_can_manage(actor=actor, merchant=merchant)
    if idempotency_key:
        earlier = _deal_created_with(actor=actor, idempotency_key=idempotency_key)
        if earlier is not None:
            return _same_request(
                earlier, merchant=merchant, product=product, title=title
            )
    if not merchant.is_active:
        raise DealError("invalid", _("This merchant is not active."))
    fields = {
        "merchant": merchant,
        "product": product,
        "title": title,
        "list_price_fen": list_price_fen,
        "tiers": list(tiers),
        "stock": stock,
        "starts_at": starts_at,
        "deadline_at": deadline_at,
        "max_quantity_per_order": (
            default_limit(stock)
            if max_quantity_per_order is None
            else max_quantity_per_order
        ),
        "require_discount": require_discount,
    }
    raise_if_invalid(fields)
    if settlement_mode not in Deal.SettlementMode.values:
        raise DealError(
            "invalid",
            _("Choose when the merchant is paid."),
            fields={"settlement_mode": [_("Not a settlement mode.")]},
        )
    try:
        return _deal_insert(
            actor=actor,
            fields=fields,
            description=description,
            settlement_mode=settlement_mode,
            idempotency_key=idempotency_key,
        )
    except IntegrityError:
        # The same key sent at the same moment won: its deal is the answer.
        earlier = idempotency_key and _deal_created_with(
            actor=actor, idempotency_key=idempotency_key
        )
        if not earlier:
            raise
        return _same_request(earlier, merchant=merchant, product=product, title=title)


def deal_created_with(*, actor, idempotency_key: str) -> Deal | None:
    """Return the deal ``actor`` created with ``idempotency_key``, None if none
    (what ``deal_create`` would answer again)."""
    if not idempotency_key:
        return None
    return _deal_created_with(actor=actor, idempotency_key=idempotency_key)


def _same_request(earlier: Deal, *, merchant, product, title: str) -> Deal:
    """Return ``earlier``, the deal a key made, if it is what this request asks
    for; refuse the key sent again with another shop, product or title (a
    client reusing a key would otherwise get someone else's deal back)."""
    asked = (merchant.pk, product.pk, title.strip())
    if (earlier.merchant_id, earlier.product_id, earlier.title) != asked:
        raise Conflict(
            "idempotency_key_reused",
            _(
                "This request's key already created another group buy; send a "
                "new key for a new one."
            ),
        )
    return earlier


def _deal_created_with(*, actor, idempotency_key: str) -> Deal | None:
    if not getattr(actor, "pk", None):
        return None
    return Deal.objects.filter(
        created_by=actor, idempotency_key=idempotency_key
    ).first()


def _deal_insert(
    *, actor, fields: dict, description: str, settlement_mode: str, idempotency_key
) -> Deal:
    tiers = fields["tiers"]
    with transaction.atomic():
        deal = Deal.objects.create(
            idempotency_key=idempotency_key if getattr(actor, "pk", None) else "",
            settlement_mode=settlement_mode,
            merchant=fields["merchant"],
            product=fields["product"],
            title=fields["title"].strip(),
            description=description.strip(),
            list_price_fen=fields["list_price_fen"],
            stock=fields["stock"],
            starts_at=fields["starts_at"],
            deadline_at=fields["deadline_at"],
            max_quantity_per_order=fields["max_quantity_per_order"],
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        replace_tiers(deal, tiers)
        audit_log(
            actor=actor,
            action="deals.deal.created",
            obj=deal,
            data={
                "tiers": sorted(list(tier) for tier in tiers),
                "stock": fields["stock"],
                "settlement_mode": settlement_mode,
            },
        )
    return deal
