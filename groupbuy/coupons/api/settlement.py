"""A shop's settlement statement of a period (its owners and operators)."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Query, Router

from groupbuy.core.api_answers import file_answer
from groupbuy.core.pagination import PageIn, page_payload, paginate
from groupbuy.coupons import selectors, statements
from groupbuy.coupons.forms import StatementPeriodForm
from groupbuy.coupons.schemas import StatementOut, redemption_out

router = Router()


# The statement's days, as its page reads them (forms.StatementPeriodForm).
_DAY = "A day, YYYY-MM-DD (2026-11-30; 2026-1-1 too), in the site's time zone."
_LIST_PAGE = "The page of %s to list, of page_size (as page is the redemptions')."


@router.get("/merchants/{merchant_id}/statement", response=StatementOut)
def statement(
    request,
    merchant_id: str,
    paging: Query[PageIn],
    start: str | None = Query(None, description=_DAY),
    end: str | None = Query(None, description=_DAY),
    refunds_page: int = Query(1, ge=1, description=_LIST_PAGE % "refunds"),
    expiries_page: int = Query(1, ge=1, description=_LIST_PAGE % "expiries"),
):
    """The settlement statement of a period (default: this month); its owners
    and operators only (a cashier is refused 403). ``start`` and ``end`` are
    days (YYYY-MM-DD) read as the statement's page reads them: one that cannot
    be read is a 400 ``invalid_date`` on it. The totals count every
    redemption of the period; ``redemptions`` is one page of them (``page``,
    ``page_size``; where it sits in ``redemptions_page``), and ``refunds``
    and ``expiries`` one page each of theirs (``refunds_page`` and
    ``expiries_page``, of the same ``page_size``)."""
    result = _asked_statement(request, merchant_id, start=start, end=end)
    redemptions = paginate(
        result.redemptions, page=paging.page, page_size=paging.page_size
    )
    where = page_payload(redemptions, [redemption_out(r) for r in redemptions.items])
    refunds = paginate(result.refunds, page=refunds_page, page_size=paging.page_size)
    refunds_where = page_payload(
        refunds,
        [_statement_refund_out(result, r) for r in result.listed(refunds.items)],
    )
    expiries = paginate(result.expiries, page=expiries_page, page_size=paging.page_size)
    expiries_where = page_payload(
        expiries,
        [_statement_expiry_out(result, e) for e in result.listed(expiries.items)],
    )
    return {
        "start": result.start,
        "end": result.end,
        "redeemed_fen": result.redeemed_fen,
        "paid_at_close_fen": result.paid_at_close_fen,
        "expiry_paid_fen": result.expiry_paid_fen,
        "fee_fen": result.fee_fen,
        "taken_back_fen": result.taken_back_fen,
        "net_fen": result.net_fen,
        "redemptions": where.pop("items"),
        "redemptions_page": where,
        "refunds": refunds_where.pop("items"),
        "refunds_page": refunds_where,
        "expiries": expiries_where.pop("items"),
        "expiries_page": expiries_where,
        "conflicts": len(result.conflicts),
        "days": [vars(day) for day in statements.statement_days(result)],
    }


_FILE_REFUSALS = {
    400: "A day that cannot be read, or an end before the start (`invalid_date`).",
    403: "Not an owner of the shop (`forbidden`): cashiers may not.",
}


@router.get(
    "/merchants/{merchant_id}/statement.pdf",
    openapi_extra=file_answer(
        "The statement of the period as a PDF, as the page prints it.",
        ["application/pdf"],
        refusals=_FILE_REFUSALS,
    ),
)
def statement_pdf(
    request,
    merchant_id: str,
    start: str | None = Query(None, description=_DAY),
    end: str | None = Query(None, description=_DAY),
):
    """The settlement statement of a period (default: this month) as the PDF
    its page gives, every line of it; its owners and operators only."""
    from groupbuy.coupons import pdfs  # imported here: see views.coupon_pdf

    result = _asked_statement(request, merchant_id, start=start, end=end)
    return _statement_file(result, pdfs.statement_pdf(result), "application/pdf", "pdf")


@router.get(
    "/merchants/{merchant_id}/statement.csv",
    openapi_extra=file_answer(
        "The statement of the period as CSV in UTF-8, in the caller's language.",
        ["text/csv"],
        refusals=_FILE_REFUSALS,
    ),
)
def statement_csv(
    request,
    merchant_id: str,
    start: str | None = Query(None, description=_DAY),
    end: str | None = Query(None, description=_DAY),
):
    """The settlement statement of a period (default: this month) as the CSV
    its page gives: every redemption, conflict, expiry and refund, then the
    totals; its owners and operators only."""
    result = _asked_statement(request, merchant_id, start=start, end=end)
    text = statements.statement_csv(result)
    return _statement_file(result, text, "text/csv; charset=utf-8", "csv")


def _asked_statement(request, merchant_id: str, *, start, end):
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    # Read after whose statement it is: someone else's is 403/404 whatever days.
    asked = StatementPeriodForm({"start": start, "end": end})
    start, end = statements.statement_period(*asked.asked_days(as_parameters=True))
    return statements.statement_for(merchant=merchant, start=start, end=end)


def _statement_file(result, content, content_type: str, extension: str):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="statement-{result.merchant.public_id}-'
        f'{result.start}-{result.end}.{extension}"'
    )
    return response


def _statement_refund_out(result: statements.Statement, refund) -> dict:
    return {
        "coupon_id": refund.coupon.public_id,
        "serial": refund.coupon.serial,
        "quantity": refund.quantity,
        "amount_fen": refund.amount_fen,
        "outcome": refund.outcome,
        "taken_back_fen": result.refund_merchant_fen(refund),
        "refunded_at": refund.refunded_at,
    }


def _statement_expiry_out(result: statements.Statement, expiry) -> dict:
    return {
        "coupon_id": expiry.coupon.public_id,
        "serial": expiry.coupon.serial,
        "quantity": expiry.quantity,
        "amount_fen": expiry.amount_fen,
        "outcome": expiry.outcome,
        "taken_back_fen": result.refund_merchant_fen(expiry),
        "settled_at": expiry.settled_at,
    }
