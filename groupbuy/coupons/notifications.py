"""Tell the shopper their coupon is ready, in the app and by SMS with a link."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from groupbuy.coupons.models import Coupon
from groupbuy.notify.models import Channel
from groupbuy.notify.services import default_channels, notification_enqueue


def coupon_page_url(coupon: Coupon) -> str:
    path = reverse("coupons:detail", kwargs={"coupon_id": coupon.public_id})
    return settings.GROUPBUY_PUBLIC_URL.rstrip("/") + path


def notify_coupon_issued(coupon: Coupon) -> None:
    """Queue inside the issuing transaction (the outbox sends after commit)."""
    channels = default_channels(coupon.shopper)
    if Channel.SMS.value not in channels:
        channels.append(Channel.SMS.value)
    notification_enqueue(
        recipient=coupon.shopper,
        kind="coupons.issued",
        title=format_lazy(_("Your coupon: {title}"), title=coupon.order.deal.title),
        body=format_lazy(
            _("Show it at {merchant} before {expires}: {url}"),
            merchant=coupon.merchant.name,
            expires=coupon.expires_at.date().isoformat(),
            url=coupon_page_url(coupon),
        ),
        url=coupon_page_url(coupon),
        data={"coupon_id": coupon.public_id, "order_id": coupon.order.public_id},
        channels=channels,
        idempotency_key=f"coupons.issued:{coupon.public_id}",
    )
