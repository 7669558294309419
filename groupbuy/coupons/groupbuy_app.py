"""How the coupons app plugs into groupbuy (see groupbuy.core.plugins)."""

from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp, NavEntry

app = GroupbuyApp(
    api_routers={"coupons": "groupbuy.coupons.api:router"},
    urls={"coupons/": "groupbuy.coupons.urls"},
    nav=[
        NavEntry(
            role="shopper",
            label=_("Coupons"),
            url_name="coupons:list",
            icon="ticket",
            order=35,
        ),
        NavEntry(
            role="merchant",
            label=_("Redeem coupons"),
            url_name="coupons:merchant_console",
            key="coupons",
            icon="scan",
            order=15,
        ),
    ],
    page_parts={"order.detail": "coupons/_order_coupon.html"},
    standalone_cli_commands={"station": "groupbuy.coupons.station.cli:main"},
    demo_data="groupbuy.coupons.demo:load_demo_data",
    notification_kinds={
        "coupons.issued": _("Coupon ready"),
        "coupons.expiry.waiting": _("Expired coupon refund waiting"),
    },
    personal_data="groupbuy.coupons.personal_data:CouponsPersonalData",
)
