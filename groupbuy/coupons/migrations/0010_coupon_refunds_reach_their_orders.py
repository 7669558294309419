"""Coupon refunds made before they reached their orders now do.

Until this change a coupon's unused units refunded (by its shopper or its
shop) or expired under "refund the shopper" moved the money back but left the
order's refunded_fen (and status) as they were, so the order pages, the order
API, the shop's CSV and its Sales understated the refund. This adds each such
refund to its order, as ``deals.services.deal_order_units_refunded`` now does
in the refund's own transaction: refunded_fen grows by the amount; an order of
which no unit was used (the refund or expiry took every unit) is refunded,
unless another app keeps it (a team place keeps its status).

Never counts a refund twice: an order is corrected only while its refunded_fen
plus the coupon's refunds stays within what its payments had refunded.
"""

from django.db import migrations
from django.db.models import Sum

MOVED = ("refunded", "taken_back")
ORDER_PURPOSE = "deals.order"  # deals.services.payments.ORDER_PURPOSE, as it was


def _refunds_by_order(apps) -> dict:
    """``{order pk: [(amount, every unit, when, cancel reason, shop's reason)]}``"""
    CouponRefund = apps.get_model("coupons", "CouponRefund")
    CouponExpiry = apps.get_model("coupons", "CouponExpiry")
    found: dict = {}
    for refund in CouponRefund.objects.select_related("coupon"):
        coupon = refund.coupon
        found.setdefault(coupon.order_id, []).append(
            (
                refund.amount_fen,
                refund.quantity == coupon.quantity,
                refund.refunded_at,
                "merchant" if refund.reason else "",
                refund.reason,
            )
        )
    expiries = CouponExpiry.objects.filter(
        outcome__in=MOVED, settled_at__isnull=False
    ).select_related("coupon")
    for expiry in expiries:
        coupon = expiry.coupon
        found.setdefault(coupon.order_id, []).append(
            (
                expiry.amount_fen,
                expiry.quantity == coupon.quantity,
                expiry.settled_at,
                "",
                "",
            )
        )
    return found


def count_coupon_refunds_on_orders(apps, schema_editor):
    DealOrder = apps.get_model("deals", "DealOrder")
    PaymentIntent = apps.get_model("escrow", "PaymentIntent")
    for order_pk, refunds in _refunds_by_order(apps).items():
        order = DealOrder.objects.get(pk=order_pk)
        coupon_fen = sum(amount for amount, *_rest in refunds)
        refunded = PaymentIntent.objects.filter(reference=order.public_id).aggregate(
            total=Sum("refunded_fen")
        )["total"]
        if order.refunded_fen + coupon_fen > (refunded or 0):
            continue  # counted already, or not what the payments say: leave it
        order.refunded_fen += coupon_fen
        fields = ["refunded_fen"]
        whole = [refund for refund in refunds if refund[1]]
        # An order another app keeps (a team place, paid under its own
        # purpose) keeps its status, as the service leaves it.
        purpose = (
            PaymentIntent.objects.filter(pk=order.payment_intent_id)
            .values_list("purpose", flat=True)
            .first()
        )
        if whole and order.status == "confirmed" and purpose in (None, ORDER_PURPOSE):
            _amount, _every, when, reason, words = whole[0]
            order.status = "refunded"
            order.cancel_reason = reason
            order.refund_reason = words
            order.cancelled_at = when
            fields += ["status", "cancel_reason", "refund_reason", "cancelled_at"]
        order.save(update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [
        ("coupons", "0009_coupon_refund_by_merchant"),
        ("deals", "0012_deal_stopped_by_and_reason"),
        ("escrow", "0006_ledger_kind_totals"),
    ]

    operations = [
        migrations.RunPython(
            count_coupon_refunds_on_orders, migrations.RunPython.noop, elidable=True
        ),
    ]
