"""Coupons API, mounted at /api/coupons.

Shoppers read their own coupons. A merchant's staff redeem, sync their
stations and upload batches; owners register keys. Everyone else gets 403/404.
"""

from __future__ import annotations

import base64

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from groupbuy.core.api_answers import json_answer
from groupbuy.core.errors import fields_renamed
from groupbuy.core.idempotency import idempotency_key_header, idempotency_key_sent
from groupbuy.core.pagination import PageIn, page_payload, paginate
from groupbuy.coupons import selectors, services, statements
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.forms import StatementPeriodForm
from groupbuy.coupons.schemas import (
    BatchDetailOut,
    BatchOut,
    BatchPageOut,
    ConflictPageOut,
    CouponBranchOut,
    CouponDetailOut,
    CouponPageOut,
    KeyFileOut,
    KeyGenerateIn,
    KeyOut,
    KeyRegisterIn,
    MerchantRefundIn,
    MerchantRefundOut,
    OfflineIn,
    RedeemIn,
    RedemptionOut,
    RedemptionPageOut,
    StatementOut,
    SyncOut,
    TermsIn,
    TermsOut,
    batch_summary_out,
    conflict_out,
    coupon_detail_out,
    coupon_out,
    merchant_refund_out,
    redemption_out,
)
from groupbuy.coupons.services.batches import (
    MAX_BATCH_BYTES,
    batch_file_bytes,
    batch_too_large,
)

router = Router(tags=["coupons"])


@router.get("/mine", response=CouponPageOut)
def my_coupons(request, paging: Query[PageIn]):
    """My coupons, newest first, each with its code to show at the till (paged)."""
    result = paginate(
        selectors.coupon_list_for_shopper(user=request.auth),
        page=paging.page,
        page_size=paging.page_size,
    )
    return page_payload(result, [coupon_out(c) for c in result.items])


@router.get("/{coupon_id}", response=CouponDetailOut)
def coupon_detail(request, coupon_id: str):
    """One of my coupons, with when and where its units were redeemed (and
    those a station handed over at a closed branch, awaiting the shop's
    review)."""
    coupon = selectors.coupon_get_for_shopper(user=request.auth, coupon_id=coupon_id)
    return _coupon_detail(request, coupon)


def _coupon_detail(request, coupon) -> dict:
    return coupon_detail_out(
        coupon,
        selectors.coupon_redemptions(coupon=coupon),
        units_held=selectors.coupon_units_held(user=request.auth, coupon=coupon),
    )


@router.post("/{coupon_id}/refund", response=CouponDetailOut)
def refund_unused(request, coupon_id: str):
    """Refund my coupon's unused units before it expires (随时退): their price
    goes back the way I paid and the coupon's code stops working at every till.
    Asking again answers the same refund."""
    coupon = selectors.coupon_get_for_shopper(user=request.auth, coupon_id=coupon_id)
    services.coupon_refund_unused(actor=request.auth, coupon=coupon)
    coupon = selectors.coupon_get_for_shopper(user=request.auth, coupon_id=coupon_id)
    return _coupon_detail(request, coupon)


def _staff_merchant(request, merchant_id: str):
    return selectors.merchant_get_for_staff(user=request.auth, public_id=merchant_id)


@router.post("/merchants/{merchant_id}/redeem", response=RedemptionOut)
def redeem(
    request,
    merchant_id: str,
    payload: RedeemIn,
    idempotency_key_header: str | None = idempotency_key_header(),
):
    """Redeem a scanned or typed code at the till: one unit unless ``quantity``.
    Without ``branch_id`` it is redeemed at the shop's only open branch; a shop
    with more than one must name it (400 ``branch_required``). A cashier
    limited to one branch redeems there: without ``branch_id`` at that branch,
    and another branch is refused 403 ``not_your_branch``. With an
    ``idempotency_key`` (or an ``Idempotency-Key`` header) the same request
    sent again answers the redemption the first one made, 200, and takes
    nothing more."""
    merchant = _staff_merchant(request, merchant_id)
    branch = None
    if payload.branch_id:
        branch = merchant.branches.filter(public_id=payload.branch_id).first()
        if branch is None:
            why = _("No such branch.")
            raise CouponError("bad_branch", why, fields={"branch_id": [why]})
    with fields_renamed({"branch": "branch_id"}):
        redemption = services.coupon_redeem_online(
            actor=request.auth,
            merchant=merchant,
            code=payload.code,
            branch=branch,
            quantity=payload.quantity,
            idempotency_key=idempotency_key_sent(request, payload.idempotency_key)
            or None,
        )
    return redemption_out(redemption)


@router.get("/merchants/{merchant_id}/redemptions", response=RedemptionPageOut)
def redemptions(request, merchant_id: str, paging: Query[PageIn]):
    """The merchant's redemptions, newest first (paged); a cashier limited to
    one branch gets that branch's."""
    merchant = _staff_merchant(request, merchant_id)
    result = paginate(
        selectors.redemptions_for_staff(user=request.auth, merchant=merchant),
        page=paging.page,
        page_size=paging.page_size,
    )
    return page_payload(result, [redemption_out(r) for r in result.items])


@router.get("/merchants/{merchant_id}/conflicts", response=ConflictPageOut)
def conflicts(request, merchant_id: str, paging: Query[PageIn]):
    """Offline redemptions that did not count, newest first (paged); a cashier
    limited to one branch gets that branch's."""
    merchant = _staff_merchant(request, merchant_id)
    result = paginate(
        selectors.conflicts_for_staff(user=request.auth, merchant=merchant),
        page=paging.page,
        page_size=paging.page_size,
    )
    return page_payload(result, [conflict_out(c) for c in result.items])


@router.post(
    "/merchants/{merchant_id}/coupons/{coupon_id}/refund", response=MerchantRefundOut
)
def merchant_refund(
    request, merchant_id: str, coupon_id: str, payload: MerchantRefundIn
):
    """Owners refund a coupon's unused units, whatever the deal's terms, with a
    reason the shopper is told; 409 ``merchant_paid_out`` when the balance
    cannot cover it (nothing changes). Asking again answers the same refund."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    coupon = selectors.coupon_get_for_merchant_owner(
        user=request.auth, merchant=merchant, coupon_id=coupon_id
    )
    refund = services.coupon_refund_by_merchant(
        actor=request.auth, coupon=coupon, reason=payload.reason
    )
    return merchant_refund_out(refund)


@router.post("/merchants/{merchant_id}/keys", response={201: KeyOut})
def register_key(request, merchant_id: str, payload: KeyRegisterIn):
    """Register a station's public keys (the private halves stay on the station).

    This replaces the shop's current key, as generating a key file does: every
    other station refuses coupons from its next sync until set up again. A
    shop that has a key must send ``replace_current: true`` (else 409
    ``key_exists``); a key once replaced is refused (409 ``key_replaced``).
    """
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    key = services.merchant_key_register(
        actor=request.auth,
        merchant=merchant,
        public_key=base64.b64decode(payload.public_key),
        signing_public_key=base64.b64decode(payload.signing_public_key),
        device_name=payload.device_name,
        replace_current=payload.replace_current,
    )
    return Status(
        201,
        {
            "key_id": key.public_id,
            "origin": key.origin,
            "device_name": key.device_name,
        },
    )


@router.post(
    "/merchants/{merchant_id}/keys/generate",
    response={200: KeyFileOut},
    openapi_extra=json_answer(
        "The key file, once: JSON sent as an attachment "
        "(coupon-key-<merchant id>.json), never stored and not cached.",
        refusals={
            403: "Not an owner of the shop (`forbidden`): cashiers may not.",
            409: "The shop has a key and `replace_current` was not sent "
            "(`key_exists`).",
        },
    ),
)
def generate_key(request, merchant_id: str, payload: KeyGenerateIn | None = None):
    """Generate keys on the platform; answer the key file, once. Keep it safe.

    This replaces the shop's current key: every station set up with it refuses
    coupons from its next sync until it is set up again with this key file
    (`groupbuy station init --force --key-file FILE`). Codes shoppers already
    hold keep redeeming online; new coupons are sealed to the new key. A shop
    that has a key must send ``replace_current: true`` (else 409 ``key_exists``).
    """
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    _key, key_file = services.merchant_key_generate(
        actor=request.auth,
        merchant=merchant,
        replace_current=bool(payload and payload.replace_current),
    )
    response = HttpResponse(key_file, content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="coupon-key-{merchant.public_id}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


@router.get("/merchants/{merchant_id}/sync", response=SyncOut)
def sync(
    request, merchant_id: str, revocations_after: int = 0, unit_refunds_after: int = 0
):
    """Valid platform keys, and the revocations and refunds of some units after
    the station's cursors."""
    merchant = _staff_merchant(request, merchant_id)
    data = selectors.station_sync(
        merchant=merchant,
        revocations_after=min(max(0, revocations_after), 2**62),
        unit_refunds_after=min(max(0, unit_refunds_after), 2**62),
    )
    for key in data["platform_keys"]:
        key["public_key"] = base64.b64encode(key["public_key"]).decode("ascii")
    if data["merchant_public_key"] is not None:
        data["merchant_public_key"] = base64.b64encode(
            data["merchant_public_key"]
        ).decode("ascii")
    return data


@router.post("/merchants/{merchant_id}/batches", response=BatchOut)
def upload_batch(request, merchant_id: str):
    """Import a station's signed batch file (the request body, as exported).
    The same file again answers its first import (``already_imported``)."""
    merchant = _staff_merchant(request, merchant_id)
    data = _batch_bytes(request)
    batch = services.batch_import(actor=request.auth, merchant=merchant, data=data)
    return {
        "batch_id": batch.public_id,
        "accepted": batch.accepted,
        "conflicts": batch.conflicts,
        "rejected": batch.rejected,
        "device": batch.device,
        "already_imported": batch.already_imported,
        "uploaded_at": batch.uploaded_at,
    }


def _batch_bytes(request) -> bytes:
    upload = request.FILES.get("batch") if request.FILES else None
    if upload:
        return batch_file_bytes(upload)
    if len(request.body) > MAX_BATCH_BYTES:
        raise batch_too_large()
    return request.body


@router.get("/merchants/{merchant_id}/batches", response=BatchPageOut)
def batches(request, merchant_id: str, paging: Query[PageIn]):
    """The station batches uploaded, newest first (paged); a cashier limited
    to one branch gets those with a line at their branch, and their own."""
    merchant = _staff_merchant(request, merchant_id)
    result = paginate(
        selectors.batches_for_staff(user=request.auth, merchant=merchant),
        page=paging.page,
        page_size=paging.page_size,
    )
    return page_payload(result, [batch_summary_out(b) for b in result.items])


@router.get("/merchants/{merchant_id}/batches/{batch_id}", response=BatchDetailOut)
def batch_detail(request, merchant_id: str, batch_id: str):
    """One uploaded batch, who uploaded it, and its lines: the redemptions it
    recorded, its conflicts and the refused lines kept for people to settle (a
    cashier limited to one branch: theirs)."""
    merchant = _staff_merchant(request, merchant_id)
    batch = selectors.batch_get_for_staff(
        user=request.auth, merchant=merchant, batch_id=batch_id
    )
    lines = selectors.batch_lines_for_staff(user=request.auth, batch=batch)
    return batch_summary_out(batch) | {
        "redemptions": [redemption_out(r) for r in lines.redemptions],
        "conflict_lines": [conflict_out(c) for c in lines.conflicts],
        "refused_lines": [conflict_out(c) for c in lines.refused],
    }


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
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    # Read after whose statement it is: someone else's is 403/404 whatever days.
    asked = StatementPeriodForm({"start": start, "end": end})
    start, end = statements.statement_period(*asked.asked_days(as_parameters=True))
    result = statements.statement_for(merchant=merchant, start=start, end=end)
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


@router.post(
    "/merchants/{merchant_id}/branches/{branch_id}/offline", response=CouponBranchOut
)
def branch_offline(request, merchant_id: str, branch_id: str, payload: OfflineIn):
    """Owners allow or forbid offline (station) redemption at a branch."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    branch = merchant.branches.filter(public_id=branch_id, is_active=True).first()
    if branch is None:
        raise CouponError("not_found", _("No such branch."), status=404)
    row = services.branch_offline_set(
        actor=request.auth, branch=branch, enabled=payload.offline_enabled
    )
    return {
        "branch_id": branch.public_id,
        "name": branch.name,
        "offline_enabled": row.offline_enabled,
    }


@router.post("/merchants/{merchant_id}/deals/{deal_id}/terms", response=TermsOut)
def deal_terms(request, merchant_id: str, deal_id: str, payload: TermsIn):
    """Owners state what the deal's coupons promise: what happens to those that
    expire unredeemed, and whether shoppers may refund them unused."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    deal = merchant.deals.filter(public_id=deal_id).first()
    if deal is None:
        raise CouponError("not_found", _("No such deal."), status=404)
    terms = services.deal_coupon_terms_set(
        actor=request.auth,
        deal=deal,
        expiry_rule=payload.expiry_rule,
        unused_refundable=payload.unused_refundable,
    )
    return {
        "deal_id": deal.public_id,
        "expiry_rule": terms.expiry_rule,
        "unused_refundable": terms.unused_refundable,
    }


# The refunds of some units live beside this module (it is full).
from groupbuy.coupons import api_unit_refunds  # noqa: E402, F401
