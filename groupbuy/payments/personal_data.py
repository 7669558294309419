"""What payments holds about a person: their WeChat openids (deleted on erasure).

Payouts belong to merchants, and payments themselves are escrow's."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy

from groupbuy.core.plugins import PersonalDataExport, PersonalDataProvider


class PaymentsPersonalData(PersonalDataProvider):
    holds = gettext_lazy("the WeChat Pay identities linked to you")

    def export(self, user) -> PersonalDataExport:
        from groupbuy.payments.models import WechatOpenId

        return PersonalDataExport(
            records={
                "wechat_openids": [
                    {"appid": row.appid, "openid": row.openid, "since": row.created_at}
                    for row in WechatOpenId.objects.filter(user=user).order_by("pk")
                ]
            }
        )

    def erasure_blockers(self, user) -> list[str]:
        """Refuse while a payout to a merchant ``user`` owns alone is on its
        way: if it fails, the money is back in the payable with nobody to
        fix the payee account."""
        from groupbuy.accounts.selectors import merchants_owned_alone
        from groupbuy.payments.models import Payout

        return [
            gettext(
                "%(merchant)s has a payout on its way and no other owner: make "
                "someone else an owner of it, or wait until the payout is done, "
                "before this account is deleted."
            )
            % {"merchant": merchant.display_name}
            for merchant in merchants_owned_alone(user=user)
            if Payout.objects.filter(
                merchant=merchant, status=Payout.Status.PENDING
            ).exists()
        ]

    def erase(self, user) -> None:
        from groupbuy.payments.models import WechatOpenId

        WechatOpenId.objects.filter(user=user).delete()
