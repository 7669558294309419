"""What deals holds about a person: their orders (kept on erasure: money
records; a refund's reason the shop wrote loses whatever names them).

An order still waiting for payment is cancelled on erasure (as the platform's,
``operator``), so its units go back on sale at once instead of staying held
for a person who can no longer pay, until the payment window ends.

Nobody is erased while a group buy they paid into has not finished with their
money (it would be confirmed, or refunded, to a person who no longer exists),
nor a merchant's only owner while its group buys are unfinished: an open deal
would go on taking orders with nobody to run it.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from groupbuy.core.plugins import PersonalDataExport, PersonalDataProvider


class DealsPersonalData(PersonalDataProvider):
    holds = gettext_lazy("your group-buy orders")

    def export(self, user) -> PersonalDataExport:
        from groupbuy.deals.models import DealOrder

        orders = DealOrder.objects.filter(shopper=user).select_related(
            "deal", "pickup_branch"
        )
        return PersonalDataExport(
            records={
                "orders": [
                    {
                        "id": order.public_id,
                        "deal": order.deal.public_id,
                        "deal_title": order.deal.title,
                        "quantity": order.quantity,
                        "amount_fen": order.amount_fen,
                        "charged_fen": order.charged_fen,
                        "refunded_fen": order.refunded_fen,
                        "status": order.status,
                        "joined_at": order.joined_at,
                        "paid_at": order.paid_at,
                        "cancelled_at": order.cancelled_at,
                        "cancel_reason": order.cancel_reason,
                        "refund_reason": order.refund_reason,
                        "pickup_branch": getattr(order.pickup_branch, "name", None),
                    }
                    for order in orders.order_by("joined_at", "id")
                ]
            }
        )

    def erasure_blockers(self, user) -> list[str]:
        return _orders_holding_money(user) + _shops_needing_their_owner(user)

    def erase(self, user) -> None:
        # Orders are money records: they stay, pointing at the pseudonymous
        # user. Unpaid ones release their units; the blockers above made sure
        # none holds money or waits for a provider's answer. Runs under the
        # person's lock, taken before any deal's (the join's order too).
        from groupbuy.accounts.personal_data import identifying_strings, scrub
        from groupbuy.deals.models import DealOrder
        from groupbuy.deals.services.cancelling import deal_order_cancel_unpaid

        # A refund's reason is the shop's own words to the buyer, which may
        # name them ("call Zhang on 137…"): cut the person out, as every
        # other free text is.
        strings = identifying_strings(user)
        explained = DealOrder.objects.filter(shopper=user).exclude(refund_reason="")
        for order in explained.only("pk", "refund_reason"):
            reason = scrub(order.refund_reason, strings)
            if reason != order.refund_reason:
                DealOrder.objects.filter(pk=order.pk).update(refund_reason=reason)
        # So are the reasons the shop gave for refunding some of the units.
        from groupbuy.deals.models import OrderUnitRefund

        for refund in OrderUnitRefund.objects.filter(order__shopper=user).only(
            "pk", "reason"
        ):
            reason = scrub(refund.reason, strings)
            if reason != refund.reason:
                OrderUnitRefund.objects.filter(pk=refund.pk).update(reason=reason)
        unpaid = DealOrder.objects.filter(
            shopper=user, status=DealOrder.Status.PENDING_PAYMENT
        ).select_related("deal")
        for order in unpaid.order_by("deal_id", "id"):
            deal_order_cancel_unpaid(
                order=order, reason=DealOrder.CancelReason.OPERATOR
            )


def _orders_holding_money(user) -> list[str]:
    """Name each group buy ``user`` has paid into that has not finished with
    their money: a paid order (or an unpaid one a demand's deposit went to, or
    whose payment is on its way) waiting for the deal to close and settle.
    Finished, refunded and cancelled orders hold nothing; a team's place is
    the teams app's to name."""
    from groupbuy.deals.models import DealOrder
    from groupbuy.deals.order_keepers import exclude_kept
    from groupbuy.deals.services.payments import order_held_fen

    Status = DealOrder.Status
    orders = (
        exclude_kept(
            DealOrder.objects.filter(
                shopper=user, status__in=(Status.PENDING_PAYMENT, Status.PAID)
            )
        )
        .annotate(held_fen=order_held_fen())
        .filter(Q(held_fen__gt=0) | _paid_awaiting_the_outcome("payment_intent__"))
        .select_related("deal")
        .order_by("joined_at", "id")
    )
    titles = {order.deal_id: order.deal.title for order in orders}.values()
    return [
        gettext(
            "You have paid into the group buy “%(deal)s”, which has not finished: "
            "cancel your order while it is open, or wait until it ends, before "
            "this account is deleted."
        )
        % {"deal": title}
        for title in titles
    ]


def _paid_awaiting_the_outcome(intent: str) -> Q:
    """Paid on the provider's page, the callback not here yet: the money is
    on its way to escrow (``PaymentIntent.is_awaiting_outcome``)."""
    from groupbuy.escrow.models import PaymentIntent

    return Q(
        **{
            f"{intent}status": PaymentIntent.Status.REQUIRES_PAYMENT,
            f"{intent}submitted_at__isnull": False,
        }
    )


def _shops_needing_their_owner(user) -> list[str]:
    from groupbuy.accounts.selectors import merchants_owned_alone
    from groupbuy.deals.models import Deal

    unfinished = (Deal.State.OPEN, Deal.State.SUCCEEDED, Deal.State.FAILED)
    return [
        gettext(
            "%(merchant)s has group buys that have not finished and no other "
            "owner: make someone else an owner of it, or close its group "
            "buys, before this account is deleted."
        )
        % {"merchant": merchant.display_name}
        for merchant in merchants_owned_alone(user=user)
        if Deal.objects.filter(merchant=merchant, state__in=unfinished).exists()
    ]
