"""The pages in the project: the shopper's tabs, the merchant console's menu and
the operator dashboard, at the site root."""

from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp, NavEntry

app = GroupbuyApp(
    urls={"": "groupbuy.web.urls"},
    nav=[
        NavEntry(
            role="shopper",
            label=_("Deals"),
            url_name="web:deal_list",
            icon="bag",
            order=10,
            key="deals",
            pinned=True,
        ),
        NavEntry(
            role="shopper",
            label=_("My orders"),
            url_name="web:order_list",
            icon="receipt",
            order=30,
            key="orders",
            pinned=True,
        ),
        NavEntry(
            role="shopper",
            label=_("My money"),
            url_name="web:money",
            icon="wallet",
            order=50,
        ),
        NavEntry(
            role="merchant",
            label=_("Overview"),
            url_name="web:merchant_dashboard",
            order=10,
            key="overview",
        ),
        NavEntry(
            role="merchant",
            label=_("Products and prices"),
            url_name="web:merchant_listings",
            order=34,
            key="listings",
        ),
        NavEntry(
            role="merchant",
            label=_("Our products"),
            url_name="web:merchant_products",
            order=36,
            key="products",
        ),
        NavEntry(
            role="merchant",
            label=_("Group buys"),
            url_name="web:merchant_deals",
            order=20,
            key="deals",
        ),
        NavEntry(
            role="merchant",
            label=_("Orders"),
            url_name="web:merchant_orders",
            order=24,
            key="orders",
        ),
        NavEntry(
            role="merchant",
            label=_("Sales"),
            url_name="web:merchant_sales",
            order=40,
            key="sales",
            owners_only=True,
        ),
        NavEntry(
            role="merchant",
            label=_("Staff and branches"),
            url_name="web:merchant_staff",
            order=60,
            key="staff",
            owners_only=True,
        ),
        NavEntry(
            role="merchant",
            label=_("Money"),
            url_name="web:merchant_money",
            order=50,
            key="money",
            owners_only=True,
        ),
        NavEntry(
            role="operator",
            label=_("Dashboard"),
            url_name="web:operator_home",
            icon="chart",
            order=10,
            key="dashboard",
        ),
        NavEntry(
            role="operator",
            label=_("Look up"),
            url_name="web:operator_lookup",
            icon="users",
            order=15,
            key="lookup",
        ),
        NavEntry(
            role="operator",
            label=_("New merchant"),
            url_name="web:operator_merchant_new",
            icon="bag",
            order=40,
            key="merchant-new",
        ),
    ],
)
