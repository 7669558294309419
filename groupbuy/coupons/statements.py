"""Settlement statements: every redemption and conflict of a merchant in a period."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from groupbuy.catalog.models import Merchant
from groupbuy.coupons.models import Redemption, RedemptionConflict
from groupbuy.escrow.services import platform_fee_fen


@dataclasses.dataclass
class Statement:
    merchant: Merchant
    start: date
    end: date  # inclusive
    redemptions: list[Redemption]
    conflicts: list[RedemptionConflict]

    @property
    def redeemed_fen(self) -> int:
        return sum(r.amount_fen for r in self.redemptions)

    @property
    def fee_fen(self) -> int:
        return sum(platform_fee_fen(r.amount_fen) for r in self.redemptions)

    @property
    def net_fen(self) -> int:
        return self.redeemed_fen - self.fee_fen


def month_bounds(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    return first, next_month - timedelta(days=1)


def statement_for(*, merchant: Merchant, start: date, end: date) -> Statement:
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    redemptions = (
        Redemption.objects.filter(
            coupon__merchant=merchant, redeemed_at__gte=since, redeemed_at__lt=until
        )
        .select_related("coupon__order__deal", "branch")
        .order_by("redeemed_at", "id")
    )
    conflicts = RedemptionConflict.objects.filter(
        merchant=merchant, redeemed_at__gte=since, redeemed_at__lt=until
    ).select_related("coupon", "batch")
    return Statement(merchant, start, end, list(redemptions), list(conflicts))


def statement_csv(statement: Statement) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "kind",
            "redeemed_at",
            "serial",
            "deal",
            "quantity",
            "amount_fen",
            "fee_fen",
            "channel",
            "branch",
            "note",
        ]
    )
    for r in statement.redemptions:
        writer.writerow(
            [
                "redemption",
                r.redeemed_at.isoformat(),
                r.coupon.serial,
                r.coupon.order.deal.title,
                r.quantity,
                r.amount_fen,
                platform_fee_fen(r.amount_fen),
                r.channel,
                r.branch.name if r.branch else "",
                "",
            ]
        )
    for c in statement.conflicts:
        writer.writerow(
            [
                "conflict",
                c.redeemed_at.isoformat(),
                c.coupon.serial,
                "",
                c.quantity,
                0,
                0,
                "offline",
                c.branch_name,
                f"{c.reason} ({c.device})",
            ]
        )
    writer.writerow(
        [
            "total",
            "",
            "",
            "",
            "",
            statement.redeemed_fen,
            statement.fee_fen,
            "",
            "",
            f"net {statement.net_fen}",
        ]
    )
    return out.getvalue()
