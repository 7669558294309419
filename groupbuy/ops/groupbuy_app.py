"""Operations in the project: backup and restore commands, a person's data pages
and API, the operators' erasure queue, ops' own part of a person's data, and
applications to open a shop with the operators' answer to them."""

from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp, NavEntry, NotificationAudience

app = GroupbuyApp(
    api_routers={
        "": "groupbuy.ops.api:router",
        "operator": "groupbuy.ops.api_operator:router",
        "shop-applications": "groupbuy.ops.api_shop_applications:router",
        "operator/shop-applications": (
            "groupbuy.ops.api_shop_applications:operator_router"
        ),
    },
    urls={"": "groupbuy.ops.urls"},
    nav=[
        # Anyone may apply to open a shop: listed on the More page.
        NavEntry(
            role="shopper",
            label=_("Open a shop"),
            url_name="ops:shop_apply",
            icon="bag",
            order=95,
            key="open-shop",
        ),
        NavEntry(
            role="operator",
            label=_("Shop applications"),
            url_name="ops:operator_shop_applications",
            icon="list",
            order=85,
            key="shop-applications",
        ),
        NavEntry(
            role="operator",
            label=_("Audit trail"),
            url_name="ops:operator_audit",
            icon="list",
            order=92,
            key="audit",
        ),
        NavEntry(
            role="operator",
            label=_("Erasure requests"),
            url_name="ops:erasure_queue",
            icon="shield",
            order=90,
            key="erasures",
        ),
    ],
    # The shop applications waiting for an answer, among the dashboard's figures.
    page_parts={"operator.figures": "ops/operator/pending_applications_figure.html"},
    cli_commands={
        "backup": "groupbuy.ops.backup:backup_main",
        "restore": "groupbuy.ops.backup:restore_main",
    },
    personal_data="groupbuy.ops.personal_data:OpsPersonalData",
    # Last of the demo data: today's platform figures for the dashboard.
    demo_data="groupbuy.ops.demo:load_demo_data",
    # The operators' own actions, labelled on the audit trail page.
    audit_actions={
        "ops.lookup.user_viewed": _("Opened a person's page"),
        "ops.lookup.order_viewed": _("Opened an order's page"),
        "ops.lookup.payment_viewed": _("Opened a payment's page"),
        "ops.erasure.requested": _("Asked for an account's erasure"),
        "ops.erasure.cancelled": _("Cancelled an account's erasure"),
        "ops.erasure.completed": _("Erased an account"),
        "ops.personal_data.exported": _("Downloaded their data"),
        "ops.merchant.owner_invited": _("Invited a shop's owner"),
        "ops.merchant.owner_invitation_accepted": _("Became a shop's owner"),
        "ops.merchant.switched_off": _("Switched a shop off"),
        "ops.merchant.switched_on": _("Switched a shop on again"),
        "ops.shop_application.submitted": _("Applied to open a shop"),
        "ops.shop_application.viewed": _("Opened a shop application"),
        "ops.shop_application.approved": _("Approved a shop application"),
        "ops.shop_application.declined": _("Declined a shop application"),
        "ops.shop_application.withdrawn": _("Withdrew a shop application"),
    },
    notification_kinds={
        "ops.merchant.owner_added": _("You were made a merchant's owner"),
        "ops.merchant.owner_invited": _("Invitation to run a shop"),
        "ops.merchant.switched_off": _("Your shop was switched off"),
        "ops.merchant.switched_on": _("Your shop was switched on again"),
        "ops.shop_application.submitted": _("A shop applied to open"),
        "ops.shop_application.approved": _("Your shop application was approved"),
        "ops.shop_application.declined": _("Your shop application was declined"),
    },
    notification_audiences={
        "ops.shop_application.submitted": NotificationAudience.OPERATOR,
    },
    # Counts open WebSocket connections for /metrics.
    websocket_middleware=["groupbuy.ops.websockets:CountWebSocketConnections"],
)
