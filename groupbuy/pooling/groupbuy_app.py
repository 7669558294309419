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
    # What the app writes to the audit trail, labelled on the operators' page.
    audit_actions={
        "pooling.profile.updated": _("Pooling preferences changed"),
        "pooling.cart.purchase_reported": _("Purchase reported"),
        "pooling.cart.intended_reported": _("Intended cart reported"),
        "pooling.cart.deleted": _("Cart report deleted"),
        "pooling.request.created": _("Asked to pool a cart"),
        "pooling.request.withdrawn": _("Pool request withdrawn"),
        "pooling.invitation.sent": _("Regulars invited to pool"),
        "pooling.pool.proposed": _("Pool suggested"),
        "pooling.pool.accepted": _("Pool accepted"),
        "pooling.pool.declined": _("Pool declined"),
        "pooling.pool.confirmed": _("Pool confirmed"),
        "pooling.pool.dissolved": _("Pool dissolved"),
        "pooling.pool.left": _("Left a pool"),
        "pooling.pool.reshared": _("Pool's savings shared again after someone left"),
        "pooling.phone.shared": _("Phone number shown to the pool"),
        "pooling.phone.hidden": _("Phone number hidden from the pool"),
        "pooling.chat.posted": _("Message posted in a pool's chat"),
        "pooling.chat.removed": _("Message removed from a pool's chat"),
        "pooling.contact.requested": _("Contact requested"),
        "pooling.contact.accepted": _("Contact request accepted"),
        "pooling.contact.declined": _("Contact request declined"),
        "pooling.contact.ended": _("Conversation ended"),
        "pooling.contact.reopened": _("Conversation opened again"),
        "pooling.contact.posted": _("Message posted in a conversation"),
        "pooling.contact.message_removed": _("Message removed from a conversation"),
        "pooling.promotion.published": _("Promotion published"),
        "pooling.promotion.ended": _("Promotion ended"),
        "pooling.promotion.withdrawn": _("Promotion withdrawn"),
    },
)
