"""What deals holds about a person: their orders (kept on erasure: money records).

A merchant's only owner is not erased while its group buys are unfinished: an
open deal would go on taking orders with nobody to run it.
"""

from __future__ import annotations

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
                        "pickup_branch": getattr(order.pickup_branch, "name", None),
                    }
                    for order in orders.order_by("joined_at", "id")
                ]
            }
        )

    def erasure_blockers(self, user) -> list[str]:
        from groupbuy.accounts.selectors import merchants_owned_alone
        from groupbuy.deals.models import Deal

        unfinished = (Deal.State.OPEN, Deal.State.SUCCEEDED, Deal.State.FAILED)
        return [
            gettext(
                "%(merchant)s has group buys that have not finished and no other "
                "owner: make someone else an owner of it, or close its group "
                "buys, before this account is deleted."
            )
            % {"merchant": merchant.name}
            for merchant in merchants_owned_alone(user=user)
            if Deal.objects.filter(merchant=merchant, state__in=unfinished).exists()
        ]

    def erase(self, user) -> None:
        # Orders are money records: they stay, pointing at the pseudonymous user.
        return None
