"""Deals in the project: the API, the live progress socket and what it tells."""

from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp

app = GroupbuyApp(
    personal_data="groupbuy.deals.personal_data:DealsPersonalData",
    # A branch may not close while an order waits there (deals/branch_closing.py).
    branch_close_blockers="groupbuy.deals.branch_closing:branch_close_blockers",
    # An everyday price may not drop below an open deal's original price
    # (deals/listing_prices.py).
    listing_price_blockers="groupbuy.deals.listing_prices:listing_price_blockers",
    # Produce deals and buyers already in (deals/demo.py).
    demo_data="groupbuy.deals.demo:load_demo_data",
    api_routers={"deals": "groupbuy.deals.api:router"},
    websocket_routes=[
        (
            r"^ws/deals/(?P<deal_public_id>[A-Za-z0-9_-]{1,40})/$",
            "groupbuy.deals.consumers:DealConsumer",
        )
    ],
    notification_kinds={
        "deals.order.paid": _("Payment received"),
        "deals.order.refunded": _("Order refunded by the shop"),
        "deals.deal.succeeded": _("Group buy succeeded"),
        "deals.deal.failed": _("Group buy failed"),
        "deals.order.expired": _("Unpaid order released"),
        "deals.order.deal_closed": _("Unpaid order released at close"),
        "deals.order.deal_stopped": _("Unpaid order released: group buy stopped"),
        "deals.deal.stopped": _("Group buy stopped by the shop or the platform"),
    },
)
