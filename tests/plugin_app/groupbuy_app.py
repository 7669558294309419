from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp, NavEntry

app = GroupbuyApp(
    api_routers={"plugin-app": "tests.plugin_app.api:router"},
    urls={"plugin-app/": "tests.plugin_app.urls"},
    nav=[
        NavEntry(
            role="shopper",
            label=_("Plugged in"),
            url_name="plugin_app:home",
            icon="users",
            order=40,
            key="plugged-in",
        ),
        NavEntry(
            role="merchant",
            label=_("Plug-in report"),
            url_name="plugin_app:merchant_report",
            order=45,
            key="plug-in-report",
            group="money",
        ),
        NavEntry(
            role="operator",
            label=_("Plug-in queue"),
            url_name="plugin_app:home",
            order=90,
            key="plug-in-queue",
        ),
    ],
    page_parts={
        "deal.summary": "plugin_app/_deal_summary.html",
        "deal.progress": "plugin_app/_deal_progress.html",
    },
    websocket_routes=[
        ("ws/plugin-app/<str:room>/", "tests.plugin_app.consumers:HelloConsumer")
    ],
    cli_commands={"plugin-hello": "tests.plugin_app.cli:main"},
    demo_data="tests.plugin_app.demo:load_demo_data",
    notification_kinds={"plugin_app.hello": _("Hello from a plug-in")},
)
