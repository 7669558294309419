"""Deals in the project: the API, the live progress socket and what it tells."""

from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp, NotificationAudience

app = GroupbuyApp(
    personal_data="groupbuy.deals.personal_data:DealsPersonalData",
    # A branch may not close while an order waits there (deals/branch_closing.py).
    branch_close_blockers="groupbuy.deals.branch_closing:branch_close_blockers",
    # An everyday price may not drop below an open deal's original price
    # (deals/listing_prices.py).
    listing_price_blockers="groupbuy.deals.listing_prices:listing_price_blockers",
    # Nor may the listing be switched off while such a deal shows its price.
    listing_withdrawal_blockers=(
        "groupbuy.deals.listing_prices:listing_withdrawal_blockers"
    ),
    # A product an operator stops selling, or sells again: the shops with an
    # open group buy of it are told (deals/product_selling.py).
    product_selling_changed=(
        "groupbuy.deals.product_selling:tell_shops_product_selling_changed"
    ),
    # Produce deals and buyers already in (deals/demo.py).
    demo_data="groupbuy.deals.demo:load_demo_data",
    api_routers={
        "deals": "groupbuy.deals.api:router",
        # An operator's group buy: read, close now, stop and refund everyone.
        "operator/deals": "groupbuy.deals.api.operator:router",
    },
    websocket_routes=[
        (
            r"^ws/deals/(?P<deal_public_id>[A-Za-z0-9_-]{1,40})/$",
            "groupbuy.deals.consumers:DealConsumer",
        )
    ],
    notification_kinds={
        "deals.order.paid": _("Payment received"),
        "deals.order.refunded": _("Order refunded by the shop"),
        "deals.order.units_refunded": _("Part of an order refunded by the shop"),
        "deals.deal.succeeded": _("Group buy succeeded"),
        "deals.deal.failed": _("Group buy failed"),
        "deals.order.expired": _("Unpaid order released"),
        "deals.order.deal_closed": _("Unpaid order released at close"),
        "deals.order.deal_stopped": _("Unpaid order released: group buy stopped"),
        "deals.deal.stopped": _("Group buy stopped by the shop or the platform"),
        # To the shop's owners (deals/shop_notifications.py): inbox, never SMS.
        "deals.shop.tier_reached": _("Your group buy reached a price tier"),
        "deals.shop.succeeded": _("Your group buy succeeded"),
        "deals.shop.failed": _("Your group buy did not go ahead"),
        "deals.shop.stopped": _("Your group buy was stopped by the platform"),
        "deals.shop.stopped_by_owner": _("Another owner stopped your group buy"),
        # deals/product_selling.py, to the owners too.
        "deals.shop.product_stopped": _(
            "A product of your open group buys is no longer sold"
        ),
        "deals.shop.product_resumed": _(
            "A product of your open group buys is sold again"
        ),
    },
    notification_audiences={
        "deals.shop.tier_reached": NotificationAudience.MERCHANT_STAFF,
        "deals.shop.succeeded": NotificationAudience.MERCHANT_STAFF,
        "deals.shop.failed": NotificationAudience.MERCHANT_STAFF,
        "deals.shop.stopped": NotificationAudience.MERCHANT_STAFF,
        "deals.shop.stopped_by_owner": NotificationAudience.MERCHANT_STAFF,
        "deals.shop.product_stopped": NotificationAudience.MERCHANT_STAFF,
        "deals.shop.product_resumed": NotificationAudience.MERCHANT_STAFF,
    },
    # What the app writes to the audit trail, labelled on the operators' page.
    audit_actions={
        "deals.deal.created": _("Group buy created"),
        "deals.deal.created_with_participants": _(
            "Group buy opened for a demand's buyers"
        ),
        "deals.deal.updated": _("Group buy changed"),
        "deals.deal.opened": _("Group buy opened"),
        "deals.deal.rescheduled": _("Group buy's deadline or stock changed"),
        "deals.deal.stock_added": _("Stock added to a group buy"),
        "deals.deal.succeeded": _("Group buy succeeded"),
        "deals.deal.failed": _("Group buy failed"),
        "deals.deal.stopped": _("Group buy stopped"),
        "deals.deal.repriced": _("Group buy's price tier counted again"),
        "deals.deal.settled": _("Group buy settled"),
        "deals.order.joined": _("Order placed"),
        "deals.order.paid": _("Order paid"),
        "deals.order.payment_declined": _("Order's payment declined"),
        "deals.order.payment_retried": _("Order's payment tried again"),
        "deals.order.cancelled": _("Order cancelled"),
        "deals.order.refunded": _("Order cancelled and refunded"),
        "deals.order.refund_requested": _("Refund asked for"),
        "deals.order.units_refunded": _("Order's units refunded"),
        "deals.order.units_refunded_by_merchant": _(
            "Order's units refunded by the shop"
        ),
    },
)
