"""The operators' coupon signing keys, coupon revocation and every shop's
offline conflicts over the API, mounted at /api/operator/coupon-keys,
/api/operator/coupons and /api/operator/coupon-conflicts (operators only;
everyone else gets 403)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Query, Router, Schema, Status

from groupbuy.core.api_answers import json_answer
from groupbuy.core.api_types import answer_choices
from groupbuy.core.pagination import PageIn, PageOut, page_payload, paginate
from groupbuy.coupons import selectors, services
from groupbuy.coupons.models import Coupon, PlatformKey
from groupbuy.coupons.schemas import ConflictDetailOut, conflict_detail_out
from groupbuy.coupons.services.revoking import REVOKE_REASON_MAX_CHARS

keys_router = Router(tags=["operator"])
coupons_router = Router(tags=["operator"])
conflicts_router = Router(tags=["operator"])
NOT_AN_OPERATOR = "Not an operator (`forbidden`)."


class OperatorPlatformKeyOut(Schema):
    key_id: str = Field(description="the key's opaque number (pkey_…)")
    state: str = answer_choices(PlatformKey.State)
    created_at: datetime
    retired_at: datetime | None
    revoked_at: datetime | None
    verifies_until: datetime | None = Field(
        description="a retired key verifies its coupons until then; null while "
        "it is active"
    )
    unredeemed_coupons: int = Field(
        description="the coupons it signed that are still to be used and that "
        "it verifies (0 once revoked)"
    )


class OperatorPlatformKeyPageOut(PageOut):
    items: list[OperatorPlatformKeyOut]


class OperatorPlatformKeyRotateIn(Schema):
    # The key the operator saw active: a rotation sent twice changes nothing
    # the second time (409 already_rotated). Left out, the active key retires.
    current_key_id: str | None = Field(
        None,
        description="The key seen active (`pkey_…`): sent again after the "
        "rotation, a 409 `already_rotated`.",
    )


def platform_key_out(key: PlatformKey) -> dict:
    return {
        "key_id": key.public_id,
        "state": key.state,
        "created_at": key.created_at,
        "retired_at": key.retired_at,
        "revoked_at": key.revoked_at,
        "verifies_until": key.verifies_until,
        "unredeemed_coupons": key.unredeemed_coupons,
    }


def _created(description: str, *, refusals: dict[int, str]) -> dict:
    """``json_answer`` for an operation answering 201."""
    extra = json_answer(description, refusals=refusals)
    extra["responses"][201] = extra["responses"].pop(200)
    return extra


@keys_router.get(
    "",
    response=OperatorPlatformKeyPageOut,
    openapi_extra=json_answer(
        "A page of the signing keys, newest first.", refusals={403: NOT_AN_OPERATOR}
    ),
)
def platform_key_list(request, paging: Query[PageIn]):
    """List the platform's coupon signing keys: the active one, the retired
    ones (verifying their coupons until they expire) and the revoked ones."""
    result = selectors.platform_keys_for_operator(
        user=request.auth, page=paging.page, page_size=paging.page_size
    )
    return page_payload(result, [platform_key_out(key) for key in result.items])


@keys_router.post(
    "/rotate",
    response={201: OperatorPlatformKeyOut},
    openapi_extra=_created(
        "The new active key.",
        refusals={
            403: NOT_AN_OPERATOR,
            409: "`current_key_id` is no longer the active key (`already_rotated`).",
        },
    ),
)
def platform_key_rotate(request, payload: OperatorPlatformKeyRotateIn):
    """Retire the active key and sign new coupons with a new one. Coupons the
    retired key signed keep verifying until they expire."""
    key = services.platform_key_rotate(
        actor=request.auth, current_key_id=payload.current_key_id
    )
    key = selectors.platform_key_get_for_operator(
        user=request.auth, key_id=key.public_id
    )
    return Status(201, platform_key_out(key))


@keys_router.post(
    "/{key_id}/revoke",
    response=OperatorPlatformKeyOut,
    openapi_extra=json_answer(
        "The key, revoked.",
        refusals={
            403: NOT_AN_OPERATOR,
            404: "No such key (`not_found`).",
            409: "The key is the active one (`active_key`: rotate first) or is "
            "already revoked (`already_revoked`).",
        },
    ),
)
def platform_key_revoke(request, key_id: str):
    """Revoke a retired key (one that may have leaked): it verifies nothing
    from now on, so the coupons it signed stop being accepted."""
    key = selectors.platform_key_get_for_operator(user=request.auth, key_id=key_id)
    services.platform_key_revoke(actor=request.auth, key=key)
    key = selectors.platform_key_get_for_operator(user=request.auth, key_id=key_id)
    return platform_key_out(key)


class OperatorCouponRevokeIn(Schema):
    # The operator's words, kept in the audit log.
    reason: str = Field(max_length=REVOKE_REASON_MAX_CHARS)


class OperatorCouponRevokedOut(Schema):
    coupon_id: str
    order_id: str
    status: str = answer_choices(Coupon.Status)
    revoked_at: datetime | None


@coupons_router.post(
    "/{coupon_id}/revoke",
    response=OperatorCouponRevokedOut,
    openapi_extra=json_answer(
        "The coupon, revoked.",
        refusals={
            400: "No reason given (`invalid`, naming `reason`).",
            403: NOT_AN_OPERATOR,
            404: "No such coupon (`not_found`).",
            409: "The coupon is used up or expired (`not_revocable`).",
        },
    ),
)
def coupon_revoke(request, coupon_id: str, payload: OperatorCouponRevokeIn):
    """Revoke a coupon still to be used: tills and stations refuse it from now
    on, and its shopper's open coupon page stops showing the code. Sent again,
    nothing changes."""
    coupon = selectors.coupon_get_for_operator(user=request.auth, coupon_id=coupon_id)
    coupon = services.coupon_revoke_by_operator(
        actor=request.auth, coupon=coupon, reason=payload.reason
    )
    return {
        "coupon_id": coupon.public_id,
        "order_id": coupon.order.public_id,
        "status": coupon.shown_status,
        "revoked_at": coupon.revoked_at,
    }


class OperatorConflictsIn(PageIn):
    merchant_id: str = Field(
        "",
        max_length=40,
        description="One shop's conflicts (its id, `mer_…`); \"\" every shop's.",
    )


class OperatorConflictOut(ConflictDetailOut):
    merchant_id: str
    merchant_name: str


class OperatorConflictPageOut(PageOut):
    items: list[OperatorConflictOut]


@conflicts_router.get(
    "",
    response=OperatorConflictPageOut,
    openapi_extra=json_answer(
        "A page of offline conflicts, newest first.",
        refusals={
            400: "No shop has this `merchant_id` (`invalid`, on `merchant_id`).",
            403: NOT_AN_OPERATOR,
        },
    ),
)
def conflict_list(request, params: Query[OperatorConflictsIn]):
    """List the offline redemptions that did not count, every shop's or one
    shop's, newest first: each as the shop's own list gives it, with its shop."""
    result = paginate(
        selectors.conflicts_for_operator(
            user=request.auth, merchant_id=params.merchant_id
        ),
        page=params.page,
        page_size=params.page_size,
    )
    items = selectors.conflicts_with_counted_redemptions(result.items)
    return page_payload(
        result,
        [
            {
                **conflict_detail_out(conflict),
                "merchant_id": conflict.merchant.public_id,
                "merchant_name": conflict.merchant.display_name,
            }
            for conflict in items
        ],
    )
