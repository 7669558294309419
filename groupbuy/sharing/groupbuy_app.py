"""Sharing in the project: product cards, short links, share threads, the PWA."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from groupbuy.core.plugins import GroupbuyApp, NavEntry

app = GroupbuyApp(
    upload_paths=[
        (
            r"^/(sharing/contacts|api/sharing/contacts/books)/?$",
            "groupbuy.sharing.contacts:vcard_max_bytes",
        ),
        (
            r"^/(sharing/new|sharing/threads/[^/]+/voice"
            r"|api/sharing/shares/with-voice-note)/?$",
            "groupbuy.sharing.voice:voice_note_max_bytes",
        ),
    ],
    api_routers={"sharing": "groupbuy.sharing.api:router"},
    urls={"sharing/": "groupbuy.sharing.urls", "s/": "groupbuy.sharing.link_urls"},
    nav=[
        NavEntry(
            role="shopper",
            # The feature (分享), both lists; not the received one's "Shared
            # with me" (分享给我的).
            label=pgettext_lazy("name of the sharing feature", "Shared"),
            url_name="sharing:inbox",
            icon="share",
            order=80,
            key="shared",
        ),
    ],
    page_parts={"deal.summary": "sharing/_share_button.html"},
    notification_kinds={"sharing.share.received": _("Product shared with you")},
    # Every notification also goes to the browsers where its recipient allowed push.
    notification_channels={"web_push": "groupbuy.sharing.push_channel:channel"},
    # Registers the service worker (offline pages, queued replies) everywhere.
    signed_in_scripts=["sharing/pwa.js"],
    personal_data="groupbuy.sharing.personal_data:SharingPersonalData",
    # A reply in a thread may be reported to the operators (moderation).
    reportable_kinds={"reply": "groupbuy.sharing.reporting:ThreadReplies"},
    demo_data="groupbuy.sharing.demo:load_demo_data",
    # What the app writes to the audit trail, labelled on the operators' page.
    audit_actions={
        "sharing.share.sent": _("Shared"),
        "sharing.share.invitations_sent": _("Held share invitations sent"),
        "sharing.share.claimed": _("Shares found for a new account"),
        "sharing.message.posted": _("Reply posted to a share"),
        "sharing.message.removed": _("Reply removed from a share"),
        "sharing.book.imported": _("Address book uploaded"),
        "sharing.book.deleted": _("Address book deleted"),
        "sharing.push.subscribed": _("Browser notifications switched on"),
    },
)
