"""Take units off a verified coupon, whatever the channel (online, a station's
batch, a claim reinstated), record the redemption and settle it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.catalog.models import Branch
from groupbuy.core.audit import audit_log
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.models import Coupon, Redemption
from groupbuy.coupons.services.redeeming.branches import _lock_open_branch
from groupbuy.coupons.services.redeeming.refusals import _refuse_unusable
from groupbuy.coupons.services.redeeming.settling import settle_redemption


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
        message = redeem_range_message(coupon.remaining_quantity)
        # On the field the till sent, so that a client marks it (until
        # 2026-12-07 ``fields`` was empty).
        raise CouponError("bad_quantity", message, fields={"quantity": [message]})
    with transaction.atomic():
        if not take_units(coupon, wanted):
            coupon.refresh_from_db()
            _refuse_unusable(coupon)
            message = _("Only %(left)d of this coupon's units are left.") % {
                "left": coupon.remaining_quantity
            }
            raise CouponError(
                "not_enough_left",
                message,
                status=409,
                fields={"quantity": [message]},
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


def redeem_range_message(most: int) -> str:
    """Ask for a quantity from 1 to ``most``; with one unit left, just that one
    (not "between 1 and 1"). Chinese has one plural form, so the single unit is
    its own sentence rather than the singular of the range."""
    if most == 1:
        return ngettext("Redeem %(count)d unit.", "Redeem %(count)d units.", most) % {
            "count": most
        }
    return ngettext(
        "Redeem between 1 and %(most)d unit.",
        "Redeem between 1 and %(most)d units.",
        most,
    ) % {"most": most}


def take_units(coupon: Coupon, wanted: int) -> bool:
    """Take ``wanted`` units off a valid coupon if it has them left (neither
    redeemed nor refunded), in one conditional UPDATE (redeemed once they are
    all taken); return whether it did."""
    left = F("quantity") - F("refunded_quantity") - wanted
    return bool(
        Coupon.objects.filter(
            pk=coupon.pk,
            status=Coupon.Status.VALID,
            redeemed_quantity__lte=left,
        ).update(
            redeemed_quantity=F("redeemed_quantity") + wanted,
            status=Case(
                When(
                    redeemed_quantity=left,
                    then=Value(Coupon.Status.REDEEMED),
                ),
                default=Value(Coupon.Status.VALID),
            ),
        )
    )
