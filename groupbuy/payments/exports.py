"""The operator's payouts as CSV, to reconcile with the providers' statements."""

from __future__ import annotations

import csv
import io

from django.db.models import QuerySet

from groupbuy.core.money import format_fen_for_spreadsheet
from groupbuy.core.spreadsheet import BYTE_ORDER_MARK, spreadsheet_cell
from groupbuy.payments.models import Payout

# Names in English for scripts, as the other exports. The payee account is
# masked as on the page: the business number and the provider's reference
# are what a provider's statement is matched on.
PAYOUTS_CSV_HEADER = (
    "payout",
    "merchant_id",
    "merchant",
    "amount_yuan",
    "transfer_fee_yuan",
    "provider",
    "payee_account",
    "status",
    "failure_reason",
    "business_number",
    "provider_reference",
    "created_at",
    "confirmed_at",
)


def _time(moment) -> str:
    return moment.isoformat() if moment else ""


def payouts_csv(payouts: QuerySet[Payout]) -> str:
    """Return ``payouts`` as CSV, one row a payout, in the queryset's order."""
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out)
    writer.writerow(PAYOUTS_CSV_HEADER)
    for payout in payouts.select_related("merchant").iterator(chunk_size=500):
        writer.writerow(
            [
                payout.public_id,
                payout.merchant.public_id,
                spreadsheet_cell(payout.merchant.name),
                format_fen_for_spreadsheet(payout.amount_fen),
                format_fen_for_spreadsheet(payout.fee_fen),
                payout.provider,
                spreadsheet_cell(payout.payee_account_masked),
                payout.status,
                # The provider's own words and reference: text, never formulas.
                spreadsheet_cell(payout.failure_reason),
                payout.business_number,
                spreadsheet_cell(payout.provider_reference),
                _time(payout.created_at),
                _time(payout.confirmed_at),
            ]
        )
    return out.getvalue()
