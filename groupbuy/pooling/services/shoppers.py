"""What shoppers tell the platform: preferences, carts and pool requests."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupbuy.catalog.geo import haversine_m, is_valid_coordinate
from groupbuy.catalog.models import Branch, Product
from groupbuy.core.audit import audit_log
from groupbuy.core.i18n import interpolate_lazy
from groupbuy.core.moments import CLOCK_SLACK
from groupbuy.core.money import format_fen
from groupbuy.core.transactions import after_commit
from groupbuy.pooling import savings
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.models import CartReport, PoolingProfile, PoolRequest, Promotion

GROUP_SIZES = range(2, 7)
# The most units one request pools: matching prices every candidate group's
# units together, and pooling is for shoppers buying a few of something.
MAX_POOLED_UNITS = 50
# The audit action of each kind of cart report, spelt out for the audit trail's
# labels (groupbuy_app.audit_actions).
CART_REPORTED = {
    CartReport.Kind.PURCHASE: "pooling.cart.purchase_reported",
    CartReport.Kind.INTENDED: "pooling.cart.intended_reported",
}


def _invalid(field: str, message: str) -> PoolingError:
    # 400, as every service's refusal of a value it was sent: 422 is the API's
    # own answer to a value that does not fit the schema (docs/api.md, Errors).
    return PoolingError("invalid", message, fields={field: [message]})


def at_most_said():
    """Say the most an amount or a price may be ("At most ¥1,000,000.00."), in
    the language it is read in (a form field's error)."""
    return interpolate_lazy(
        gettext_lazy("At most %(amount)s."), {"amount": format_fen(savings.MAX_FEN)}
    )


def _check_amount(amount_fen: int | None) -> None:
    """More than nothing and at most savings.MAX_FEN, as the API's schemas say:
    the pages and a cart's items summed reach here unchecked."""
    if amount_fen is None or amount_fen <= 0:
        raise _invalid("amount_fen", _("The amount must be more than zero."))
    _check_amount_at_most(amount_fen)


def _check_amount_at_most(amount_fen: int) -> None:
    if amount_fen > savings.MAX_FEN:
        raise _invalid(
            "amount_fen",
            _("The amount can be at most %(amount)s.")
            % {"amount": format_fen(savings.MAX_FEN)},
        )


def profile_get_or_create(*, user) -> PoolingProfile:
    profile, _created = PoolingProfile.objects.get_or_create(user=user)
    return profile


def profile_update(
    *,
    actor,
    max_group_size: int,
    max_walk_m: int,
    is_discoverable: bool,
    is_invitable: bool = False,
) -> PoolingProfile:
    if max_group_size not in GROUP_SIZES:
        raise _invalid("max_group_size", _("A group has 2 to 6 people."))
    with transaction.atomic():
        profile = profile_get_or_create(user=actor)
        profile.max_group_size = max_group_size
        profile.max_walk_m = max_walk_m
        profile.is_discoverable = is_discoverable
        profile.is_invitable = is_invitable
        profile.save(
            update_fields=[
                "max_group_size",
                "max_walk_m",
                "is_discoverable",
                "is_invitable",
                "updated_at",
            ]
        )
        audit_log(
            actor=actor,
            action="pooling.profile.updated",
            obj=profile,
            data={
                "max_group_size": max_group_size,
                "max_walk_m": max_walk_m,
                "is_discoverable": is_discoverable,
                "is_invitable": is_invitable,
            },
        )
    return profile


def _check_window(start: datetime, end: datetime) -> None:
    if end <= start:
        raise _invalid("window_end_at", _("The time window must end after it starts."))


# A purchase's window may begin a little ahead of the server's clock (the
# shopper's phone may run fast); beyond that it has not happened yet.
PURCHASE_CLOCK_SLACK = CLOCK_SLACK


def _check_window_against_now(kind: str, start, end, *, now: datetime) -> None:
    # A plan already over is a purchase made (or a slip), and a purchase that
    # has not begun is a plan: listed as the other, either would mislead the
    # shopper and their profile's times.
    if kind == CartReport.Kind.INTENDED and end <= now:
        raise _invalid(
            "window_end_at",
            _(
                "A planned purchase must end later than now. "
                "If you already bought it, report it as a purchase."
            ),
        )
    if kind == CartReport.Kind.PURCHASE and start > now + PURCHASE_CLOCK_SLACK:
        raise _invalid(
            "window_start_at",
            _(
                "A purchase already made cannot start later than now. "
                "If you are going to buy it, report it as a planned purchase."
            ),
        )


def cart_report(
    *,
    actor,
    branch: Branch,
    kind: str,
    window_start_at: datetime,
    window_end_at: datetime,
    amount_fen: int | None = None,
    items: list[dict] = (),
    now: datetime | None = None,
) -> CartReport:
    """Record a purchase or an intended cart: items, an amount, or both (an
    amount given wins over the items' sum, which may list only some items). An
    intended cart's window must not be over yet, a purchase's must have begun."""
    if kind not in CartReport.Kind.values:
        raise _invalid("kind", _("Report a purchase or an intended cart."))
    for item in items:
        if item["unit_price_fen"] < 0 or item["quantity"] < 1:
            raise _invalid("items", _("Prices cannot be negative."))
    if items and amount_fen is None:
        amount_fen = sum(item["unit_price_fen"] * item["quantity"] for item in items)
    _check_amount(amount_fen)
    _check_window(window_start_at, window_end_at)
    _check_window_against_now(
        kind, window_start_at, window_end_at, now=now or timezone.now()
    )
    with transaction.atomic():
        report = CartReport.objects.create(
            user=actor,
            branch=branch,
            kind=kind,
            amount_fen=amount_fen,
            items=list(items),
            window_start_at=window_start_at,
            window_end_at=window_end_at,
        )
        product_ids = {item.get("product_id") for item in items} - {None}
        if product_ids:
            report.products.set(Product.objects.filter(public_id__in=product_ids))
        audit_log(
            actor=actor,
            action=CART_REPORTED[kind],
            obj=report,
            data={"amount_fen": amount_fen, "branch": branch.public_id},
        )
    return report


def cart_delete(*, actor, cart: CartReport) -> None:
    """Delete one of my cart reports (and the contact requests made for it; a
    pool request keeps its own amount and items)."""
    with transaction.atomic():
        deleted, _rows = CartReport.objects.filter(pk=cart.pk, user=actor).delete()
        if not deleted:
            raise PoolingError("not_found", _("Not found."), status=404)
        audit_log(actor=actor, action="pooling.cart.deleted", obj=cart)


def promotion_runs_at(promotion: Promotion, branch: Branch) -> bool:
    if promotion.branch_id is not None:
        return promotion.branch_id == branch.pk
    return promotion.merchant_id == branch.merchant_id


def walk_m(branch: Branch, latitude, longitude) -> float | None:
    """Metres from (``latitude``, ``longitude``) to ``branch``; None when either
    place is unknown."""
    if None in (latitude, longitude, branch.latitude, branch.longitude):
        return None
    return haversine_m(
        float(latitude),
        float(longitude),
        float(branch.latitude),
        float(branch.longitude),
    )


def _check_location(branch: Branch, latitude, longitude, max_walk_m: int) -> None:
    if (latitude is None) != (longitude is None):
        raise _invalid("longitude", _("Give both latitude and longitude, or neither."))
    if latitude is not None and not is_valid_coordinate(latitude, longitude):
        raise _invalid("latitude", _("That is not a place on Earth."))
    distance = walk_m(branch, latitude, longitude)
    if distance is not None and distance > max_walk_m:
        raise PoolingError(
            "too_far",
            _(
                "That shop is %(distance)d m from you, farther than the %(walk)d m "
                "you will walk (see your pooling preferences)."
            )
            % {"distance": round(distance), "walk": max_walk_m},
            status=409,
            fields={"branch": [_("Pick a shop within walking distance.")]},
        )


def _items_to_pool(promotion: Promotion, items) -> tuple[list[dict], int]:
    """The items of a request for a promotion priced on items, the ones it
    counts, and their amount; 400 when none counts."""
    for item in items:
        if item.get("unit_price_fen", 0) < 0 or item.get("quantity", 0) < 1:
            raise _invalid("items", _("Prices cannot be negative."))
    rules = promotion.rules()
    lines = savings.counted_items(
        rules,
        [
            savings.Line(
                item.get("product_id"), item["unit_price_fen"], item["quantity"]
            )
            for item in items
        ],
    )
    if not lines:
        raise _invalid(
            "items",
            _(
                "None of these items is in this promotion: list the products "
                "you will buy, with their prices."
            ),
        )
    if sum(line.quantity for line in lines) > MAX_POOLED_UNITS:
        raise _invalid(
            "items",
            _("Pool at most %(count)d items at a time.") % {"count": MAX_POOLED_UNITS},
        )
    counted = [
        {
            "product_id": line.product_id,
            "unit_price_fen": line.unit_price_fen,
            "quantity": line.quantity,
        }
        for line in lines
    ]
    return counted, savings.eligible_fen(rules, lines)


def pool_request_create(
    *,
    actor,
    promotion: Promotion,
    branch: Branch,
    deadline_at: datetime,
    amount_fen: int | None = None,
    items: list[dict] | None = None,
    window_start_at: datetime | None = None,
    window_end_at: datetime | None = None,
    max_group_size: int | None = None,
    cart: CartReport | None = None,
    latitude: float | Decimal | None = None,
    longitude: float | Decimal | None = None,
) -> PoolRequest:
    """Ask to pool a cart for ``promotion`` at ``branch`` before ``deadline_at``,
    optionally from where the shopper is (a shop farther than their profile's
    ``max_walk_m`` is refused).

    A spend-and-save promotion pools ``amount_fen``; one priced on items (buy
    n pay m, second item) pools ``items`` (or the ``cart``'s), of which only
    those the promotion counts are kept."""
    now = timezone.now()
    if not promotion.is_running(now):
        raise PoolingError(
            "promotion_not_running", _("This promotion is not running."), status=409
        )
    if not promotion_runs_at(promotion, branch):
        raise PoolingError(
            "wrong_branch",
            _("This promotion does not run at that branch."),
            status=409,
            fields={"branch": [_("Pick a branch where the promotion runs.")]},
        )
    if promotion.kind == savings.THRESHOLD:
        items = []
        _check_amount(amount_fen)
    else:
        items, amount_fen = _items_to_pool(
            promotion, items or (cart.items if cart is not None else [])
        )
        _check_amount_at_most(amount_fen)
    if deadline_at <= now:
        raise _invalid("deadline_at", _("The deadline must be in the future."))
    deadline_at = min(deadline_at, promotion.ends_at)
    window_start_at = window_start_at or now
    window_end_at = window_end_at or deadline_at
    _check_window(window_start_at, window_end_at)
    profile = profile_get_or_create(user=actor)
    size = max_group_size or profile.max_group_size
    if size not in GROUP_SIZES:
        raise _invalid("max_group_size", _("A group has 2 to 6 people."))
    _check_location(branch, latitude, longitude, profile.max_walk_m)
    with transaction.atomic():
        standing = PoolRequest.objects.filter(
            user=actor,
            promotion=promotion,
            branch=branch,
            state__in=[PoolRequest.State.OPEN, PoolRequest.State.SUGGESTED],
        )
        if standing.exists():
            raise PoolingError(
                "already_requested",
                _("You already asked to pool for this promotion here."),
                status=409,
            )
        request = PoolRequest.objects.create(
            user=actor,
            promotion=promotion,
            branch=branch,
            cart=cart,
            amount_fen=amount_fen,
            items=items,
            max_group_size=size,
            window_start_at=window_start_at,
            window_end_at=window_end_at,
            deadline_at=deadline_at,
            latitude=_coordinate(latitude),
            longitude=_coordinate(longitude),
        )
        audit_log(
            actor=actor,
            action="pooling.request.created",
            obj=request,
            data={"amount_fen": amount_fen, "promotion": promotion.public_id},
        )
        after_commit(_match_soon, branch.pk, promotion.pk, request.pk)
    return request


def _coordinate(value) -> Decimal | None:
    return None if value is None else round(Decimal(str(value)), 6)


def _match_soon(branch_id: int, promotion_id: int, request_id: int) -> None:
    # The online step: a new request is matched at once, by a worker.
    from groupbuy.pooling.tasks import pools_match_task

    pools_match_task(branch_id, promotion_id, request_id)


def pool_request_withdraw(*, actor, request: PoolRequest) -> PoolRequest:
    with transaction.atomic():
        changed = PoolRequest.objects.filter(
            pk=request.pk, user=actor, state=PoolRequest.State.OPEN
        ).update(state=PoolRequest.State.WITHDRAWN)
        if not changed:
            request.refresh_from_db()
            if request.state == PoolRequest.State.WITHDRAWN:
                return request
            raise PoolingError(
                "not_open",
                _("Only a request still looking for a pool can be withdrawn."),
                status=409,
            )
        request.state = PoolRequest.State.WITHDRAWN
        audit_log(actor=actor, action="pooling.request.withdrawn", obj=request)
    return request
