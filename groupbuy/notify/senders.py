"""Send one delivery over its channel. Each sender returns the provider's message
id, raises ``DeliverySkipped`` when there is nobody to send to, ``DeliveryRejected``
when retrying cannot help, and any other exception for a failure worth retrying.

Messages are rendered in the recipient's preferred language; the in-app push
carries a translated text in each site language, for each socket its reader's.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from groupbuy.notify.models import Channel, Delivery, Notification
from groupbuy.notify.selectors import notification_as_event, notification_unread_count
from groupbuy.notify.sms import SmsRejected, get_sms_backend
from groupbuy.realtime.language import in_each_language
from groupbuy.realtime.publish import publish, user_group

SMS_BODY_MAX_CHARS = 120


class DeliverySkipped(Exception):
    """There is nothing to deliver to; the reason is kept on the delivery."""


class DeliveryRejected(Exception):
    """The provider refused the message for good; retrying cannot help."""


def recipient_language(recipient) -> str:
    return getattr(recipient, "preferred_language", "") or settings.LANGUAGE_CODE


def notification_language(notification: Notification) -> str:
    """Write in the recipient's language, or the one the invitation was sent in."""
    if notification.recipient_id is None:
        invitation = getattr(notification, "invitation", None)
        if invitation is not None and invitation.language:
            return invitation.language
    return recipient_language(notification.recipient)


def invited_address(notification: Notification, kind: str) -> str:
    """Return where an invitation goes; skip it once that address is erased."""
    invitation = getattr(notification, "invitation", None)
    if invitation is None or invitation.address_kind != kind:
        raise DeliverySkipped("notification has neither recipient nor invitation")
    if not invitation.address:
        raise DeliverySkipped("invitation address was erased")
    return invitation.address


def absolute_url(path_or_url: str) -> str:
    if not path_or_url:
        return ""
    return urljoin(settings.GROUPBUY_PUBLIC_URL.rstrip("/") + "/", path_or_url)


def send_in_app(delivery: Delivery) -> str:
    notification = delivery.notification
    recipient = notification.recipient
    if recipient is None:
        raise DeliverySkipped("an invitation has no inbox until someone signs up")
    with translation.override(notification_language(notification)):
        event = notification_as_event(notification)
    if notification.texts:
        # Each of the person's sockets shows it in its page's language (the
        # language cookie, else the saved one: realtime.language), as the inbox
        # it links to does; a person who switched the site on one device reads
        # it there in that language whatever the saved one says.
        event["title"] = in_each_language(lambda: notification.shown_title)
        event["body"] = in_each_language(lambda: notification.shown_body)
    publish(
        user_group(recipient.public_id),
        {
            "type": "notify.new",
            "notification": event,
            "unread_count": notification_unread_count(user=recipient),
        },
    )
    return ""


def _profile_url() -> str:
    try:
        return absolute_url(reverse("web:profile"))
    except NoReverseMatch:
        return ""


def _email_message(notification: Notification, address: str) -> EmailMultiAlternatives:
    recipient = notification.recipient
    language = notification_language(notification)
    context = {
        "notification": notification,
        "is_invitation": recipient is None,
        "recipient_name": (recipient.display_name or recipient.phone)
        if recipient
        else "",
        "link": absolute_url(notification.url),
        "site_name": settings.GROUPBUY_SITE_NAME,
        "settings_link": _profile_url(),
        "language_code": language,
    }
    with translation.override(language):
        subject = f"[{settings.GROUPBUY_SITE_NAME}] {notification.shown_title}"
        text = render_to_string("notify/email/notification.txt", context)
        html = render_to_string("notify/email/notification.html", context)
    domain = urlsplit(settings.GROUPBUY_PUBLIC_URL).hostname or "groupbuy.localhost"
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[address],
        # Stable, so a resent copy is recognisably the same message.
        headers={"Message-ID": f"<{notification.public_id}@{domain}>"},
    )
    message.attach_alternative(html, "text/html")
    return message


def send_email(delivery: Delivery) -> str:
    notification = delivery.notification
    recipient = notification.recipient
    if recipient is None:
        address = invited_address(notification, "email")
    elif not recipient.is_active:
        raise DeliverySkipped("recipient account is deactivated")
    elif not recipient.email:
        raise DeliverySkipped("recipient has no email address")
    else:
        address = recipient.email
    message = _email_message(notification, address)
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryRejected(f"recipient refused: {error.recipients}") from error
    return message.extra_headers["Message-ID"]


def sms_text(notification: Notification) -> str:
    with translation.override(notification_language(notification)):
        title, body = notification.text_in()
        body = Truncator(" ".join(body.split())).chars(SMS_BODY_MAX_CHARS)
        text = _("【%(site)s】%(title)s: %(body)s") % {
            "site": settings.GROUPBUY_SITE_NAME,
            "title": title,
            "body": body,
        }
    link = absolute_url(notification.url)
    return f"{text} {link}" if link else text


def send_sms(delivery: Delivery) -> str:
    recipient = delivery.notification.recipient
    if recipient is None:
        phone = invited_address(delivery.notification, "phone")
    elif not recipient.is_active:
        raise DeliverySkipped("recipient account is deactivated")
    elif not recipient.phone:
        raise DeliverySkipped("recipient has no phone number")
    else:
        phone = recipient.phone
    try:
        return get_sms_backend().send(
            phone=phone,
            text=sms_text(delivery.notification),
            idempotency_key=delivery.idempotency_key,
        )
    except SmsRejected as error:
        raise DeliveryRejected(str(error)) from error


SENDERS: dict[str, Callable[[Delivery], str]] = {
    Channel.IN_APP: send_in_app,
    Channel.EMAIL: send_email,
    Channel.SMS: send_sms,
}


def sender_for(channel: str) -> Callable[[Delivery], str]:
    """The sender of a built-in channel or of one an app added."""
    if channel in SENDERS:
        return SENDERS[channel]
    from groupbuy.notify.channels import added_channels

    added = added_channels().get(channel)
    if added is None:
        raise DeliveryRejected(f"no sender for channel {channel!r}")
    return added.send
