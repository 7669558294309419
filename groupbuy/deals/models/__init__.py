"""Group-buy deals, their price tiers, and shoppers' orders.

A deal moves draft → open → succeeded | failed → settled: a succeeded deal once
every paid order is charged the final tier price and the money released, a
failed one once every paid order is refunded (``final_price_fen`` stays None).
``sold`` counts the units reserved by live orders (awaiting payment, paid or
confirmed); "participants" are paid (or confirmed) orders, which is what the
tiers count.
"""

from __future__ import annotations

# Each model in its module, all importable from here as every deals model.
from groupbuy.deals.models.deal import SCHEDULED as SCHEDULED
from groupbuy.deals.models.deal import SCHEDULED_LABEL as SCHEDULED_LABEL
from groupbuy.deals.models.deal import Deal as Deal
from groupbuy.deals.models.deal import DealTier as DealTier
from groupbuy.deals.models.orders import DealOrder as DealOrder
from groupbuy.deals.models.owner_records import (
    OrderUnitRefund as OrderUnitRefund,
)
from groupbuy.deals.models.owner_records import (
    StockAddition as StockAddition,
)
