"""The platform's fee income over a period (operators)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Query, Router, Schema

from groupbuy.catalog.permissions import require_operator
from groupbuy.core.pagination import PageIn, PageOut, page_payload, paginate
from groupbuy.escrow.platform_fees import platform_fees_for_period
from groupbuy.web.forms_merchant import DateRangeForm
from groupbuy.web.views.merchant_money import form_refusal

router = Router()


class FeeFiguresOut(Schema):
    earned_fen: int  # credits to the platform-revenue account
    returned_fen: int  # its debits (fees given back), as a positive amount
    net_fen: int  # earned_fen - returned_fen: what the account moved


class FeeBucketOut(FeeFiguresOut):
    start: date  # the day, or the first day of the month


class MerchantFeesOut(FeeFiguresOut):
    # null for lines that moved no merchant's money (deposits kept for the
    # platform under a demand's rule)
    merchant_id: str | None
    merchant_name: str


class PlatformFeesOut(FeeFiguresOut):
    date_from: date
    date_to: date
    by: Literal["day", "month"]
    buckets: list[FeeBucketOut]
    # One page of the merchants (page, page_size), largest net first; where it
    # sits in merchants_page (every merchant at once until 2026-12-07).
    merchants: list[MerchantFeesOut]
    merchants_page: PageOut


def _figures(fees) -> dict:
    return {
        "earned_fen": fees.earned_fen,
        "returned_fen": fees.returned_fen,
        "net_fen": fees.net_fen,
    }


# The fees' days, as the fees page reads them (web.forms_merchant.DateRangeForm).
_DAY = "A day, YYYY-MM-DD (2026-11-30), in the site's time zone."


@router.get("/operator/fees", response=PlatformFeesOut)
def operator_fees(
    request,
    paging: Query[PageIn],
    date_from: str | None = Query(None, description=_DAY),
    date_to: str | None = Query(None, description=_DAY),
):
    """Return the platform's fee income over date_from..date_to (days in the
    display time zone, at most 366; neither: this month so far; a lone
    date_to starts on its month's first day, a lone date_from ends today): its
    totals, by day (by month past 62 days) and by merchant, one page of
    them (``page``, ``page_size``; where it sits in ``merchants_page``),
    operators only. The days are read as the fees page reads them
    (2026-11-30); one that cannot be read, or an end before the start, is a
    400 ``invalid_date`` on its field."""
    require_operator(request.auth)
    # Read after who is asking: anyone but an operator is 403 whatever days.
    form = DateRangeForm({"date_from": date_from, "date_to": date_to})
    if not form.is_valid():
        raise form_refusal(form, as_parameters=True)
    fees = platform_fees_for_period(user=request.auth, **form.cleaned_data)
    merchants = page_payload(
        paginate(fees.merchants, page=paging.page, page_size=paging.page_size)
    )
    return {
        **_figures(fees.total),
        "date_from": fees.date_from,
        "date_to": fees.date_to,
        "by": fees.by,
        "buckets": [
            {"start": bucket.start, **_figures(bucket)} for bucket in fees.buckets
        ],
        "merchants": [
            {
                "merchant_id": merchant.merchant_id or None,
                "merchant_name": merchant.merchant_name,
                **_figures(merchant),
            }
            for merchant in merchants.pop("items")
        ],
        "merchants_page": merchants,
    }
