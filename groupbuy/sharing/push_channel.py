"""Web push as a notification channel for every notification, not only shares.

Declared in groupbuy_app.py; groupbuy.notify adds a ``web_push`` delivery to each
notification whose recipient has allowed push in one of their browsers, and a
worker sends it here with the outbox's retries.
"""

from __future__ import annotations

from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from groupbuy.notify.senders import DeliverySkipped
from groupbuy.sharing.models import PushSubscription
from groupbuy.sharing.webpush import deliver

BODY_MAX_CHARS = 200


class WebPushChannel:
    label = _("Web push")

    def wants(self, recipient) -> bool:
        return (
            getattr(recipient, "pk", None) is not None
            and PushSubscription.objects.filter(user_id=recipient.pk).exists()
        )

    def send(self, delivery) -> str:
        notification = delivery.notification
        recipient = notification.recipient
        if recipient is None or not self.wants(recipient):
            raise DeliverySkipped("no browser of the recipient allows push")
        payload = {
            "title": str(notification.title),
            "body": Truncator(str(notification.body)).chars(BODY_MAX_CHARS),
            "url": notification.url or "/",
        }
        accepted = deliver(recipient.pk, payload)
        if accepted:
            return f"{accepted} browser(s)"
        if self.wants(recipient):
            # Subscriptions remain, so their push services failed: retry later.
            raise RuntimeError("no push service accepted the message")
        raise DeliverySkipped("every push subscription had expired")


channel = WebPushChannel()
