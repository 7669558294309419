"""What a period's redemptions add up to, summed by the database, and which
of them moved money now (deals settled on redemption) rather than at close."""

from __future__ import annotations

import dataclasses

from django.db.models import Count, Q, QuerySet, Sum

from groupbuy.coupons.models import Redemption
from groupbuy.deals.models import Deal
from groupbuy.escrow.services import platform_fee_expression


@dataclasses.dataclass(frozen=True)
class RedemptionTotals:
    """What a period's redemptions add up to (``redemption_totals``)."""

    count: int = 0
    settled_fen: int = 0  # of deals settled on redemption: counted
    fee_fen: int = 0  # the platform's fee on each of those, added up
    paid_at_close_fen: int = 0  # of deals that paid at close: listed only


def paid_at_close(redemption: Redemption) -> bool:
    """Whether the redeemed coupon's deal paid the merchant when it closed."""
    deal = redemption.coupon.order.deal
    return deal.settlement_mode != deal.SettlementMode.ON_REDEMPTION


# The redemptions ``paid_at_close`` says moved money now, for the database.
SETTLED_NOW = Q(coupon__order__deal__settlement_mode=Deal.SettlementMode.ON_REDEMPTION)


def redemption_totals(redemptions: QuerySet[Redemption]) -> RedemptionTotals:
    """Return what ``redemptions`` add up to, summed by the database (one
    query): the fee of each settled one rounded as ``platform_fee_fen`` does."""
    return RedemptionTotals(
        **redemptions.order_by().aggregate(
            count=Count("pk"),
            settled_fen=Sum("amount_fen", filter=SETTLED_NOW, default=0),
            fee_fen=Sum(
                platform_fee_expression("amount_fen"), filter=SETTLED_NOW, default=0
            ),
            paid_at_close_fen=Sum("amount_fen", filter=~SETTLED_NOW, default=0),
        )
    )
