"""Settlement statements: every redemption, conflict and adjustment of a
merchant in a period.

Redemptions of deals settled on redemption are counted (the money moved to
the merchant then, less the fee). Redemptions of deals that paid the merchant
when they closed are listed but in no total: that money moved at the close.

Adjustments are the coupons that expired unredeemed and were settled in the
period: paid to the merchant (counted in the totals, less the fee), refunded
to the shopper from merchant-pending (listed, not counted), or, for a deal that
paid the merchant at close, refunded to the shopper by taking the money back
from the merchant (deducted: the merchant's part as the ledger moved it, the
platform's fee returned). Refunds of valid coupons' unused units (the shopper's
or the shop's own, ``CouponRefund``) are adjustments the same way, by the day
they were made: taken back from the merchant's payable (deducted, as a taken
back expiry) or refunded from merchant-pending (listed, not counted: that money
had not reached the merchant). A redemption superseded by an earlier
offline one is listed among the conflicts (reason ``superseded``): its
settlement was reversed (none, on a deal that paid the shop when it closed), so
it is in no total.

The redemptions of a period can be many (a busy month, 100,000): their totals
and their days are sums the database makes (``RedemptionTotals``,
``statement_days``), and they are read row by row only to be listed: a page of
them on the page and in the API, all of them in the CSV and the PDF.

A package of:

- ``totals``: what redemptions add up to, and which moved money now;
- ``builder``: the ``Statement`` of a period and its figures;
- ``days``: the statement's days, for its charts;
- ``export``: the statement as CSV.

The names other modules use are re-exported here.
"""

from groupbuy.coupons.statements.builder import (
    Statement,
    month_bounds,
    statement_for,
    statement_period,
)
from groupbuy.coupons.statements.days import (
    MAX_CHARTED_DAYS,
    StatementDay,
    statement_days,
)
from groupbuy.coupons.statements.export import (
    CSV_HEADER,
    adjustment_note,
    statement_csv,
)
from groupbuy.coupons.statements.totals import (
    SETTLED_NOW,
    RedemptionTotals,
    paid_at_close,
    redemption_totals,
)

__all__ = [
    "CSV_HEADER",
    "MAX_CHARTED_DAYS",
    "SETTLED_NOW",
    "RedemptionTotals",
    "Statement",
    "StatementDay",
    "adjustment_note",
    "month_bounds",
    "paid_at_close",
    "redemption_totals",
    "statement_csv",
    "statement_days",
    "statement_for",
    "statement_period",
]
