"""The statement's days, for its charts: what was redeemed on each."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from groupbuy.coupons.statements.builder import Statement
from groupbuy.coupons.statements.totals import SETTLED_NOW
from groupbuy.escrow.services import platform_fee_expression


@dataclasses.dataclass(frozen=True)
class StatementDay:
    day: date
    units: int  # coupon units redeemed, deals paid at close included
    settled_fen: int  # what redemptions settled to the merchant that day
    fee_fen: int  # the platform's fee on it


# A longer period is listed and totalled, not drawn day by day.
MAX_CHARTED_DAYS = 366


def statement_days(statement: Statement) -> list[StatementDay]:
    """Every day of the statement's period with what was redeemed on it (in the
    site's time zone, as the period's days are), for the statement's charts;
    none for a period longer than ``MAX_CHARTED_DAYS``. The database sums each
    day (one query)."""
    length = (statement.end - statement.start).days + 1
    if not 0 < length <= MAX_CHARTED_DAYS:
        return []
    sums = (
        statement.redemptions.order_by()
        .annotate(day=TruncDate("redeemed_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(
            units=Sum("quantity"),
            settled_fen=Sum("amount_fen", filter=SETTLED_NOW, default=0),
            fee_fen=Sum(
                platform_fee_expression("amount_fen"), filter=SETTLED_NOW, default=0
            ),
        )
    )
    by_day = {row["day"]: StatementDay(**row) for row in sums}
    return [
        by_day.get(day) or StatementDay(day=day, units=0, settled_fen=0, fee_fen=0)
        for day in (statement.start + timedelta(days=n) for n in range(length))
    ]
