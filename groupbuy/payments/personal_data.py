"""What payments holds about a person: their WeChat openids (deleted on erasure).

Payouts belong to merchants, and payments themselves are escrow's."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

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

    def erase(self, user) -> None:
        from groupbuy.payments.models import WechatOpenId

        WechatOpenId.objects.filter(user=user).delete()
