"""Notifications in the project: the inbox, its API, tab and personal socket;
the operators' failed deliveries (page and API)."""

from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp, NavEntry

app = GroupbuyApp(
    personal_data="groupbuy.notify.personal_data:NotifyPersonalData",
    api_routers={
        "notify": "groupbuy.notify.api:router",
        "operator/deliveries": "groupbuy.notify.operator_api:router",
    },
    urls={
        "inbox/": "groupbuy.notify.urls",
        "operator/deliveries/": "groupbuy.notify.operator_urls",
    },
    nav=[
        NavEntry(
            role="shopper",
            label=_("Inbox"),
            url_name="notify:inbox",
            icon="bell",
            order=90,
            badge="inbox-badge",
        ),
        NavEntry(
            role="operator",
            label=_("Failed deliveries"),
            url_name="notify_operator:failed",
            icon="bell",
            order=88,
            key="failed-deliveries",
        ),
    ],
    websocket_routes=[("ws/me/", "groupbuy.notify.consumers:UserConsumer")],
    # The live inbox badge and toasts on every page.
    signed_in_scripts=["notify/live.js"],
    # What the app writes to the audit trail, labelled on the operators' page.
    audit_actions={
        "notify.delivery.failed": _("Notification could not be delivered"),
        "notify.delivery.retried": _("Failed notification sent again"),
        "notify.invitation.created": _("Invitation written"),
        "notify.invitation.sent_later": _("Held invitation sent"),
        "notify.invitation.attached": _("Invitations found for a new account"),
    },
)
