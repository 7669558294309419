"""Orders as My orders, the order page and the console show them: what
happened to the money, in a sentence, and what the shopper can do."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupbuy.core.money import format_fen
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.selectors import deal_sales_end_at
from groupbuy.escrow.services import intent_pay_url
from groupbuy.web.operator_presenters import payment_status_label

Status = DealOrder.Status
Reason = DealOrder.CancelReason


_REFUNDED_SENTENCES = {
    Reason.SHOPPER: _("You cancelled this order: %(refunded)s is refunded to you."),
    Reason.DEAL_FAILED: _(
        "The group buy did not reach its target: %(refunded)s is refunded to you."
    ),
    Reason.MERCHANT: _(
        "The shop refunded this order: %(refunded)s is refunded to you."
    ),
    Reason.OPERATOR: _(
        "The platform cancelled this order: %(refunded)s is refunded to you."
    ),
}
# An order refunded as its deal was stopped, by who stopped it.
_STOPPED_SENTENCES = {
    Deal.StoppedBy.MERCHANT: _(
        "The shop stopped this group buy: %(refunded)s is refunded to you."
    ),
    Deal.StoppedBy.PLATFORM: _(
        "The platform stopped this group buy: %(refunded)s is refunded to you."
    ),
}
_CANCELLED_SENTENCES = {
    Reason.SHOPPER: _("You cancelled this order; nothing was charged."),
    Reason.PAYMENT_EXPIRED: _(
        "This order was cancelled as it was not paid in time; nothing was charged."
    ),
    Reason.PAYMENT_FAILED: _(
        "This order was cancelled as its payment was declined; nothing was charged."
    ),
    Reason.DEAL_CLOSED: _(
        "This order was cancelled as it was not paid before the group buy "
        "closed; nothing was charged."
    ),
    Reason.OPERATOR: _("The platform cancelled this order; nothing was charged."),
}
# An unpaid order cancelled as its deal was stopped, by who stopped it: without
# and with a deposit that comes back.
_CANCELLED_STOPPED_SENTENCES = {
    Deal.StoppedBy.MERCHANT: (
        _(
            "The shop stopped this group buy before you paid, so this order is "
            "cancelled; nothing was charged."
        ),
        _(
            "The shop stopped this group buy before you paid, so this order is "
            "cancelled: the %(refunded)s already paid is refunded to you."
        ),
    ),
    Deal.StoppedBy.PLATFORM: (
        _(
            "The platform stopped this group buy before you paid, so this order "
            "is cancelled; nothing was charged."
        ),
        _(
            "The platform stopped this group buy before you paid, so this order "
            "is cancelled: the %(refunded)s already paid is refunded to you."
        ),
    ),
}
# A cancelled order that had been paid in part (a demand's deposit applied to
# it): what was paid comes back, so "nothing was charged" would be wrong.
_CANCELLED_REFUNDED_SENTENCES = {
    Reason.PAYMENT_EXPIRED: _(
        "This order was cancelled as it was not paid in time: the %(refunded)s "
        "already paid is refunded to you."
    ),
    Reason.DEAL_CLOSED: _(
        "This order was cancelled as it was not paid before the group buy "
        "closed: the %(refunded)s already paid is refunded to you."
    ),
}


@dataclass
class OrderView:
    """An order with what its page says about it."""

    order: DealOrder
    is_waiting_for_payment_confirmation: bool
    needs_payment: bool
    pay_url: str
    can_cancel: bool
    state_tone: str  # "ok", "warn", "bad" or "info": the pill's colour
    # The payment was declined and a new one may be made (within the window).
    can_retry_payment: bool = False

    @property
    def is_payment_declined(self) -> bool:
        intent = self.order.payment_intent
        return (
            self.order.status == Status.PENDING_PAYMENT
            and intent is not None
            and intent.status == intent.Status.FAILED
        )

    @property
    def late_refund_fen(self) -> int:
        return self.order.late_refund_fen

    @cached_property
    def paid_fen(self) -> int:
        """What the order's payments brought in (a deposit applied to it too)."""
        from groupbuy.deals.selectors import order_paid_fen

        return order_paid_fen(order=self.order)

    @property
    def up_front_fen(self) -> int:
        """What the order pays up front: its amount, or more where a demand's
        deposit larger than the amount paid it (the rest is refunded at close)."""
        return max(self.order.amount_fen, self.paid_fen)

    @property
    def is_up_front_unpaid(self) -> bool:
        """Whether the order's payments have not brought in what it pays up
        front: it awaits its payment (or the rest of it), or it ended unpaid.
        Its page then names the amount a price, not what was paid."""
        return self.paid_fen < self.up_front_fen

    @property
    def up_front_per_unit_fen(self) -> int | None:
        """The price paid up front per unit, where the order paid it per unit
        (a deposit larger than the order's amount was not)."""
        order = self.order
        if self.up_front_fen != order.quantity * order.unit_price_cap_fen:
            return None
        return order.unit_price_cap_fen

    @cached_property
    def leave_terms(self):
        """What another app's rule keeps if the shopper cancels the order (a
        demand's deposit: cancelling is leaving the demand), None if nothing."""
        from groupbuy.deals.leave_hooks import leave_terms

        return leave_terms(self.order)

    @property
    def cancel_refund_fen(self) -> int:
        """What cancelling now gives back: what the payments brought in, less
        what such a rule keeps."""
        kept_fen = self.leave_terms.kept_fen if self.leave_terms else 0
        return max(0, self.paid_fen - kept_fen)

    @property
    def paid_so_far_fen(self) -> int:
        """Paid already on an order that still awaits its payment (a demand's
        deposit applied to it); the payment asked for is the rest."""
        return self.paid_fen if self.needs_payment else 0

    @property
    def refunded_fen(self) -> int:
        return self.order.refunded_fen or self.late_refund_fen

    @cached_property
    def unit_refunds(self) -> list:
        """The units the shop refunded of this order while its group buy sold,
        oldest first, each with its amount, day and the shop's words."""
        return list(self.order.unit_refunds.all())

    @cached_property
    def sales_end_at(self):
        """When the order's deal stops selling, as its page says (a team buy's
        end of sales, not its row's later closing)."""
        return deal_sales_end_at(deal=self.order.deal)

    @property
    def payment_window_ends_at(self):
        from groupbuy.deals.services.payment_retry import payment_window

        return self.order.joined_at + payment_window()

    @cached_property
    def deposit_kept(self):
        """What was kept of a deposit applied to the order as its shopper left
        (a demand's rule: the merchant's or the platform's), None if nothing.
        ``order_views`` reads it for a whole list at once."""
        from groupbuy.deals.selectors import orders_deposit_kept

        return orders_deposit_kept([self.order]).get(self.order.pk)

    @property
    def is_deposit_kept_by_merchant(self) -> bool:
        kept = self.deposit_kept
        return kept is not None and kept.kept_by == "merchant_payable"

    @property
    def status_label(self) -> str:
        if self.is_waiting_for_payment_confirmation:
            # paid on the provider's page; not "awaiting payment" beside that
            return _("Payment being confirmed")
        if self.late_refund_fen:
            return _("Cancelled, payment refunded")
        if self.deposit_kept:
            # "Refunded" beside a refund of ¥0 (or of the rest only) would say
            # the money came back; the deposit did not.
            return _("Cancelled, deposit kept")
        if self.order.shown_status != self.order.status and self.order.refunded_fen:
            # the shopper cancelled a paid order: cancelled, not "Refunded"
            return _("Cancelled, %(amount)s refunded") % {
                "amount": format_fen(self.order.refunded_fen)
            }
        return Status(self.order.shown_status).label

    @property
    def payment_label(self) -> str:
        """The payment's state: "Paid" alone beside a refunded order would say
        the money is still taken."""
        return payment_status_label(self.order.payment_intent)

    @property
    def is_stopped_by_platform(self) -> bool:
        order = self.order
        return order.cancel_reason == Reason.DEAL_STOPPED and (
            order.deal.stopped_by == Deal.StoppedBy.PLATFORM
        )

    @property
    def refund_reason_sentence(self) -> str:
        """The words the shop (or the platform) gave when it refunded the
        order or stopped its deal, as the shopper's notification quotes them;
        "" if none."""
        order = self.order
        if not order.refund_reason:
            return ""
        is_stopped = order.cancel_reason == Reason.DEAL_STOPPED
        if order.status != Status.REFUNDED and not (
            order.status == Status.CANCELLED and is_stopped
        ):
            return ""
        if order.cancel_reason == Reason.OPERATOR or self.is_stopped_by_platform:
            sentence = _("The platform says: “%(reason)s”")
        else:
            sentence = _("The shop says: “%(reason)s”")
        return str(sentence % {"reason": order.refund_reason})

    @property
    def ending_sentence(self) -> str:
        """What the status section says of a refunded or cancelled order, one
        whole sentence per reason (a reason glued on read "。 买家取消.")."""
        order = self.order
        if order.status == Status.REFUNDED:
            sentence = _REFUNDED_SENTENCES.get(
                order.cancel_reason, _("%(refunded)s is refunded to you.")
            )
            if order.cancel_reason == Reason.DEAL_STOPPED:
                sentence = _STOPPED_SENTENCES.get(order.deal.stopped_by, sentence)
            return str(sentence % {"refunded": format_fen(order.refunded_fen)})
        if order.cancel_reason == Reason.DEAL_STOPPED:
            sentences = _CANCELLED_STOPPED_SENTENCES.get(
                order.deal.stopped_by,
                _CANCELLED_STOPPED_SENTENCES[Deal.StoppedBy.PLATFORM],
            )
            sentence = sentences[bool(order.refunded_fen)]
            return str(sentence % {"refunded": format_fen(order.refunded_fen)})
        if order.refunded_fen:
            sentence = _CANCELLED_REFUNDED_SENTENCES.get(
                order.cancel_reason,
                _(
                    "This order is cancelled: the %(refunded)s already paid is "
                    "refunded to you."
                ),
            )
            return str(sentence % {"refunded": format_fen(order.refunded_fen)})
        return str(
            _CANCELLED_SENTENCES.get(
                order.cancel_reason, _("This order is cancelled; nothing was charged.")
            )
        )


_TONES = {
    Status.PENDING_PAYMENT: "warn",
    Status.PAID: "info",
    Status.CONFIRMED: "ok",
    Status.CANCELLED: "bad",
    Status.REFUNDED: "bad",
}


def order_views(orders) -> list[OrderView]:
    """Return ``order_view`` of each order, what a list shows, reading what was
    kept of their deposits and whether they can be cancelled for all of them at
    once."""
    from groupbuy.deals.selectors import orders_deposit_kept
    from groupbuy.deals.services import order_cancel_refusals

    orders = list(orders)
    kept = orders_deposit_kept(orders)
    refusals = order_cancel_refusals(orders, now=timezone.now())
    views = [
        order_view(order, can_cancel=refusals[order.pk] is None) for order in orders
    ]
    for view in views:
        view.deposit_kept = kept.get(view.order.pk)
    return views


def order_view(order: DealOrder, *, can_cancel: bool | None = None) -> OrderView:
    """Return what the order's page says about it; ``can_cancel`` is what
    ``order_cancel_refusals`` said of a list it is in (``order_views``)."""
    from groupbuy.deals.services import (
        order_cancel_refusal,
        order_payment_retry_refusal,
    )

    intent = order.payment_intent
    is_pending = order.status == Status.PENDING_PAYMENT
    awaiting_outcome = intent is not None and intent.is_awaiting_outcome
    needs_payment = is_pending and intent is not None and intent.is_payable
    if can_cancel is None:
        can_cancel = order_cancel_refusal(order, now=timezone.now()) is None
    return OrderView(
        order=order,
        is_waiting_for_payment_confirmation=is_pending and awaiting_outcome,
        needs_payment=needs_payment,
        pay_url=intent_pay_url(intent) if needs_payment else "",
        # deal_order_cancel's own rule (a team place's keeper's too: not once
        # its team is complete), so no button offers what would be refused.
        can_cancel=can_cancel,
        state_tone=_TONES.get(order.status, "info"),
        # Mirrors the service's rule to offer the button; the service decides.
        # Only a declined payment is made again (the deals app's rule and every
        # keeper's), so a list asks no keeper about a payment still open.
        can_retry_payment=is_pending
        and intent is not None
        and intent.status == intent.Status.FAILED
        and order_payment_retry_refusal(order, now=timezone.now()) is None,
    )
