"""Settlement statements: every redemption, conflict and adjustment of a
merchant in a period.

Adjustments are the coupons that expired unredeemed and were settled in the
period: paid to the merchant (counted in the totals, less the fee) or refunded
to the shopper (listed, not counted). A redemption superseded by an earlier
offline one is listed among the conflicts (reason ``superseded``): its
settlement was reversed, so it is in no total.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from groupbuy.catalog.models import Merchant
from groupbuy.coupons.models import CouponExpiry, Redemption, RedemptionConflict
from groupbuy.escrow.services import platform_fee_fen


@dataclasses.dataclass
class Statement:
    merchant: Merchant
    start: date
    end: date  # inclusive
    redemptions: list[Redemption]
    conflicts: list[RedemptionConflict]
    expiries: list[CouponExpiry] = dataclasses.field(default_factory=list)

    @property
    def paid_expiries(self) -> list[CouponExpiry]:
        paid = CouponExpiry.Outcome.PAID_MERCHANT
        return [e for e in self.expiries if e.outcome == paid]

    @property
    def redeemed_fen(self) -> int:
        return sum(r.amount_fen for r in self.redemptions)

    @property
    def expiry_paid_fen(self) -> int:
        return sum(e.amount_fen for e in self.paid_expiries)

    @property
    def expiry_refunded_fen(self) -> int:
        refunded = CouponExpiry.Outcome.REFUNDED
        return sum(e.amount_fen for e in self.expiries if e.outcome == refunded)

    @property
    def fee_fen(self) -> int:
        amounts = [r.amount_fen for r in self.redemptions]
        amounts += [e.amount_fen for e in self.paid_expiries]
        return sum(platform_fee_fen(amount) for amount in amounts)

    @property
    def net_fen(self) -> int:
        return self.redeemed_fen + self.expiry_paid_fen - self.fee_fen


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
    expiries = (
        CouponExpiry.objects.filter(
            coupon__merchant=merchant, settled_at__gte=since, settled_at__lt=until
        )
        .select_related("coupon__order__deal")
        .order_by("settled_at", "id")
    )
    return Statement(
        merchant, start, end, list(redemptions), list(conflicts), list(expiries)
    )


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
    for e in statement.expiries:
        paid = e.outcome == CouponExpiry.Outcome.PAID_MERCHANT
        writer.writerow(
            [
                "expiry",
                e.settled_at.isoformat(),
                e.coupon.serial,
                e.coupon.order.deal.title,
                e.quantity,
                e.amount_fen if paid else 0,
                platform_fee_fen(e.amount_fen) if paid else 0,
                "",
                "",
                f"{e.outcome} {e.amount_fen}",
            ]
        )
    writer.writerow(
        [
            "total",
            "",
            "",
            "",
            "",
            statement.redeemed_fen + statement.expiry_paid_fen,
            statement.fee_fen,
            "",
            "",
            f"net {statement.net_fen}",
        ]
    )
    return out.getvalue()
