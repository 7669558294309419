"""The statement as CSV: a row per redemption, conflict, expiry and refund,
then the totals, in the reader's language."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.money import format_fen, format_fen_for_spreadsheet
from groupbuy.core.spreadsheet import BYTE_ORDER_MARK, spreadsheet_cell
from groupbuy.coupons.models import (
    CouponExpiry,
    CouponRefund,
    Redemption,
    RedemptionConflict,
)
from groupbuy.coupons.statements.builder import Statement
from groupbuy.coupons.statements.totals import paid_at_close
from groupbuy.escrow.services import platform_fee_fen


def _local_time(moment: datetime) -> str:
    # In the site's time zone, to the second, as the orders' export writes it.
    return timezone.localtime(moment).isoformat(timespec="seconds")


# The columns of the statement's CSV (docs/coupons.md): names for scripts, in
# English as the orders' export's; values for the shop owner, in the reader's
# language, and money in yuan with two decimals (core.money).
CSV_HEADER = (
    "kind",
    "redeemed_at",
    "serial",
    "deal",
    "quantity",
    "amount_yuan",
    "fee_yuan",
    "channel",
    "branch",
    "note",
)


def _csv_redemption(redemption: Redemption) -> list:
    at_close = paid_at_close(redemption)
    amount = 0 if at_close else redemption.amount_fen
    return [
        _("Redemption"),
        _local_time(redemption.redeemed_at),
        redemption.coupon.serial,
        spreadsheet_cell(redemption.coupon.order.deal.title),
        redemption.quantity,
        format_fen_for_spreadsheet(amount),
        format_fen_for_spreadsheet(platform_fee_fen(amount)),
        redemption.get_channel_display(),
        spreadsheet_cell(redemption.branch.display_name if redemption.branch else ""),
        _("Paid when the deal closed: %(amount)s")
        % {"amount": format_fen(redemption.amount_fen)}
        if at_close
        else "",
    ]


def _csv_conflict(conflict: RedemptionConflict) -> list:
    note = conflict.reason_and_device
    if conflict.superseded_note:
        # Translated, so that each language joins them with its own semicolon.
        note = _("%(reason)s; %(note)s") % {
            "reason": note,
            "note": conflict.superseded_note,
        }
    return [
        _("Conflict"),
        _local_time(conflict.redeemed_at),
        conflict.coupon.serial,
        spreadsheet_cell(conflict.coupon.order.deal.title),
        conflict.quantity,
        format_fen_for_spreadsheet(0),
        format_fen_for_spreadsheet(0),
        Redemption.Channel.OFFLINE.label,
        spreadsheet_cell(conflict.branch_name),
        spreadsheet_cell(note),
    ]


def adjustment_note(
    statement: Statement, adjustment: CouponExpiry | CouponRefund
) -> str:
    """An expiry's or refund's outcome and the whole amount of its units, in
    the active language ("Refunded to the shopper: ¥99.00"), and for a
    take-back the platform's fee returned: what its line's amount
    (``Statement.adjustment_fen``) does not say. The CSV's note, and the page's
    and the PDF's line."""
    # Translated, so that Chinese joins them with a full-width colon.
    note = _("%(outcome)s: %(amount)s") % {
        "outcome": adjustment.get_outcome_display(),
        "amount": format_fen(adjustment.amount_fen),
    }
    if fee_returned := statement.adjustment_fee_returned_fen(adjustment):
        note = _("%(note)s, of which the platform's fee returned: %(fee)s") % {
            "note": note,
            "fee": format_fen(fee_returned),
        }
    return note


def _csv_expiry(statement: Statement, expiry: CouponExpiry) -> list:
    label = _("Expired unredeemed")
    return _csv_adjustment(statement, label, expiry, expiry.settled_at)


def _csv_refund(statement: Statement, refund: CouponRefund) -> list:
    return _csv_adjustment(statement, _("Refunded unused"), refund, refund.refunded_at)


def _csv_adjustment(
    statement: Statement, label: str, adjustment: CouponExpiry | CouponRefund, when
) -> list:
    """A row for a coupon's units settled other than by redemption (an expiry,
    a refund): what the merchant's money moved by, and the outcome in words.

    A take-back moves the merchant's money by its part only (the platform
    returns its fee to the shopper): the row's amount is that part, its fee
    none, and the note says the whole refund and the fee returned, so that
    the columns add up to the statement's figures."""
    amount = statement.adjustment_fen(adjustment)
    paid = adjustment.outcome == CouponExpiry.Outcome.PAID_MERCHANT
    fee = platform_fee_fen(amount) if paid else 0
    return [
        label,
        _local_time(when),
        adjustment.coupon.serial,
        spreadsheet_cell(adjustment.coupon.order.deal.title),
        adjustment.quantity,
        format_fen_for_spreadsheet(amount),
        format_fen_for_spreadsheet(fee),
        "",
        "",
        spreadsheet_cell(adjustment_note(statement, adjustment)),
    ]


def _csv_total(statement: Statement) -> list:
    return [
        _("Total"),
        "",
        "",
        "",
        "",
        format_fen_for_spreadsheet(statement.total_fen),
        format_fen_for_spreadsheet(statement.fee_fen),
        "",
        "",
        _("Net: %(amount)s") % {"amount": format_fen(statement.net_fen)},
    ]


def statement_csv(statement: Statement) -> str:
    """Return the statement as CSV (``CSV_HEADER``), in the active language:
    every redemption, conflict, expiry and refund, then the totals."""
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    # Read a chunk at a time: a busy month's redemptions are not all held at once.
    writer.writerows(_csv_redemption(r) for r in statement.redemptions.iterator())
    writer.writerows(_csv_conflict(c) for c in statement.conflicts)
    expiries = statement.listed(statement.expiries)
    writer.writerows(_csv_expiry(statement, e) for e in expiries)
    refunds = statement.listed(statement.refunds)
    writer.writerows(_csv_refund(statement, r) for r in refunds)
    writer.writerow(_csv_total(statement))
    return out.getvalue()
