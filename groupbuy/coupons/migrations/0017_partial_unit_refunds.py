"""A coupon's unused units may be refunded some at a time.

``CouponRefund`` was one per coupon (all its unused units at once); it is now
one per refund, each with the escrow key its money moved under, the units its
coupon had left after it and the request's one-time key. ``Coupon.refunded_quantity`` counts the units refunded,
which no till takes any more. The refunds made before keep their rows: each
gets the key it was made under (``coupons.refund_unused:<serial>``) and its
coupon the units it refunded (never more than the coupon had not redeemed, so
the new check holds).
"""

import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models

REFUND_KEY_PREFIX = "coupons.refund_unused:"  # services.refunding, as it was


def keep_earlier_refunds(apps, schema_editor):
    CouponRefund = apps.get_model("coupons", "CouponRefund")
    Coupon = apps.get_model("coupons", "Coupon")
    for refund in CouponRefund.objects.select_related("coupon").order_by("pk"):
        coupon = refund.coupon
        refund.escrow_key = f"{REFUND_KEY_PREFIX}{coupon.serial}"
        refund.save(update_fields=["escrow_key"])
        units = min(refund.quantity, coupon.quantity - coupon.redeemed_quantity)
        Coupon.objects.filter(pk=coupon.pk).update(refunded_quantity=units)


class Migration(migrations.Migration):
    dependencies = [
        ("coupons", "0016_statement_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="couponrefund",
            options={
                "ordering": ["refunded_at", "id"],
                "verbose_name": "coupon refund",
                "verbose_name_plural": "coupon refunds",
            },
        ),
        migrations.RemoveConstraint(
            model_name="coupon",
            name="coupons_never_over_redeemed",
        ),
        migrations.AddField(
            model_name="coupon",
            name="refunded_quantity",
            field=models.PositiveIntegerField(
                db_default=0, default=0, verbose_name="refunded"
            ),
        ),
        migrations.AddField(
            model_name="couponrefund",
            name="escrow_key",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                max_length=100,
                verbose_name="escrow key",
            ),
        ),
        migrations.AddField(
            model_name="couponrefund",
            name="units_left",
            field=models.PositiveIntegerField(
                db_default=0, default=0, verbose_name="units left"
            ),
        ),
        migrations.AddField(
            model_name="couponrefund",
            name="idempotency_key",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                max_length=64,
                verbose_name="idempotency key",
            ),
        ),
        migrations.AlterField(
            model_name="couponrefund",
            name="coupon",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="refunds",
                to="coupons.coupon",
                verbose_name="coupon",
            ),
        ),
        migrations.RunPython(keep_earlier_refunds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="coupon",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "redeemed_quantity__lte",
                        django.db.models.expressions.CombinedExpression(
                            models.F("quantity"), "-", models.F("refunded_quantity")
                        ),
                    )
                ),
                name="coupons_never_over_redeemed",
            ),
        ),
        migrations.AddConstraint(
            model_name="couponrefund",
            constraint=models.UniqueConstraint(
                condition=models.Q(("idempotency_key", ""), _negated=True),
                fields=("refunded_by", "idempotency_key"),
                name="coupons_refund_key_once",
            ),
        ),
    ]
