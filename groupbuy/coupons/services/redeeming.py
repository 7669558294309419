"""Redeem coupons online (the console) and settle each redemption."""

from __future__ import annotations

import logging
import re
import secrets
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.catalog.models import Branch, Merchant
from groupbuy.catalog.permissions import require_merchant_staff_branch
from groupbuy.catalog.selectors import branch_open_locked, merchant_branches
from groupbuy.core.audit import audit_log
from groupbuy.core.idempotency import IDEMPOTENCY_KEY_PATTERN
from groupbuy.core.times import format_local_time
from groupbuy.coupons import codec
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.live import publish_coupon_state
from groupbuy.coupons.models import Coupon, CouponRefund, Redemption, Revocation
from groupbuy.coupons.services.issuing import code_digest
from groupbuy.coupons.services.keys import (
    platform_id,
    platform_keys_cached,
    platform_keys_changed,
)

logger = logging.getLogger(__name__)

# A till's one-time key for one redemption (the console's form token, or an API
# client's, core.idempotency's shape): it becomes the redemption's nonce, beside
# the merchant's id, which must fit the nonce's 64 characters ("online:" +
# "mer_…" (20) + ":" + 36).


# A code that is not yet or no longer valid is the coupon's state, as a
# coupon the sweep marked expired is (409); any other refusal of a code is a
# value the till sent that names no coupon it may redeem (400, as every
# service's refusal of a well-formed value: docs/api.md, Errors).
_CODE_ERROR_STATUS = {
    codec.CodeError.NOT_YET_VALID: 409,
    codec.CodeError.EXPIRED: 409,
}


def code_error(error: codec.CodeError) -> CouponError:
    status = _CODE_ERROR_STATUS.get(error.code, 400)
    return CouponError(error.code, codec.refusal_message(error, _), status=status)


def platform_key_map(*, now: datetime | None = None) -> dict:
    """Return the platform keys that verify at ``now``, as the codec takes them
    (from the process's copy: no query, no key decoding per scan)."""
    now = now or timezone.now()
    platform = platform_id()
    return {
        (platform, key_id): codec.PlatformKey(
            verify_key=public_key,
            valid_until=int(until.timestamp()) if until else None,
        )
        for key_id, public_key, until in platform_keys_cached()
        if until is None or until >= now
    }


def coupon_check_code(*, merchant: Merchant, code: str, now=None) -> Coupon:
    """Return the coupon ``code`` is for, verified for ``merchant``; else raise."""
    now = now or timezone.now()
    code = (code or "").strip()
    if not code:
        raise CouponError("missing_code", _("Scan or type a coupon code."))
    coupon = coupon_for_code(code)
    if coupon is None:
        try:
            codec.from_text(code)
        except codec.CodeError as error:
            raise code_error(error) from error
        # Well formed but never issued as such: altered, or re-sealed by a
        # merchant to another one (the sign-then-encrypt attack).
        raise code_error(codec.CodeError(codec.CodeError.NOT_FOR_THIS_MERCHANT, ""))
    try:
        _verify(coupon, merchant, now)
    except codec.CodeError as error:
        if error.code == codec.CodeError.EXPIRED:
            # The code carries the date: say which day it was.
            raise CouponError("expired", expired_message(coupon), status=409) from error
        if error.code != codec.CodeError.UNKNOWN_KEY:
            raise code_error(error) from error
        # A key made a moment ago in another process: read the keys again once.
        platform_keys_changed()
        try:
            _verify(coupon, merchant, now)
        except codec.CodeError as error:
            raise code_error(error) from error
    return coupon


def coupon_for_code(code: str) -> Coupon | None:
    """Return the coupon issued with the text ``code``: its current code, or
    one it had before the merchant's key was replaced (a screenshot, a printed
    coupon). The text must be exactly one the platform issued; its signed
    bytes are verified by the caller either way."""
    digest = code_digest(code)
    # the shopper: told of the redemption (coupons.live)
    coupons = Coupon.objects.select_related("order__deal", "shopper")
    coupon = coupons.filter(code_digest=digest).first()
    if coupon is None:
        coupon = coupons.filter(earlier_codes__code_digest=digest).first()
    return coupon


def _verify(coupon: Coupon, merchant: Merchant, now: datetime) -> None:
    codec.verify_signed(
        bytes(coupon.signed),
        merchant_id=merchant.public_id,
        platform_keys=platform_key_map(now=now),
        now=int(now.timestamp()),
    )


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
            nonce=nonce, code=code, branch=branch, quantity=quantity
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
            nonce=nonce, code=code, branch=branch, quantity=quantity
        )
        if not earlier:
            raise
        return earlier
    # The shopper may be holding the coupon page up at this till.
    publish_coupon_state(coupon, shopper=shopper)
    return redemption


def redeeming_branch(*, limit: Branch | None, branch: Branch | None):
    """Return the branch a cashier redeems at when asking for ``branch``: the
    one their membership limits them to, if any (403 for another), else
    ``branch`` as asked."""
    if limit is None:
        return branch
    if branch is not None and branch.pk != limit.pk:
        raise CouponError(
            "not_your_branch",
            _("You redeem coupons at the branch “%(own)s” only, not at “%(asked)s”.")
            % {"own": limit.name, "asked": branch.name},
            status=403,
        )
    return limit


def only_open_branch(merchant: Merchant) -> Branch | None:
    """Return the branch a redemption naming none is made at: the shop's only
    open branch (None when it has none); refuse one at a shop with several
    open, as its statement would not say where the coupon was used."""
    open_branches = list(merchant_branches(merchant=merchant)[:2])
    if len(open_branches) > 1:
        raise CouponError(
            "branch_required",
            _(
                "This shop has more than one open branch: choose the one you are "
                "at, so the statement says where the coupon was used."
            ),
            fields={"branch": [_("Choose the branch you are at.")]},
        )
    return open_branches[0] if open_branches else None


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
    *, nonce: str, code: str, branch: Branch | None, quantity: int | None
):
    """Return the redemption made under ``nonce`` (None if there is none yet);
    refuse a key reused for another coupon, branch or quantity.

    The quantity is compared as asked, not as taken (an omitted one is asked
    as 1). Redemptions keyed before 2026-12-06 without a quantity asked "all
    that is left" (``quantity_asked`` null): none is the same request as one
    sent now.
    """
    earlier = (
        Redemption.objects.select_related("coupon", "branch")
        .filter(nonce=nonce)
        .first()
    )
    if earlier is None:
        return None
    same_coupon = earlier.coupon == coupon_for_code((code or "").strip())
    if not same_coupon or earlier.branch_id != (branch.pk if branch else None):
        raise CouponError(
            "idempotency_key_reused",
            _(
                "This request's key already redeemed coupon %(serial)s; "
                "scan the new coupon again."
            )
            % {"serial": earlier.coupon.serial},
            status=409,
        )
    if earlier.quantity_asked != quantity:
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


def redeem_coupon(
    *,
    actor,
    coupon: Coupon,
    quantity: int,
    channel: str,
    nonce: str,
    redeemed_at: datetime,
    branch: Branch | None = None,
    cashier_name: str = "",
    batch=None,
    settlement_round: int = 0,
    quantity_asked: int | None = None,
) -> Redemption:
    """Take ``quantity`` units off a verified coupon, record and settle it."""
    _refuse_unusable(coupon)
    wanted = quantity
    if wanted < 1 or wanted > coupon.quantity:
        # Quote what is left (at least 1: a used-up coupon was refused above);
        # a quantity within the coupon but over what is left is refused below,
        # under the row's condition, with the same figure.
        raise CouponError(
            "bad_quantity",
            ngettext(
                "Redeem between 1 and %(most)d unit.",
                "Redeem between 1 and %(most)d units.",
                coupon.remaining_quantity,
            )
            % {"most": coupon.remaining_quantity},
        )
    with transaction.atomic():
        if not take_units(coupon, wanted):
            coupon.refresh_from_db()
            _refuse_unusable(coupon)
            raise CouponError(
                "not_enough_left",
                _("Only %(left)d of this coupon's units are left.")
                % {"left": coupon.remaining_quantity},
                status=409,
            )
        if branch is not None and channel == Redemption.Channel.ONLINE:
            _lock_open_branch(branch)
        redemption = Redemption.objects.create(
            coupon=coupon,
            quantity=wanted,
            amount_fen=wanted * coupon.unit_price_fen,
            channel=channel,
            branch=branch,
            cashier=actor if getattr(actor, "pk", None) else None,
            cashier_name=cashier_name[:80],
            nonce=nonce,
            batch=batch,
            redeemed_at=redeemed_at,
            settlement_round=settlement_round,
            quantity_asked=quantity_asked,
        )
        audit_log(
            actor=actor,
            action="coupons.coupon.redeemed",
            obj=coupon,
            data={
                "redemption": redemption.public_id,
                "quantity": wanted,
                "channel": channel,
                "branch": branch.public_id if branch else None,
            },
        )
        settle_redemption(actor=actor, redemption=redemption)
    coupon.refresh_from_db()
    return redemption


def take_units(coupon: Coupon, wanted: int) -> bool:
    """Take ``wanted`` units off a valid coupon if it has them left, in one
    conditional UPDATE (redeemed once they are all taken); return whether it
    did."""
    return bool(
        Coupon.objects.filter(
            pk=coupon.pk,
            status=Coupon.Status.VALID,
            redeemed_quantity__lte=F("quantity") - wanted,
        ).update(
            redeemed_quantity=F("redeemed_quantity") + wanted,
            status=Case(
                When(
                    redeemed_quantity=F("quantity") - wanted,
                    then=Value(Coupon.Status.REDEEMED),
                ),
                default=Value(Coupon.Status.VALID),
            ),
        )
    )


def branch_closed_refusal(branch: Branch) -> CouponError:
    """The till's branch has closed: the cashier is told to pick where they are."""
    return CouponError(
        "branch_closed",
        _(
            "The branch “%(branch)s” chosen on this till has closed, so coupons "
            "cannot be redeemed there: choose the branch you are at and scan "
            "again."
        )
        % {"branch": branch.name},
        status=409,
    )


def _lock_open_branch(branch: Branch) -> None:
    """Lock ``branch`` until the redemption commits; refuse it if it has closed.

    Taken after the coupon's UPDATE (coupon, then branch, as a batch
    import's coupon locks come first); see ``branch_open_locked``.
    """
    if not branch_open_locked(branch):
        raise branch_closed_refusal(branch)


def _refuse_unusable(coupon: Coupon) -> None:
    if coupon.status == Coupon.Status.REVOKED:
        raise CouponError("revoked", revoked_message(coupon), status=409)
    if coupon.status == Coupon.Status.EXPIRED:
        raise CouponError("expired", expired_message(coupon), status=409)
    if coupon.status == Coupon.Status.REDEEMED:
        raise CouponError(
            "already_redeemed", already_redeemed_message(coupon), status=409
        )


def unusable_message(coupon: Coupon) -> str | None:
    """Say why ``coupon`` cannot be used now, as the till would (None if it can)."""
    status = coupon.shown_status
    if status == Coupon.Status.REVOKED:
        return revoked_message(coupon)
    if status == Coupon.Status.EXPIRED:
        return expired_message(coupon)
    if status == Coupon.Status.REDEEMED:
        return already_redeemed_message(coupon)
    return None


def _local_day(moment: datetime) -> str:
    """``moment``'s day in the site's time zone, in the reader's language."""
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def expired_message(coupon: Coupon) -> str:
    return _("This coupon expired on %(date)s.") % {
        "date": _local_day(coupon.expires_at)
    }


def revoked_message(coupon: Coupon) -> str:
    """Say what made ``coupon`` unusable and when: refunded (by its shopper or
    the shop), cancelled with its order, or revoked (by an operator)."""
    refund = CouponRefund.objects.filter(coupon=coupon).first()
    if refund is not None:
        return _("This coupon was refunded on %(date)s; it cannot be used.") % {
            "date": _local_day(refund.refunded_at)
        }
    date = _local_day(coupon.revoked_at or timezone.now())
    reason = (
        Revocation.objects.filter(coupon=coupon)
        .values_list("reason", flat=True)
        .first()
    )
    if reason == "order_refunded":
        message = _(
            "This coupon was cancelled on %(date)s, as its order was refunded; "
            "it cannot be used."
        )
    elif reason == "order_cancelled":
        message = _(
            "This coupon was cancelled on %(date)s, as its order was cancelled; "
            "it cannot be used."
        )
    else:
        message = _("This coupon was revoked on %(date)s; it cannot be used.")
    return message % {"date": date}


def already_redeemed_message(coupon: Coupon) -> str:
    last = coupon.redemptions.select_related("branch").order_by("-redeemed_at").first()
    if last is None:
        return _("This coupon has already been redeemed.")
    where = last.branch.name if last.branch else last.get_channel_display()
    return _("Already redeemed on %(when)s at %(where)s.") % {
        "when": format_local_time(last.redeemed_at),
        "where": where,
    }


def settles_on_redemption(order) -> bool:
    """Return whether ``order``'s money waits in merchant-pending for its coupon.

    Deals settled on close paid the merchant then; only deals settled on
    redemption move money when a coupon is used.
    """
    return order.deal.settlement_mode == order.deal.SettlementMode.ON_REDEMPTION


def settle_redemption(*, actor, redemption: Redemption) -> None:
    """Move the redeemed share from merchant-pending to payable (escrow's rule).

    Runs inside the redemption's transaction, so a redemption and its
    settlement commit together; the idempotency key makes a retry harmless.
    """
    from groupbuy.escrow.services import escrow_settle_redemption

    if not settles_on_redemption(redemption.coupon.order):
        return  # the deal paid the merchant when it closed
    escrow_settle_redemption(
        actor=actor,
        order=redemption.coupon.order,
        amount_fen=redemption.amount_fen,
        idempotency_key=settlement_key(redemption),
    )


def settlement_key(redemption: Redemption) -> str:
    """Return the escrow key ``redemption`` settles under (a claim reinstated
    after being superseded settles again, under a fresh key)."""
    key = f"coupons.redemption:{redemption.nonce}"
    if redemption.settlement_round:
        return f"{key}:{redemption.settlement_round}"
    return key
