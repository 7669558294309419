"""Creating, editing and opening deals (merchant owners for their merchant;
operators for any)."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.catalog.models import Branch, Listing
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.core.money import MOST_PRICE_FEN, format_fen
from groupbuy.core.transactions import after_commit
from groupbuy.deals.errors import DealError
from groupbuy.deals.models import Deal, DealTier
from groupbuy.deals.services.common import (
    State,
    check_can_manage,
    lock_deal,
    push_progress_on_commit,
)
from groupbuy.deals.signals import deal_opened

MAX_TIERS = 10
# Far above any real group buy, far below the columns' limits: a number past
# them is a typo, and one past 2**63 was a 500 (the database's integer overflow).
MOST_STOCK = 1_000_000
MOST_BUYERS_PER_TIER = MOST_STOCK
MOST_UNITS_PER_ORDER = 1_000
DEFAULT_UNITS_PER_ORDER = 5
EDITABLE_FIELDS = (
    "product",
    "title",
    "description",
    "list_price_fen",
    "tiers",
    "stock",
    "starts_at",
    "deadline_at",
    "max_quantity_per_order",
    "settlement_mode",
)


def _is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _tier_errors(tiers, *, list_price_fen, require_discount: bool) -> list[str]:
    if not tiers:
        return [_("Add at least one price tier.")]
    if len(tiers) > MAX_TIERS:
        return [_("A deal has at most %(n)s price tiers.") % {"n": MAX_TIERS}]
    pairs = [tuple(tier) for tier in tiers]
    if any(len(pair) != 2 or not all(map(_is_whole, pair)) for pair in pairs):
        return [_("Each tier is a number of buyers and a price in fen.")]
    if any(buyers < 1 for buyers, _price in pairs):
        return [_("A tier needs at least one buyer.")]
    if any(buyers > MOST_BUYERS_PER_TIER for buyers, _price in pairs):
        return [
            _("A tier needs at most %(most)s buyers.")
            % {"most": f"{MOST_BUYERS_PER_TIER:,}"}
        ]
    if any(price < 1 for _buyers, price in pairs):
        return [_("Every tier price must be more than zero.")]
    if any(price > MOST_PRICE_FEN for _buyers, price in pairs):
        return [
            _("A tier price may be at most %(price)s.")
            % {"price": format_fen(MOST_PRICE_FEN)}
        ]
    ordered = sorted(pairs)
    if len({buyers for buyers, _price in ordered}) != len(ordered):
        return [_("Two tiers have the same number of buyers.")]
    if any(later[1] >= earlier[1] for earlier, later in pairwise(ordered)):
        return [_("Each tier with more buyers must be cheaper than the one before.")]
    if not _is_whole(list_price_fen):
        return []
    # The dearest tier (fewest buyers) is the one to compare: at the list price
    # a "group price" is no discount at all.
    if require_discount and ordered[0][1] >= list_price_fen:
        return [group_price_not_below(list_price_fen)]
    if ordered[0][1] > list_price_fen:
        return [_("Group prices cannot be above the list price.")]
    return []


def group_price_not_below(list_price_fen: int) -> str:
    return _(
        "Every group price must be below the list price (%(price)s): "
        "a tier at the list price offers buyers no discount."
    ) % {"price": format_fen(list_price_fen)}


def stock_too_large() -> str:
    return _("A group buy has at most %(most)s units of stock.") % {
        "most": f"{MOST_STOCK:,}"
    }


def _validation_errors(fields: dict, *, now: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not fields["title"].strip():
        add("title", _("Give the deal a title."))
    elif len(fields["title"].strip()) > 200:
        add("title", _("Keep the title under 200 characters."))
    if not _is_whole(fields["list_price_fen"]) or fields["list_price_fen"] < 1:
        add("list_price_fen", _("The list price must be more than zero."))
    elif fields["list_price_fen"] > MOST_PRICE_FEN:
        add(
            "list_price_fen",
            _("The list price may be at most %(price)s.")
            % {"price": format_fen(MOST_PRICE_FEN)},
        )
    elif above := _list_price_above_shelf(fields):
        add("list_price_fen", above)
    for message in _tier_errors(
        fields["tiers"],
        list_price_fen=fields["list_price_fen"],
        require_discount=fields.get("require_discount", True),
    ):
        add("tiers", message)
    stock = fields["stock"]
    if not _is_whole(stock) or stock < 1:
        add("stock", _("Stock must be at least one unit."))
    elif stock > MOST_STOCK:
        add("stock", stock_too_large())
    elif "tiers" not in errors and stock < min(b for b, _p in fields["tiers"]):
        add(
            "stock",
            ngettext(
                "A stock of %(stock)s unit can never reach the first tier.",
                "A stock of %(stock)s units can never reach the first tier.",
                stock,
            )
            % {"stock": stock},
        )
    limit = fields["max_quantity_per_order"]
    if not _is_whole(limit) or limit < 1:
        add("max_quantity_per_order", _("Allow at least one unit per order."))
    elif limit > MOST_UNITS_PER_ORDER:
        add(
            "max_quantity_per_order",
            _("Allow at most %(most)s units per order.")
            % {"most": f"{MOST_UNITS_PER_ORDER:,}"},
        )
    elif "stock" not in errors and limit > stock:
        # No order could ever take that many: the limit would promise buyers
        # what the deal does not have.
        add("max_quantity_per_order", limit_above_stock(stock))
    starts_at, deadline_at = fields["starts_at"], fields["deadline_at"]
    for name, moment in (("starts_at", starts_at), ("deadline_at", deadline_at)):
        if not isinstance(moment, datetime) or timezone.is_naive(moment):
            add(name, _("Give a date and time with its time zone."))
    if "starts_at" not in errors and "deadline_at" not in errors:
        # The past first: a start left empty is now, and "after the start" read
        # as if the owner had given one.
        if deadline_at <= now:
            add("deadline_at", deadline_passed())
        elif deadline_at <= starts_at:
            add("deadline_at", _("The deadline must be after the start."))
        elif deadline_at > (latest := latest_deadline(starts_at=starts_at, since=now)):
            add("deadline_at", deadline_too_late(latest))
    if not fields["product"].is_active:
        add("product", _("This product is no longer sold."))
    elif _original_price_without_listing(fields):
        add("product", not_listed())
    return errors


def not_listed() -> str:
    return _(
        "Your shop does not list this product: list it at its everyday price "
        "first, as the deal's list price is shown as what you sell it for."
    )


def _original_price_without_listing(fields: dict) -> bool:
    """Whether the deal shows an original price the shop has no everyday price to
    back: its list price is struck through beside its group prices as what the
    shop charges, so a product the shop does not list (or no longer lists)
    would let any figure through. A deal sold at an agreed price (a demand's
    offer, ``require_discount`` False, its list price its only tier's price)
    claims no discount and needs no listing."""
    from groupbuy.catalog.selectors import listing_for

    if listing_for(merchant=fields["merchant"], product=fields["product"]):
        return False
    if fields.get("require_discount", True):
        return True
    prices = [tier[1] for tier in fields["tiers"] if len(tuple(tier)) == 2]
    if not prices or not all(map(_is_whole, [*prices, fields["list_price_fen"]])):
        return False  # refused on its own field
    return fields["list_price_fen"] > max(prices)


def limit_above_stock(stock: int) -> str:
    return ngettext(
        "The deal has %(stock)s unit in stock: allow at most %(stock)s per order.",
        "The deal has %(stock)s units in stock: allow at most %(stock)s per order.",
        stock,
    ) % {"stock": stock}


def default_limit(stock) -> int:
    """Return the most units per order a deal gets when none is given: 5, or
    its whole stock when that is less."""
    if _is_whole(stock) and 1 <= stock < DEFAULT_UNITS_PER_ORDER:
        return stock
    return DEFAULT_UNITS_PER_ORDER


def deal_max_days() -> int:
    return getattr(settings, "GROUPBUY_DEAL_MAX_DAYS", 90)


def latest_deadline(*, starts_at: datetime, since: datetime) -> datetime:
    """Return the latest deadline of a deal selling from ``starts_at``, or from
    ``since`` (now, or when an open deal was made) when that is later. Buyers'
    payments wait in escrow until the deadline: a deal in 2099 would hold them
    for years."""
    return max(starts_at, since) + timedelta(days=deal_max_days())


def deadline_too_late(latest: datetime) -> str:
    return _(
        "A group buy sells for at most %(days)s days, as buyers' payments wait "
        "until its deadline: choose a deadline by %(latest)s."
    ) % {
        "days": deal_max_days(),
        "latest": timezone.localtime(latest).strftime("%Y-%m-%d %H:%M"),
    }


def deadline_passed() -> str:
    return _("This deadline has passed: choose a time in the future.")


def everyday_price_exceeded(*, merchant, product, price_fen: int) -> int | None:
    """Return the merchant's everyday price of ``product`` when ``price_fen`` is
    above it, else None. A list price is shown struck through beside the group
    price as what the shop charges: above its everyday price it is a discount
    that never was (a fictitious original price, which China's price rules
    forbid). A product the merchant does not list has nothing to compare with:
    a deal that shows an original price is refused for it on its own
    (``_original_price_without_listing``)."""
    from groupbuy.catalog.selectors import listing_for

    listing = listing_for(merchant=merchant, product=product)
    if listing is None or price_fen <= listing.price_fen:
        return None
    return listing.price_fen


def _list_price_above_shelf(fields: dict) -> str:
    everyday = everyday_price_exceeded(
        merchant=fields["merchant"],
        product=fields["product"],
        price_fen=fields["list_price_fen"],
    )
    if everyday is None:
        return ""
    return _(
        "The list price cannot be above %(price)s, what you sell this product for "
        "every day: buyers would see a discount that is not there."
    ) % {"price": format_fen(everyday)}


def _fields_of(deal: Deal) -> dict:
    return {
        "merchant": deal.merchant,
        "product": deal.product,
        "title": deal.title,
        "list_price_fen": deal.list_price_fen,
        "tiers": [(t.min_participants, t.price_fen) for t in deal.tiers.all()],
        "stock": deal.stock,
        "starts_at": deal.starts_at,
        "deadline_at": deal.deadline_at,
        "max_quantity_per_order": deal.max_quantity_per_order,
    }


def _raise_if_invalid(fields: dict) -> None:
    errors = _validation_errors(fields, now=timezone.now())
    if errors:
        first = next(iter(errors.values()))[0]
        raise DealError("invalid", first, fields=errors)


def _replace_tiers(deal: Deal, tiers) -> None:
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
    _raise_if_invalid(fields)
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
        _replace_tiers(deal, tiers)
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


def deal_update(*, actor, deal: Deal, **changes) -> Deal:
    """Change a draft deal; ``changes`` are any of ``EDITABLE_FIELDS``."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"deal_update() cannot change {sorted(unknown)}")
    check_can_manage(actor=actor, merchant=deal.merchant)
    _check_settlement_mode(changes.get("settlement_mode", deal.settlement_mode))
    with transaction.atomic():
        deal = lock_deal(deal)
        if deal.state != State.DRAFT:
            raise Conflict("not_draft", _("Only a draft deal can be edited."))
        _raise_if_invalid({**_fields_of(deal), **changes})
        for name, value in changes.items():
            if name != "tiers":
                setattr(deal, name, value.strip() if isinstance(value, str) else value)
        deal.save(update_fields=[*(set(changes) - {"tiers"}), "updated_at"])
        if "tiers" in changes:
            _replace_tiers(deal, changes["tiers"])
        audit_log(
            actor=actor, action="deals.deal.updated", obj=deal, data=_loggable(changes)
        )
    return deal


def _check_settlement_mode(mode: str) -> None:
    if mode not in Deal.SettlementMode.values:
        raise DealError(
            "invalid",
            _("Not a settlement mode."),
            fields={"settlement_mode": [_("Not a settlement mode.")]},
        )


def _loggable(changes: dict) -> dict:
    return {
        name: (
            value.public_id
            if hasattr(value, "public_id")
            else value.isoformat()
            if isinstance(value, datetime)
            else value
        )
        for name, value in changes.items()
    }


def deal_open(*, actor, deal: Deal) -> Deal:
    """Open a draft deal for joining (from ``starts_at``) until its deadline.

    Schedules the close at the exact deadline; opening twice changes nothing.
    """
    check_can_manage(actor=actor, merchant=deal.merchant)
    with transaction.atomic():
        deal = lock_deal(deal)
        if deal.state == State.OPEN:
            return deal
        if deal.state != State.DRAFT:
            raise Conflict("deal_closed", _("This group buy has already closed."))
        # The everyday price it is checked against may not drop meanwhile:
        # catalog's listing_update locks this row before reading the open deals.
        Listing.objects.select_for_update().filter(
            merchant_id=deal.merchant_id, product_id=deal.product_id
        ).values_list("pk").first()
        # The prices were held to a discount when set (deal_create, deal_update);
        # what may have moved since is the everyday price, checked again here.
        _raise_if_invalid({**_fields_of(deal), "require_discount": False})
        check_has_pickup_branch(deal.merchant, lock=True)
        deal.state = State.OPEN
        deal.save(update_fields=["state", "updated_at"])
        audit_log(actor=actor, action="deals.deal.opened", obj=deal)
        deal_opened.send(sender=Deal, deal=deal, actor=actor)
        after_commit(schedule_close_at_deadline, deal.public_id, deal.deadline_at)
        push_progress_on_commit(deal)
    return deal


def check_has_pickup_branch(merchant, *, lock: bool = False) -> None:
    """Refuse to open a deal at a shop with no active branch. Every buyer
    collects at a branch; with none, shoppers could join and pay with nowhere
    to collect (a draft may wait while the shop adds its first branch). A
    demand's offer, which opens a deal when accepted, is refused with it.

    ``lock`` (inside a transaction) locks the open branches until it ends, so
    the last one cannot close meanwhile (catalog's ``branch_update`` locks
    them to refuse closing the last one while a deal is open)."""
    branches = Branch.objects.filter(merchant=merchant, is_active=True)
    if lock:
        branches = branches.select_for_update().order_by("pk").values_list("pk")
        has_one = bool(list(branches))
    else:
        has_one = branches.exists()
    if has_one:
        return
    # No field: none of the requests that open a deal sends the shop (it is
    # the deal's, or in the address). A demand's offer, which does send it,
    # files this under its ``merchant_id``.
    raise DealError(
        "no_pickup_branch",
        _("This shop has no open branch for buyers to collect from: add one first."),
    )


def schedule_close_at_deadline(deal_public_id: str, deadline_at: datetime) -> None:
    from groupbuy.deals.tasks import deal_close_task

    deal_close_task.schedule(args=(deal_public_id,), eta=deadline_at)
