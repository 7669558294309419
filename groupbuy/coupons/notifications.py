"""Tell the shopper their coupon is ready (in the app and by SMS with a link) or
was revoked by an operator, and a merchant's owners when an expired coupon's
refund waits for their payable."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.selectors import merchant_name_lazy
from groupbuy.core.i18n import interpolate_lazy
from groupbuy.core.money import format_fen
from groupbuy.coupons.models import Coupon
from groupbuy.deals.links import order_page_url
from groupbuy.deals.selectors.titles import deal_title_lazy
from groupbuy.notify.models import Channel
from groupbuy.notify.services import default_channels, notification_enqueue


def coupon_page_url(coupon: Coupon) -> str:
    path = reverse("coupons:detail", kwargs={"coupon_id": coupon.public_id})
    return settings.GROUPBUY_PUBLIC_URL.rstrip("/") + path


def notify_coupon_issued(coupon: Coupon) -> None:
    """Queue inside the issuing transaction (the outbox sends after commit)."""
    kind = "coupons.issued"
    channels = default_channels(coupon.shopper, kind)
    # The coupon's link goes by SMS too (the patent's way to the till), unless
    # the shopper keeps coupons to their inbox.
    if kind not in coupon.shopper.inbox_only_kinds and Channel.SMS not in channels:
        channels.append(Channel.SMS.value)
    _tell_shopper(
        coupon,
        kind=kind,
        title=_("Your coupon: {title}"),
        # No link in the body: the SMS adds the notification's link itself (it
        # came twice) and the inbox opens it (it showed as a raw address).
        body=format_lazy(
            _("Show it at {merchant} before {expires}."),
            merchant=merchant_name_lazy(coupon.merchant),
            # the shop's day: 07:00 on the 11th in Shanghai is the 10th in UTC
            expires=timezone.localdate(coupon.expires_at).isoformat(),
        ),
        url=coupon_page_url(coupon),
        channels=channels,
    )


def notify_coupon_revoked_by_operator(coupon: Coupon) -> None:
    """Tell the shopper an operator revoked their coupon, once (queued in the
    revocation's transaction; the outbox sends after commit). The operator's
    reason is for the audit, not the shopper; no money is promised, since
    revoking gives none back."""
    _tell_shopper(
        coupon,
        kind="coupons.revoked",
        title=_("Coupon revoked: {title}"),
        body=format_lazy(
            _(
                "The platform revoked your coupon from {merchant}: it can no "
                "longer be used. If you think you are owed money for it, contact "
                "the shop or the platform."
            ),
            merchant=merchant_name_lazy(coupon.merchant),
        ),
        # The order's page: its coupon shows revoked, its refund or help is there.
        url=order_page_url(coupon.order),
    )


def _tell_shopper(coupon: Coupon, *, kind: str, title, body, url: str, channels=None):
    """Queue ``kind`` for the coupon's shopper, once per coupon; ``title``
    names the deal as ``{title}``."""
    notification_enqueue(
        recipient=coupon.shopper,
        kind=kind,
        title=format_lazy(title, title=deal_title_lazy(coupon.order.deal)),
        body=body,
        url=url,
        data={"coupon_id": coupon.public_id, "order_id": coupon.order.public_id},
        channels=channels,
        idempotency_key=f"{kind}:{coupon.public_id}",
    )


def notify_refund_waiting(*, record, order) -> None:
    """The first time an expired coupon's refund cannot be taken back (the
    merchant's payable was paid out), tell the merchant's owners, once: the
    sweep keeps trying, and it succeeds only when their payable covers it."""
    merchant = order.deal.merchant
    owners = MerchantMembership.objects.filter(
        merchant=merchant, role=MerchantMembership.Role.OWNER
    ).select_related("user")
    for membership in owners:
        notification_enqueue(
            recipient=membership.user,
            kind="coupons.expiry.waiting",
            title=_("An expired coupon's refund is waiting"),
            body=format_lazy(
                _(
                    "Coupon {serial} of order {order} expired unredeemed, so "
                    "{amount} goes back to the shopper, but your payable holds "
                    "less than that (it was paid out). The refund is made as "
                    "soon as your payable covers it."
                ),
                serial=record.coupon.serial[-8:],
                order=order.public_id,
                amount=format_fen(record.amount_fen),
            ),
            url=reverse("coupons:merchant_statement", args=[merchant.public_id]),
            channels=["in_app"],
            idempotency_key=f"coupons.expiry.waiting:{record.pk}:{membership.user_id}",
        )


def notify_refunded_by_merchant(*, refund) -> None:
    """Tell the shopper the shop refunded their coupon's unused units, some or
    all, and why (queued in the refund's transaction; the outbox sends after
    commit)."""
    coupon = refund.coupon
    left = coupon.remaining_quantity
    facts = {
        "merchant": merchant_name_lazy(coupon.merchant),
        "units": refund.quantity,
        "title": deal_title_lazy(coupon.order.deal),
        "amount": format_fen(refund.amount_fen),
        "reason": refund.reason,
        "left": left,
    }
    notification_enqueue(
        recipient=coupon.shopper,
        kind="coupons.refunded_by_merchant",
        title=format_lazy(
            _("{merchant} refunded your coupon"),
            merchant=merchant_name_lazy(coupon.merchant),
        ),
        body=interpolate_lazy(_some_refunded_body(left), facts)
        if left
        else interpolate_lazy(
            ngettext_lazy(
                "%(merchant)s refunded the %(units)d unused unit of your coupon "
                "for %(title)s: %(amount)s goes back the way you paid, and its "
                "code no longer works. The shop's reason: %(reason)s",
                "%(merchant)s refunded the %(units)d unused units of your coupon "
                "for %(title)s: %(amount)s goes back the way you paid, and its "
                "code no longer works. The shop's reason: %(reason)s",
                refund.quantity,
            ),
            facts,
        ),
        url=coupon_page_url(coupon),
        data={
            "coupon_id": coupon.public_id,
            "order_id": coupon.order.public_id,
            "units": refund.quantity,
            "units_left": left,
        },
        idempotency_key=f"coupons.refunded_by_merchant:{coupon.public_id}:{refund.pk}",
    )


def _some_refunded_body(left: int):
    """The body when the coupon keeps ``left`` units for the till."""
    return ngettext_lazy(
        "%(merchant)s refunded part of your coupon for %(title)s: %(amount)s "
        "goes back the way you paid, and the coupon keeps %(left)d unit for "
        "the till. The shop's reason: %(reason)s",
        "%(merchant)s refunded part of your coupon for %(title)s: %(amount)s "
        "goes back the way you paid, and the coupon keeps %(left)d units for "
        "the till. The shop's reason: %(reason)s",
        left,
    )
