"""Operators' payouts: every merchant's payouts, what each is owed, the
providers' statement differences, and approving a payout."""

from __future__ import annotations

from ninja import Query, Router, Status

from groupbuy.accounts.reauth import recent_authentication
from groupbuy.catalog.permissions import require_operator
from groupbuy.core.errors import id_in_request
from groupbuy.core.pagination import PageIn, page_payload, paginate
from groupbuy.payments import payouts, selectors
from groupbuy.payments.api.schemas import (
    PayablePageOut,
    PayoutApproveIn,
    PayoutOut,
    PayoutPageOut,
    StatementDifferencePageOut,
    payable_out,
    payout_out,
    payout_page,
)

router = Router()


@router.get("/operator/payouts", response=PayoutPageOut)
def operator_payouts(request, paging: Query[PageIn]):
    """Return every merchant's payouts, newest first (operators)."""
    require_operator(request.auth)
    return payout_page(
        selectors.payouts_for_operator(user=request.auth),
        paging,
        account_in_full=False,
    )


@router.get("/operator/statement-differences", response=StatementDifferencePageOut)
def operator_statement_differences(request, paging: Query[PageIn]):
    """Return the providers' statement lines that differ from the ledger, newest
    day first: the payouts page's "Statement differences" (operators)."""
    require_operator(request.auth)
    differences = selectors.differences_for_operator(user=request.auth)
    result = paginate(differences, page=paging.page, page_size=paging.page_size)
    return page_payload(
        result,
        [
            {
                "day": difference.day,
                "provider": difference.provider,
                "kind": difference.kind,
                "kind_label": difference.get_kind_display(),
                "line_kind": difference.line_kind,
                "reference": difference.reference,
                "ledger_fen": difference.ledger_fen,
                "provider_fen": difference.provider_fen,
                "created_at": difference.created_at,
            }
            for difference in result.items
        ],
    )


@router.get("/operator/payables", response=PayablePageOut)
def operator_payables(request, paging: Query[PageIn]):
    """Return what each merchant is owed (its payable balance above zero),
    largest first: what a payout is approved from (operators)."""
    require_operator(request.auth)
    accounts = selectors.payables_for_operator(user=request.auth)
    result = paginate(accounts, page=paging.page, page_size=paging.page_size)
    return page_payload(result, [payable_out(account) for account in result.items])


@router.post("/operator/payouts", response={201: PayoutOut})
def operator_payout_create(request, payload: PayoutApproveIn):
    """Approve a payout from a merchant's payable; it is sent to the provider
    at once and its outcome arrives later (operators). With an
    ``idempotency_key``, the same approval sent again returns the first payout
    (201) and pays nothing more; the key sent with another merchant or amount
    is refused (409 ``idempotency_key_reused``).

    The account is typed here, so this needs a signed-in browser session whose
    password was confirmed within ``GROUPBUY_REAUTH_WINDOW_MINUTES``: otherwise
    403 ``reauthentication_required`` (confirm it with ``POST
    /api/me/reauthenticate``); a request signed by an API token is refused 403
    ``session_required``."""
    # Before the merchant is looked up: no one else learns which ids exist.
    require_operator(request.auth)
    with id_in_request("merchant_id"):
        merchant = selectors.merchant_get_for_payouts(
            user=request.auth, merchant_id=payload.merchant_id
        )
    payout = payouts.payout_create(
        actor=request.auth,
        merchant=merchant,
        amount_fen=payload.amount_fen,
        provider_name=payload.provider,
        payee_account=payload.payee_account,
        payee_name=payload.payee_name,
        idempotency_key=payload.idempotency_key,
        reauthentication=recent_authentication(request),
    )
    return Status(201, payout_out(payout, account_in_full=True))
