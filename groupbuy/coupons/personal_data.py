"""What coupons holds about a person: their coupons and how they were redeemed.

Coupons and redemptions are money records: they stay on erasure, pointing at
the pseudonymous account. A cashier's name copied onto the redemptions they
recorded is cut out (the merchant keeps the redemption, not who rang it up).
Nobody is erased while a coupon they paid for is still to be used.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy

from groupbuy.core.plugins import PersonalDataExport, PersonalDataProvider


def _redemption(redemption) -> dict:
    return {
        "id": redemption.public_id,
        "quantity": redemption.quantity,
        "amount_fen": redemption.amount_fen,
        "channel": redemption.channel,
        "branch": redemption.branch.name if redemption.branch else None,
        "redeemed_at": redemption.redeemed_at,
    }


class CouponsPersonalData(PersonalDataProvider):
    holds = gettext_lazy("your coupons, and the coupons you redeemed as a cashier")

    def export(self, user) -> PersonalDataExport:
        from groupbuy.coupons.models import Coupon, Redemption

        coupons = (
            Coupon.objects.filter(shopper=user)
            .select_related("merchant", "order")
            .prefetch_related("redemptions__branch", "refunds")
        )
        recorded = Redemption.objects.filter(cashier=user).select_related(
            "branch", "coupon"
        )
        return PersonalDataExport(
            records={
                "coupons": [
                    {
                        "id": coupon.public_id,
                        "serial": coupon.serial,
                        "order": coupon.order.public_id,
                        "merchant": coupon.merchant.name,
                        "quantity": coupon.quantity,
                        "redeemed_quantity": coupon.redeemed_quantity,
                        "refunded_quantity": coupon.refunded_quantity,
                        "unit_price_fen": coupon.unit_price_fen,
                        "status": coupon.status,
                        "issued_at": coupon.issued_at,
                        "expires_at": coupon.expires_at,
                        "revoked_at": coupon.revoked_at,
                        "redemptions": [
                            _redemption(redemption)
                            for redemption in coupon.redemptions.all()
                        ],
                        # each refund of its unused units, some or all
                        "refunds": [
                            {
                                "quantity": refund.quantity,
                                "amount_fen": refund.amount_fen,
                                "refunded_at": refund.refunded_at,
                                "reason": refund.reason,
                            }
                            for refund in coupon.refunds.all()
                        ],
                    }
                    for coupon in coupons.order_by("issued_at", "id")
                ],
                "redemptions_recorded_as_cashier": [
                    {**_redemption(redemption), "coupon": redemption.coupon.serial}
                    for redemption in recorded.order_by("redeemed_at", "id")
                ],
            }
        )

    def erasure_blockers(self, user) -> list[str]:
        """Refuse while ``user`` holds a paid coupon not used up and not
        expired: the goods are paid for and waiting at the shop for a person
        who would no longer exist."""
        from django.utils import timezone

        from groupbuy.coupons.models import Coupon
        from groupbuy.coupons.services.refunding import (
            refund_offer_fen,
            refundable_unused_by_deal,
        )

        now = timezone.now()
        unused = list(
            Coupon.objects.filter(
                shopper=user, status=Coupon.Status.VALID, expires_at__gt=now
            )
            .select_related("merchant", "order__deal")
            .order_by("expires_at", "id")
        )
        # Each deal's refund terms, in one query for all the coupons.
        deals = [coupon.order.deal for coupon in unused]
        refundable = refundable_unused_by_deal(deals)
        for deal in deals:
            deal.coupon_unused_refundable = refundable[deal.pk]

        return [
            (
                gettext(
                    "Your coupon %(serial)s for %(merchant)s is paid for and not "
                    "used yet: use it at the shop or refund it before this "
                    "account is deleted."
                )
                if refund_offer_fen(coupon)
                else gettext(
                    "Your coupon %(serial)s for %(merchant)s is paid for and not "
                    "used yet: use it at the shop, or wait until it expires on "
                    "%(date)s, before this account is deleted."
                )
            )
            % {
                "serial": coupon.serial,
                "merchant": coupon.merchant.display_name,
                "date": timezone.localdate(coupon.expires_at).isoformat(),
            }
            for coupon in unused
        ]

    def erase(self, user) -> None:
        from groupbuy.coupons.models import Redemption

        Redemption.objects.filter(cashier=user).update(cashier_name="")
