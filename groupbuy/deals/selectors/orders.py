"""Orders for their shopper, deals and orders for their merchant, and the
operator's overview; each getter checks who asks."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    BigIntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Merchant
from groupbuy.core.errors import Forbidden, NotFound
from groupbuy.core.pagination import PageResult, paginate
from groupbuy.deals.models import SCHEDULED, Deal, DealOrder
from groupbuy.deals.selectors.deals import _with_details
from groupbuy.deals.selectors.detail import is_merchant_staff

State = Deal.State
Status = DealOrder.Status


def _orders(queryset: QuerySet) -> QuerySet:
    return queryset.select_related(
        "deal",
        "deal__merchant",
        "deal__product",
        "shopper",
        "payment_intent",
        "pickup_branch",
    )


def order_list_for_shopper(
    *,
    user,
    status: str | None = None,
    shown_status: str | None = None,
    page: int = 1,
    page_size: int | None = None,
) -> PageResult:
    """Return the shopper's orders, newest first, of a ``status`` or of a
    ``shown_status`` (My orders' tabs; see ``shown_status_is``)."""
    if not getattr(user, "is_authenticated", False):
        return paginate([], page_size=page_size)
    orders = _orders(DealOrder.objects.filter(shopper=user))
    if status:
        orders = orders.filter(status=status)
    if shown_status:
        orders = orders.filter(shown_status_is(shown_status))
    return paginate(orders, page=page, page_size=page_size)


def shown_status_is(status: str) -> Q:
    """Match the orders whose ``DealOrder.shown_status`` is ``status``: a paid
    order its shopper cancelled is under Cancelled, not Refunded (My orders'
    tabs, the merchant console's status filters)."""
    cancelled_by_shopper = Q(
        status=DealOrder.Status.REFUNDED,
        cancel_reason=DealOrder.CancelReason.SHOPPER,
    )
    if status == DealOrder.Status.CANCELLED:
        return Q(status=status) | cancelled_by_shopper
    if status == DealOrder.Status.REFUNDED:
        return Q(status=status) & ~cancelled_by_shopper
    return Q(status=status)


def order_get_for_user(*, user, order_id: str) -> DealOrder:
    """Return the order for its shopper, its merchant's staff or an operator."""
    order = _orders(DealOrder.objects.filter(public_id=order_id)).first()
    is_allowed = order is not None and (
        order.shopper_id == getattr(user, "pk", None)
        or is_merchant_staff(user=user, merchant_id=order.deal.merchant_id)
    )
    if not is_allowed:
        raise NotFound("not_found", _("There is no such order."))
    return order


def deal_failure_refunded_buyers(*, deal: Deal) -> int:
    """Return how many buyers a failed deal refunds: those refunded because it
    failed or was stopped, and those still paid, whom its settlement refunds
    next (a big deal is refunded in batches)."""
    reasons = [DealOrder.CancelReason.DEAL_FAILED, DealOrder.CancelReason.DEAL_STOPPED]
    return (
        DealOrder.objects.filter(deal=deal)
        .filter(Q(status=Status.PAID) | Q(cancel_reason__in=reasons))
        .values("shopper")
        .distinct()
        .count()
    )


def _order_payments(reference):
    """The payments that brought money in for an order (``reference``: its
    public id, or an ``OuterRef`` to it): its own and, for an order another app
    keeps (a team place), that app's purpose (``deals.order_keepers``)."""
    from groupbuy.deals.order_keepers import kept_purposes
    from groupbuy.deals.services.payments import ORDER_PURPOSE
    from groupbuy.escrow.models import PaymentIntent

    return PaymentIntent.objects.filter(
        purpose__in=[ORDER_PURPOSE, *kept_purposes()],
        reference=reference,
        status=PaymentIntent.Status.SUCCEEDED,
    )


def order_paid_fen(*, order: DealOrder) -> int:
    """Return what the order's own payments brought in, refunds aside: a demand's
    deposit applied to it counts whole, so it may be more than ``amount_fen``
    (or less: an order a deposit paid in part and nothing else yet). An order
    another app keeps (a team place) is paid under that app's purpose
    (``deals.order_keepers``), for the order too."""
    return sum(_order_payments(order.public_id).values_list("amount_fen", flat=True))


@dataclass(frozen=True)
class OrderMoney:
    """An order's money as staff compare it: what its payments brought in
    (``paid_fen``), what went back of it (``refunded_fen``: refunds of some
    units, a coupon's unused units, the difference to the final price, the
    whole order) and what is kept (``kept_fen``, the difference). The order's
    ``amount_fen`` is what its units still cost, lower after a refund of some
    of them, so it is neither."""

    paid_fen: int
    refunded_fen: int

    @property
    def kept_fen(self) -> int:
        return max(0, self.paid_fen - self.refunded_fen)


def order_money(*, order: DealOrder) -> OrderMoney:
    """Return ``order``'s ``OrderMoney`` (its ``paid_fen`` annotation, from
    ``orders_with_paid_fen``, when a list read it; else one query)."""
    paid_fen = getattr(order, "paid_fen", None)
    if paid_fen is None:
        paid_fen = order_paid_fen(order=order)
    return OrderMoney(paid_fen=paid_fen, refunded_fen=order.refunded_fen)


def orders_with_paid_fen(orders: QuerySet) -> QuerySet:
    """``orders`` annotated with ``paid_fen``, ``order_paid_fen`` of each row in
    the same query: what the lists and CSVs of many orders show as paid (the
    order's ``amount_fen`` is what it costs, not what came in)."""
    paid = (
        _order_payments(OuterRef("public_id"))
        .order_by()
        .values("reference")
        .annotate(total=Sum("amount_fen"))
        .values("total")
    )
    return orders.annotate(
        paid_fen=Coalesce(Subquery(paid, output_field=BigIntegerField()), 0)
    )


def orders_deposit_kept(orders) -> dict:
    """Return ``{order pk: KeptDeposit}`` for the orders among ``orders`` that
    left their deal with part of their money kept: a demand's deposit applied
    to the order, kept by the demand's rule as its shopper left (the merchant's
    or the platform's). What the order page says instead of a refund of ¥0.
    No query when none of them has left; two otherwise."""
    from groupbuy.deals.services.payments import ORDER_PURPOSE
    from groupbuy.escrow.selectors import deposits_kept

    left = {
        order.public_id: order.pk
        for order in orders
        if order.status in (Status.REFUNDED, Status.CANCELLED)
    }
    if not left:
        return {}
    kept = deposits_kept(purpose=ORDER_PURPOSE, references=list(left))
    return {left[reference]: deposit for reference, deposit in kept.items()}


def require_merchant_deals_staff(*, user, merchant: Merchant) -> None:
    """Refuse (403 ``forbidden``) anyone but the merchant's staff and the
    operators: only they read its group buys, their orders and sales."""
    if not is_merchant_staff(user=user, merchant_id=merchant.pk):
        raise Forbidden(
            "forbidden", _("Only this merchant's staff can see its group buys.")
        )


def merchant_get_for_deals_staff(*, user, merchant_id: str) -> Merchant:
    """Return the merchant (active or not) of public id ``merchant_id`` for its
    staff or an operator to read its group buys: 404 when there is none, then
    403 for anyone else (``require_merchant_deals_staff``)."""
    merchant = get_object_or_404(Merchant, public_id=merchant_id)
    require_merchant_deals_staff(user=user, merchant=merchant)
    return merchant


def shown_state_is(state: str, *, now=None) -> Q:
    """Match the deals whose ``Deal.shown_state`` is ``state`` (at ``now``): an
    open deal before its start is under Scheduled, not Open (``is_scheduled``);
    a settled deal that failed (a stopped one too) is under Failed, not
    Settled; a deal another app sold goes by the outcome that app gives
    (``order_keepers``)."""
    from groupbuy.deals.order_keepers import kept_deals_not_failed

    if state in (SCHEDULED, State.OPEN):
        now = now or timezone.now()
        started = Q(starts_at__lte=now)
        return Q(state=State.OPEN) & (~started if state == SCHEDULED else started)
    failed = Q(state__in=[State.FAILED, State.SETTLED], final_price_fen__isnull=True)
    if (not_failed := kept_deals_not_failed()) is not None:
        failed &= ~not_failed
    if state == State.FAILED:
        return failed
    if state == State.SETTLED:
        return Q(state=State.SETTLED) & ~failed
    if state == State.SUCCEEDED:
        return Q(state=State.SUCCEEDED) | (Q(state=State.FAILED) & ~failed)
    return Q(state=state)


def deal_list_for_merchant(
    *,
    user,
    merchant,
    state: str | None = None,
    page=1,
    page_size: int | None = None,
    now=None,
) -> PageResult:
    """Return the merchant's deals, latest deadline first, all of them or those
    whose ``shown_state`` is ``state`` (as each row's label reads): ``open``
    leaves out the open deals not started yet, which ``scheduled`` lists."""
    require_merchant_deals_staff(user=user, merchant=merchant)
    deals = Deal.objects.filter(merchant=merchant)
    if state:
        deals = deals.filter(shown_state_is(state, now=now))
    deals = _with_details(deals).order_by("-deadline_at", "-id")
    return paginate(deals, page=page, page_size=page_size)


def merchant_has_opened_a_deal(*, merchant) -> bool:
    """Return whether the merchant ever opened a deal (a draft is not one)."""
    return (
        Deal.objects.filter(merchant=merchant).exclude(state=Deal.State.DRAFT).exists()
    )


def order_list_for_deal(
    *,
    user,
    deal: Deal,
    status: str | None = None,
    shown_status: str | None = None,
    page=1,
    page_size: int | None = None,
) -> PageResult:
    """Return a deal's orders, newest first (its merchant's staff only), of a
    ``status`` or of a ``shown_status`` (the console's tabs), each with
    ``paid_fen`` (``orders_with_paid_fen``)."""
    require_merchant_deals_staff(user=user, merchant=deal.merchant)
    orders = orders_with_paid_fen(_orders(DealOrder.objects.filter(deal=deal)))
    if status:
        orders = orders.filter(status=status)
    if shown_status:
        orders = orders.filter(shown_status_is(shown_status))
    return paginate(orders, page=page, page_size=page_size)


def order_deal_titles(references: list[str]) -> dict[str, str]:
    """Return, by order id, the title of the deal each of ``references`` is an
    order of (what a merchant earned on the order was for)."""
    return dict(
        DealOrder.objects.filter(public_id__in=references).values_list(
            "public_id", "deal__title"
        )
    )


def order_descriptions(references: list[str], *, for_merchant: bool) -> dict[str, str]:
    """Return, by order id, what each of ``references`` was, in the active
    language: its product and the day it was ordered (in the site's time
    zone), and for its shop the shopper, masked as on shared lists (a line of
    money taken back for the shopper names the sale it undoes)."""
    from groupbuy.accounts.names import mask_display_name
    from groupbuy.accounts.phones import mask_phone

    orders = DealOrder.objects.filter(public_id__in=references).select_related(
        "deal__product", "shopper"
    )
    texts = {}
    for order in orders:
        words = {
            "product": order.deal.product.name,
            "day": timezone.localtime(order.joined_at).strftime("%Y-%m-%d"),
        }
        if not for_merchant:
            texts[order.public_id] = _("%(product)s, ordered %(day)s") % words
            continue
        shopper = mask_display_name(order.shopper)
        if shopper == "***" and order.shopper.phone:
            shopper = mask_phone(order.shopper.phone)
        texts[order.public_id] = _("%(product)s, ordered %(day)s by %(shopper)s") % {
            **words,
            "shopper": shopper,
        }
    return texts
