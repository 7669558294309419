"""The shop's settlement statement for a period."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema

from groupbuy.core.pagination import PageOut
from groupbuy.coupons.schemas.redemptions import RedemptionOut


class StatementDayOut(Schema):
    day: date
    # coupon units redeemed that day (in the site's time zone), deals paid at
    # close included; what those redemptions settled, and the platform's fee
    units: int
    settled_fen: int
    fee_fen: int


class StatementRefundOut(Schema):
    """A valid coupon's unused units refunded in the period (the shopper's or
    the shop's own refund): ``taken_back_fen`` is what it took from the
    merchant's balance (0 for money refunded from merchant-pending)."""

    coupon_id: str
    serial: str
    quantity: int
    amount_fen: int
    outcome: Literal["refunded", "taken_back"]
    taken_back_fen: int
    refunded_at: datetime


class StatementExpiryOut(Schema):
    """A coupon that expired unredeemed, settled in the period: ``amount_fen``
    is its unredeemed units' price, ``taken_back_fen`` what it took from the
    merchant's balance (the ``taken_back`` outcome; 0 otherwise)."""

    coupon_id: str
    serial: str
    quantity: int
    amount_fen: int
    outcome: Literal[
        "refunded", "taken_back", "paid_merchant", "paid_at_close", "nothing_left"
    ]
    taken_back_fen: int
    settled_at: datetime


class StatementOut(Schema):
    start: date
    end: date
    # Redemptions that settled now (deals settled on redemption).
    redeemed_fen: int
    # Redemptions of deals that paid the merchant at close: listed, not counted.
    paid_at_close_fen: int = 0
    # Coupons that expired unredeemed and were paid to the merchant.
    expiry_paid_fen: int = 0
    # The platform's fee on redeemed_fen and expiry_paid_fen.
    fee_fen: int
    # The merchant's part of what was taken back for coupons of deals paid at
    # close that expired under "refund the shopper" or were refunded unused
    # (the platform returned its own fee): net_fen is redeemed_fen +
    # expiry_paid_fen - fee_fen - taken_back_fen.
    taken_back_fen: int = 0
    net_fen: int
    # One page of the period's redemptions (the totals count them all).
    redemptions: list[RedemptionOut]
    redemptions_page: PageOut
    # One page of the coupons refunded unused in the period, by when (the
    # ``refunds_page`` asked, of ``page_size``), and where it sits.
    refunds: list[StatementRefundOut] = []
    refunds_page: PageOut
    # One page of the coupons that expired unredeemed and were settled in the
    # period, by when (``expiries_page``, of ``page_size``), and where it sits.
    expiries: list[StatementExpiryOut] = []
    expiries_page: PageOut
    conflicts: int
    # every day of the period, as the statement page charts them
    days: list[StatementDayOut] = []
