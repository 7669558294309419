from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp, NavEntry

app = GroupbuyApp(
    api_routers={"pooling": "groupbuy.pooling.api:router"},
    urls={"pooling/": "groupbuy.pooling.urls"},
    nav=[
        NavEntry(
            role="shopper",
            key="pools",
            label=_("Pools"),
            url_name="pooling:home",
            icon="cart",
            order=40,
        ),
        # Publishing a promotion and what pooling did for each: the merchant's
        # side of pooled orders (unreachable from the console until 2026-12-04).
        NavEntry(
            role="merchant",
            key="promotions",
            label=_("Promotions"),
            url_name="pooling:merchant_promotions",
            order=30,
            group="sell",
        ),
    ],
    websocket_routes=[
        ("ws/pools/<str:pool_id>/", "groupbuy.pooling.consumers:PoolConsumer"),
        (
            "ws/contacts/<str:contact_id>/",
            "groupbuy.pooling.consumers:ContactConsumer",
        ),
    ],
    notification_kinds={
        "pooling.suggestion": _("Pool suggestion"),
        "pooling.confirmed": _("Pool confirmed"),
        "pooling.dissolved": _("Pool did not form"),
        "pooling.contact": _("Contact request from a shopper buying the same"),
        "pooling.contact_answered": _("Answer to my contact request"),
        "pooling.invitation": _("A pool forming at a shop I use"),
        "pooling.promotion_ended": _("A promotion I pool for ended early"),
        "pooling.member_left": _("A member left my pool"),
        "pooling.contact_ended": _("A shopper ended our conversation"),
        "pooling.contact_reopened": _("A shopper opened our conversation again"),
        "pooling.request_expired": _("No pool formed in the time I gave"),
    },
    demo_data="groupbuy.pooling.demo:load_demo_data",
    personal_data="groupbuy.pooling.personal_data:PoolingPersonalData",
    # A chat's message may be reported to the operators (moderation); the
    # chats show the Report link in the chat_message.actions page part.
    reportable_kinds={
        "pool_message": "groupbuy.pooling.reporting:PoolChatMessages",
        "contact_message": "groupbuy.pooling.reporting:ContactChatMessages",
    },
    # A branch may not close while shoppers plan to pool there.
    branch_close_blockers="groupbuy.pooling.branch_closing:branch_close_blockers",
)
