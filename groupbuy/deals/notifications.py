"""What shoppers are told about their orders, in their own language (lazy
translations: the inbox keeps each message in every site language)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from groupbuy.core.i18n import interpolate_lazy
from groupbuy.core.money import format_fen
from groupbuy.deals.links import order_page_url
from groupbuy.deals.models import DealOrder
from groupbuy.deals.selectors.titles import deal_title_lazy
from groupbuy.notify.services import notification_enqueue


def _send(order: DealOrder, *, kind: str, title, body, data: dict) -> None:
    notification_enqueue(
        recipient=order.shopper,
        kind=kind,
        title=title,
        body=body,
        url=order_page_url(order),
        data={"order_id": order.public_id, "deal_id": order.deal.public_id, **data},
        idempotency_key=f"{kind}:{order.public_id}",
    )


def notify_order_paid(
    order: DealOrder, *, paid_fen: int, earlier_fen: int, price_may_drop: bool
) -> None:
    """Tell the shopper what they just paid (``paid_fen``) and what is held.

    ``earlier_fen`` came in before (a demand's deposit applied to the order);
    the price-drop promise is made only where more buyers can lower the price."""
    held = {
        "amount": format_fen(paid_fen),
        "deposit": format_fen(earlier_fen),
        "total": format_fen(paid_fen + earlier_fen),
    }
    _send(
        order,
        kind="deals.order.paid",
        title=interpolate_lazy(
            _("Payment received: %(title)s"), {"title": deal_title_lazy(order.deal)}
        ),
        body=interpolate_lazy(_paid_text(earlier_fen, price_may_drop), held),
        data={"amount_fen": order.amount_fen, "paid_fen": paid_fen},
    )


def _paid_text(earlier_fen: int, price_may_drop: bool):
    if earlier_fen and price_may_drop:
        return _(
            "You paid %(amount)s; with your deposit of %(deposit)s, %(total)s is "
            "held safely until the group buy closes. If more people join, you pay "
            "less and the difference comes back to you."
        )
    if earlier_fen:
        return _(
            "You paid %(amount)s; with your deposit of %(deposit)s, %(total)s is "
            "held safely until the group buy closes."
        )
    if price_may_drop:
        return _(
            "%(amount)s is held safely until the group buy closes. If more "
            "people join, you pay less and the difference comes back to you."
        )
    return _("%(amount)s is held safely until the group buy closes.")


def notify_deal_succeeded(order: DealOrder) -> None:
    if order.refunded_fen:
        body = _(
            "The final price is %(price)s each, so you pay %(charged)s and "
            "%(refund)s is refunded to you."
        )
    else:
        body = _("The final price is %(price)s each; you pay %(charged)s.")
    _send(
        order,
        kind="deals.deal.succeeded",
        title=interpolate_lazy(
            _("Group buy succeeded: %(title)s"), {"title": deal_title_lazy(order.deal)}
        ),
        body=interpolate_lazy(
            body,
            {
                "price": format_fen(order.final_unit_price_fen or 0),
                "charged": format_fen(order.charged_fen or 0),
                "refund": format_fen(order.refunded_fen),
            },
        ),
        data={
            "final_unit_price_fen": order.final_unit_price_fen,
            "charged_fen": order.charged_fen,
            "refunded_fen": order.refunded_fen,
        },
    )


def notify_deal_failed(order: DealOrder) -> None:
    _send(
        order,
        kind="deals.deal.failed",
        title=interpolate_lazy(
            _("Group buy did not go ahead: %(title)s"),
            {"title": deal_title_lazy(order.deal)},
        ),
        body=interpolate_lazy(
            _("Not enough people joined. %(amount)s is refunded to you in full."),
            {"amount": format_fen(order.refunded_fen)},
        ),
        data={"refunded_fen": order.refunded_fen},
    )


# Who stopped a deal → what its shoppers read, without and with their reason.
_STOPPED_BODIES = {
    "merchant": (
        _("The shop stopped this group buy. %(amount)s is refunded to you in full."),
        _(
            "The shop stopped this group buy. %(amount)s is refunded to you in "
            "full. The shop says: “%(reason)s”"
        ),
    ),
    "platform": (
        _(
            "The platform stopped this group buy. %(amount)s is refunded to you "
            "in full."
        ),
        _(
            "The platform stopped this group buy. %(amount)s is refunded to you "
            "in full. The platform says: “%(reason)s”"
        ),
    ),
}


def notify_deal_stopped(order: DealOrder, *, deal) -> None:
    """Tell the shopper who stopped the deal (the shop or the platform) and
    why, in their words, quoted; their payment is refunded in full."""
    without_reason, with_reason = _STOPPED_BODIES.get(
        deal.stopped_by, _STOPPED_BODIES["platform"]
    )
    _send(
        order,
        kind="deals.deal.stopped",
        title=interpolate_lazy(
            _("Group buy stopped: %(title)s"), {"title": deal_title_lazy(order.deal)}
        ),
        body=interpolate_lazy(
            with_reason if deal.stop_reason else without_reason,
            {"amount": format_fen(order.refunded_fen), "reason": deal.stop_reason},
        ),
        data={
            "refunded_fen": order.refunded_fen,
            "reason": deal.stop_reason,
            "stopped_by": deal.stopped_by,
        },
    )


def notify_order_expired(order: DealOrder) -> None:
    _send(
        order,
        kind="deals.order.expired",
        title=interpolate_lazy(
            _("Order released: %(title)s"), {"title": deal_title_lazy(order.deal)}
        ),
        body=_(
            "Your order was not paid in time, so its units went back on sale. "
            "You can join again while the group buy is open."
        ),
        data={"quantity": order.quantity},
    )


# Who stopped a deal → what the shopper of an unpaid order reads: (nothing
# paid, a deposit refunded) × (without, with their reason).
_RELEASED_STOPPED_BODIES = {
    "merchant": (
        (
            _(
                "The shop stopped this group buy before you paid, so your order "
                "was released. Nothing was charged."
            ),
            _(
                "The shop stopped this group buy before you paid, so your order "
                "was released. Nothing was charged. The shop says: “%(reason)s”"
            ),
        ),
        (
            _(
                "The shop stopped this group buy before you paid, so your order "
                "was released; the %(amount)s already paid is refunded to you."
            ),
            _(
                "The shop stopped this group buy before you paid, so your order "
                "was released; the %(amount)s already paid is refunded to you. "
                "The shop says: “%(reason)s”"
            ),
        ),
    ),
    "platform": (
        (
            _(
                "The platform stopped this group buy before you paid, so your "
                "order was released. Nothing was charged."
            ),
            _(
                "The platform stopped this group buy before you paid, so your "
                "order was released. Nothing was charged. The platform says: "
                "“%(reason)s”"
            ),
        ),
        (
            _(
                "The platform stopped this group buy before you paid, so your "
                "order was released; the %(amount)s already paid is refunded to "
                "you."
            ),
            _(
                "The platform stopped this group buy before you paid, so your "
                "order was released; the %(amount)s already paid is refunded to "
                "you. The platform says: “%(reason)s”"
            ),
        ),
    ),
}


def notify_order_released_at_close(order: DealOrder, *, stop=None) -> None:
    """Tell the shopper their unpaid order was released as its deal closed;
    ``stop`` (``closing.Stop``): the deal was stopped, by whom and why, which
    they read as its paid buyers do (``notify_deal_stopped``), under its own
    kind (until 2026-12-06 it was told as ``deals.order.deal_closed``)."""
    data = {"quantity": order.quantity, "refunded_fen": order.refunded_fen}
    if stop is not None:
        data.update(stopped_by=stop.by, reason=stop.reason)
        _send_released(
            order,
            kind="deals.order.deal_stopped",
            body=_released_stopped_body(order, stop),
            data=data,
        )
    else:
        _send_released(
            order,
            kind="deals.order.deal_closed",
            body=_released_closed_body(order),
            data=data,
        )


def _released_stopped_body(order: DealOrder, stop):
    bodies = _RELEASED_STOPPED_BODIES.get(stop.by, _RELEASED_STOPPED_BODIES["platform"])
    without_reason, with_reason = bodies[bool(order.refunded_fen)]
    return interpolate_lazy(
        with_reason if stop.reason else without_reason,
        {"amount": format_fen(order.refunded_fen), "reason": stop.reason},
    )


def _released_closed_body(order: DealOrder):
    if order.refunded_fen:
        # a demand's deposit was applied to it: that comes back
        return interpolate_lazy(
            _(
                "The group buy closed before you paid, so your order was released; "
                "the %(amount)s already paid is refunded to you."
            ),
            {"amount": format_fen(order.refunded_fen)},
        )
    return _(
        "The group buy closed before you paid, so your order was released. "
        "Nothing was charged."
    )


def _send_released(order: DealOrder, *, kind: str, body, data: dict) -> None:
    _send(
        order,
        kind=kind,
        title=interpolate_lazy(
            _("Order released: %(title)s"), {"title": deal_title_lazy(order.deal)}
        ),
        body=body,
        data=data,
    )


def notify_order_refunded(order: DealOrder) -> None:
    """Tell the shopper the merchant refunded their order, and why."""
    amount = format_fen(order.refunded_fen)
    if order.refund_reason:
        body = interpolate_lazy(
            _("%(amount)s is refunded to you in full. The shop says: “%(reason)s”"),
            {"amount": amount, "reason": order.refund_reason},
        )
    else:
        body = interpolate_lazy(
            _("%(amount)s is refunded to you in full."), {"amount": amount}
        )
    _send(
        order,
        kind="deals.order.refunded",
        title=interpolate_lazy(
            _("Order refunded: %(title)s"), {"title": deal_title_lazy(order.deal)}
        ),
        body=body,
        data={"refunded_fen": order.refunded_fen, "reason": order.refund_reason},
    )


def notify_order_units_refunded(refund) -> None:
    """Tell the shopper the shop refunded some units of their order (an
    ``OrderUnitRefund``), how much and why; once per refund."""
    order = refund.order
    kind = "deals.order.units_refunded"
    notification_enqueue(
        recipient=order.shopper,
        kind=kind,
        title=interpolate_lazy(
            _("Part of your order refunded: %(title)s"), {"title": order.deal.title}
        ),
        body=interpolate_lazy(
            _(
                "The shop refunded %(units)s of the units you paid for: "
                "%(amount)s is refunded to you, and the rest of your order "
                "stands. The shop says: “%(reason)s”"
            ),
            {
                "units": refund.units,
                "amount": format_fen(refund.amount_fen),
                "reason": refund.reason,
            },
        ),
        url=order_page_url(order),
        data={
            "order_id": order.public_id,
            "deal_id": order.deal.public_id,
            "refund_id": refund.public_id,
            "units": refund.units,
            "refunded_fen": refund.amount_fen,
            "reason": refund.reason,
        },
        idempotency_key=f"{kind}:{refund.public_id}",
    )
