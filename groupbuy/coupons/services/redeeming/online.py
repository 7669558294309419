"""Redeem a coupon online: the console's till and the API, with the
request's idempotency key."""

from __future__ import annotations

import re
import secrets

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.catalog.models import Branch, Merchant
from groupbuy.catalog.permissions import require_merchant_staff_branch
from groupbuy.core.idempotency import IDEMPOTENCY_KEY_PATTERN
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.live import publish_coupon_state
from groupbuy.coupons.models import Redemption
from groupbuy.coupons.services.redeeming.branches import (
    only_open_branch,
    redeeming_branch,
)
from groupbuy.coupons.services.redeeming.codes import (
    coupon_check_code,
    coupon_for_code,
)
from groupbuy.coupons.services.redeeming.refusals import branch_closed_refusal
from groupbuy.coupons.services.redeeming.taking import redeem_coupon


def coupon_redeem_online(
    *,
    actor,
    merchant: Merchant,
    code: str,
    branch: Branch | None = None,
    quantity: int | None = None,
    idempotency_key: str | None = None,
) -> Redemption:
    """Redeem ``quantity`` units (default: one) of a coupon, the till's and
    the API's rule alike: taking more is a number the cashier says.

    One conditional UPDATE decides, so two tills scanning the same coupon at
    once (any branches) cannot both succeed. With ``idempotency_key``, the
    same request sent again (a form sent twice, a retry after a lost answer)
    returns the redemption it made the first time and takes nothing more.

    A cashier limited to one branch redeems there only: at that branch when
    none is given, and never at another. Anyone else naming no branch
    redeems at the shop's only open branch; a shop with several must be told
    which (``branch_required``), so its statement says where.
    """
    limit = require_merchant_staff_branch(actor, merchant)
    if branch is not None and branch.merchant_id != merchant.pk:
        raise CouponError("bad_branch", _("This branch is not yours."))
    named_branch = branch is not None
    branch = redeeming_branch(limit=limit, branch=branch)
    if branch is None:
        branch = only_open_branch(merchant)
    if branch is not None and not branch.is_active:
        raise branch_closed_refusal(branch)
    if quantity is None:
        quantity = 1
    nonce = _online_nonce(merchant=merchant, idempotency_key=idempotency_key)
    if idempotency_key is not None:
        earlier = _earlier_redemption(
            nonce=nonce,
            code=code,
            branch=branch,
            quantity=quantity,
            named_branch=named_branch,
        )
        if earlier is not None:
            return earlier
    coupon = coupon_check_code(merchant=merchant, code=code)
    shopper = coupon.shopper  # read with the coupon; redeeming reloads the coupon
    try:
        redemption = redeem_coupon(
            actor=actor,
            coupon=coupon,
            quantity=quantity,
            channel=Redemption.Channel.ONLINE,
            branch=branch,
            nonce=nonce,
            redeemed_at=timezone.now(),
            quantity_asked=quantity,
        )
    except (IntegrityError, CouponError):
        # The same key sent at the same moment may have won: then the units
        # are gone (refused here) or its nonce taken (our insert rolled back),
        # and its redemption is the answer.
        earlier = idempotency_key and _earlier_redemption(
            nonce=nonce,
            code=code,
            branch=branch,
            quantity=quantity,
            named_branch=named_branch,
        )
        if not earlier:
            raise
        return earlier
    # The shopper may be holding the coupon page up at this till.
    publish_coupon_state(coupon, shopper=shopper)
    return redemption


# A till's one-time key for one redemption (the console's form token, or an API
# client's, core.idempotency's shape): it becomes the redemption's nonce, beside
# the merchant's id, which must fit the nonce's 64 characters ("online:" +
# "mer_…" (20) + ":" + 36).


def _online_nonce(*, merchant: Merchant, idempotency_key: str | None) -> str:
    if idempotency_key is None:
        return f"online:{secrets.token_hex(16)}"
    if not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, idempotency_key):
        raise CouponError(
            "invalid",
            _("An idempotency key is 16 to 36 letters, digits, - or _."),
            fields={"idempotency_key": [_("16 to 36 letters, digits, - or _.")]},
        )
    # Scoped to the merchant: another merchant's till choosing the same key
    # neither collides with nor sees this one.
    return f"online:{merchant.public_id}:{idempotency_key}"


def _earlier_redemption(
    *,
    nonce: str,
    code: str,
    branch: Branch | None,
    quantity: int | None,
    named_branch: bool,
):
    """Return the redemption made under ``nonce`` (None if there is none yet);
    refuse a key reused for another coupon, branch or quantity.

    The quantity is compared as asked, not as taken (an omitted one is asked
    as 1), and the branch as the redemption was made (an omitted one is the
    shop's only open branch, or the cashier's).

    Redemptions keyed before 2026-12-06 kept neither as asked now: no
    quantity asked (``quantity_asked`` null: none was recorded, and an
    omitted one meant "all that is left") and, for a request naming no
    branch, no branch. A retry of such a request across the deploy is the
    same request when it asks for the units the key took, and names no
    branch where the key's request named none: it is answered with that
    redemption, nothing more taken. One asking for other units is refused,
    as it cannot be told from a new request.
    """
    earlier = (
        Redemption.objects.select_related("coupon", "branch")
        .filter(nonce=nonce)
        .first()
    )
    if earlier is None:
        return None
    same_coupon = earlier.coupon == coupon_for_code((code or "").strip())
    same_branch = earlier.branch_id == (branch.pk if branch else None) or (
        earlier.branch_id is None and not named_branch
    )
    if not same_coupon:
        raise CouponError(
            "idempotency_key_reused",
            _(
                "This request's key already redeemed coupon %(serial)s; "
                "scan the new coupon again."
            )
            % {"serial": earlier.coupon.serial},
            status=409,
        )
    if not same_branch:
        raise CouponError(
            "idempotency_key_reused",
            _(
                "This request's key already redeemed coupon %(serial)s at "
                "another branch; scan the coupon again to redeem it at this one."
            )
            % {"serial": earlier.coupon.serial},
            status=409,
        )
    asked = earlier.quantity_asked
    if asked is None:  # keyed before 2026-12-06: the units it took
        asked = earlier.quantity
    if asked != quantity:
        raise CouponError(
            "idempotency_key_reused",
            ngettext(
                "This request's key already redeemed %(units)d unit of coupon "
                "%(serial)s; scan the coupon again to redeem more.",
                "This request's key already redeemed %(units)d units of coupon "
                "%(serial)s; scan the coupon again to redeem more.",
                earlier.quantity,
            )
            % {"units": earlier.quantity, "serial": earlier.coupon.serial},
            status=409,
        )
    return earlier
