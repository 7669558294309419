"""Operations in the project: backup and restore commands, a person's data pages
and API, the operators' erasure queue, and ops' own part of a person's data."""

from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp, NavEntry

app = GroupbuyApp(
    api_routers={
        "": "groupbuy.ops.api:router",
        "operator": "groupbuy.ops.api_operator:router",
    },
    urls={"": "groupbuy.ops.urls"},
    nav=[
        NavEntry(
            role="operator",
            label=_("Erasure requests"),
            url_name="ops:erasure_queue",
            icon="shield",
            order=90,
            key="erasures",
        )
    ],
    cli_commands={
        "backup": "groupbuy.ops.backup:backup_main",
        "restore": "groupbuy.ops.backup:restore_main",
    },
    personal_data="groupbuy.ops.personal_data:OpsPersonalData",
    # Last of the demo data: today's platform figures for the dashboard.
    demo_data="groupbuy.ops.demo:load_demo_data",
    notification_kinds={
        "ops.merchant.owner_added": _("You were made a merchant's owner"),
        "ops.merchant.owner_invited": _("Invitation to run a shop"),
    },
    # Counts open WebSocket connections for /metrics.
    websocket_middleware=["groupbuy.ops.websockets:CountWebSocketConnections"],
)
