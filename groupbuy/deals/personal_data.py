"""What deals holds about a person: their orders (kept on erasure: money records)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

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

    def erase(self, user) -> None:
        # Orders are money records: they stay, pointing at the pseudonymous user.
        return None
