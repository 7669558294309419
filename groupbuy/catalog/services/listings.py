"""Listings: a merchant's everyday price for a product."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Listing, Merchant, Product
from groupbuy.catalog.permissions import require_merchant_staff
from groupbuy.catalog.services._common import UNSET, invalid, is_set
from groupbuy.core import plugins
from groupbuy.core.audit import audit_log
from groupbuy.core.i18n import join_sentences
from groupbuy.core.money import MOST_PRICE_FEN, format_fen

MAX_PRICE_FEN = MOST_PRICE_FEN


def format_yuan(fen: int) -> str:
    return format_fen(fen)


def clean_price_fen(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid("price_fen", _("The price is a whole number of fen (分)."))
    if value <= 0:
        raise invalid("price_fen", _("The price must be more than 0."))
    if value > MAX_PRICE_FEN:
        raise invalid(
            "price_fen",
            _("The price may be at most %(max)s.")
            % {"max": format_yuan(MAX_PRICE_FEN)},
        )
    return value


def _already_listed(listing: Listing) -> CatalogError:
    return CatalogError(
        "already_listed",
        _("%(merchant)s already lists “%(product)s” at %(price)s (%(id)s).")
        % {
            "merchant": listing.merchant.display_name,
            "product": listing.product.name,
            "price": format_yuan(listing.price_fen),
            "id": listing.public_id,
        },
        status=409,
    )


def listing_create(
    *, actor, merchant: Merchant, product: Product, price_fen: int
) -> Listing:
    """List ``product`` at ``merchant``; a deactivated listing comes back. The
    price is refused (409) below the original price of a deal of the product
    open at the shop, as a lower price would be (``listing_update``)."""
    require_merchant_staff(actor, merchant)
    price_fen = clean_price_fen(price_fen)
    if not product.is_active:
        raise invalid(
            "product_id",
            _("“%(product)s” is no longer sold.") % {"product": product.name},
            code="product_inactive",
        )
    try:
        with transaction.atomic():
            # Locked as listing_update locks it: a deal opening meanwhile waits.
            existing = (
                Listing.objects.select_for_update()
                .filter(merchant=merchant, product=product)
                .first()
            )
            if existing is not None and existing.is_active:
                raise _already_listed(existing)
            listing = existing or Listing(merchant=merchant, product=product)
            listing.price_fen, listing.is_active = price_fen, True
            _refuse_a_price_shown_to_buyers(listing, price_fen)
            listing.save()
            audit_log(
                actor=actor,
                action="catalog.listing.created",
                obj=listing,
                data={"price_fen": price_fen, "reactivated": existing is not None},
            )
    except IntegrityError:
        raise _already_listed(
            Listing.objects.get(merchant=merchant, product=product)
        ) from None
    return listing


def listing_update(
    *, actor, listing: Listing, price_fen: int = UNSET, is_active: bool = UNSET
) -> Listing:
    """Change ``listing``'s everyday price or switch it on or off. A lower price,
    or switching it on again at a price, is refused while an app says something
    shown to buyers rests on a higher one (``listing_price_blockers``: a group
    buy's original price); switching it off, while an app says something shown
    to buyers rests on it (``listing_withdrawal_blockers``)."""
    require_merchant_staff(actor, listing.merchant)
    if is_set(price_fen):
        price_fen = clean_price_fen(price_fen)
    with transaction.atomic():
        # The listing's row first, then what the apps read: a deal opening
        # meanwhile locks this row too, so it either waits and reads the new
        # price or has opened before this reads its deals.
        locked = Listing.objects.select_for_update().get(pk=listing.pk)
        changed, data = [], {}
        switched_on = is_set(is_active) and bool(is_active) and not locked.is_active
        new_price_fen = price_fen if is_set(price_fen) else locked.price_fen
        if switched_on or new_price_fen < locked.price_fen:
            _refuse_a_price_shown_to_buyers(locked, new_price_fen)
        if is_set(is_active) and not is_active and locked.is_active:
            _refuse_a_withdrawal_shown_to_buyers(locked)
        if is_set(price_fen) and price_fen != locked.price_fen:
            data["price_fen"] = {"from": locked.price_fen, "to": price_fen}
            locked.price_fen = price_fen
            changed.append("price_fen")
        if is_set(is_active) and bool(is_active) != locked.is_active:
            locked.is_active = bool(is_active)
            data["is_active"] = locked.is_active
            changed.append("is_active")
        if changed:
            locked.save(update_fields=changed)
            audit_log(
                actor=actor, action="catalog.listing.updated", obj=locked, data=data
            )
    listing.price_fen, listing.is_active = locked.price_fen, locked.is_active
    return listing


def _refuse_a_price_shown_to_buyers(listing: Listing, price_fen: int) -> None:
    blockers = plugins.listing_price_blockers(listing, price_fen=price_fen)
    if blockers:
        raise CatalogError(
            "price_below_open_deals",
            join_sentences(blockers),
            status=409,
            fields={"price_fen": blockers},
            extra={"blockers": blockers},
        )


def _refuse_a_withdrawal_shown_to_buyers(listing: Listing) -> None:
    blockers = plugins.listing_withdrawal_blockers(listing)
    if blockers:
        raise CatalogError(
            "listing_has_open_deals",
            join_sentences(blockers),
            status=409,
            fields={"is_active": blockers},
            extra={"blockers": blockers},
        )


def listing_deactivate(*, actor, listing: Listing) -> Listing:
    """Stop selling; the row stays because deals and orders may refer to it.
    Refused (409) as switching it off is (``listing_update``)."""
    require_merchant_staff(actor, listing.merchant)
    with transaction.atomic():
        # Locked as listing_update locks it: a deal opening meanwhile waits.
        locked = Listing.objects.select_for_update().get(pk=listing.pk)
        if locked.is_active:
            _refuse_a_withdrawal_shown_to_buyers(locked)
            locked.is_active = False
            locked.save(update_fields=["is_active"])
            audit_log(actor=actor, action="catalog.listing.deactivated", obj=locked)
    listing.is_active = False
    return listing
