"""What notify holds about a person: their notifications and deliveries."""

from __future__ import annotations

import functools

from django.utils.translation import gettext_lazy

from groupbuy.core.plugins import PersonalDataExport, PersonalDataProvider
from groupbuy.core.transactions import after_commit
from groupbuy.notify.outboxes import outboxes_forget


def _invitations_to(user):
    """The invitations sent to a number of the person's while it was theirs
    that no account claimed (``accounts.selectors.phones_held``): an
    invitation sent to a number the person had before was addressed to them."""
    from django.db.models import Q

    from groupbuy.accounts.personal_data import held_before
    from groupbuy.accounts.selectors import phones_held
    from groupbuy.notify.addresses import contact_hash
    from groupbuy.notify.models import Invitation

    sent_to = Q(pk__in=[])
    for held in phones_held(user=user):
        sent_to |= Q(
            address_hash=contact_hash(Invitation.Kind.PHONE, held.phone),
            **held_before(held, "created_at"),
        )
    return Invitation.objects.filter(
        sent_to,
        address_kind=Invitation.Kind.PHONE,
        notification__recipient__isnull=True,
    ).order_by("created_at", "pk")


class NotifyPersonalData(PersonalDataProvider):
    holds = gettext_lazy("your notifications and how each was delivered")

    def export(self, user) -> PersonalDataExport:
        notifications = user.notifications.prefetch_related("deliveries").order_by(
            "created_at", "id"
        )
        return PersonalDataExport(
            records={
                "notifications": [
                    {
                        "id": notification.public_id,
                        "kind": notification.kind,
                        "title": notification.title,
                        "body": notification.body,
                        "translations": notification.texts,
                        "url": notification.url,
                        "created_at": notification.created_at,
                        "read_at": notification.read_at,
                        "deliveries": [
                            {
                                "channel": delivery.channel,
                                "status": delivery.status,
                                "sent_at": delivery.sent_at,
                            }
                            for delivery in notification.deliveries.all()
                        ],
                    }
                    for notification in notifications
                ],
                "invitations": [
                    {
                        "kind": invitation.notification.kind,
                        "title": invitation.notification.title,
                        "body": invitation.notification.body,
                        "created_at": invitation.created_at,
                    }
                    for invitation in _invitations_to(user).select_related(
                        "notification"
                    )
                ],
            }
        )

    def erase(self, user) -> None:
        from django.db.models import Q

        from groupbuy.accounts.personal_data import (
            identifying_fragments,
            identifying_strings,
            scrub,
        )
        from groupbuy.accounts.selectors import phones_held
        from groupbuy.notify.models import Notification

        # Deliveries and invitations go with their notification (cascade).
        user.notifications.all().delete()
        # So do the invitations to a number of theirs no account claimed.
        Notification.objects.filter(
            pk__in=_invitations_to(user).values("notification_id")
        ).delete()
        # What others were told about the person ("Lan shared a kettle with
        # you", a comment quoting their number) keeps its place in their
        # inbox, without the person's name, number or e-mail.
        strings = identifying_strings(user)
        mentions = Q(pk__in=[])
        for fragment in identifying_fragments(strings):
            mentions |= Q(title__icontains=fragment) | Q(body__icontains=fragment)
        # A translation interpolates the same names and numbers as the text it
        # was sent in, so the rows that mention them are found by that text.
        # (A number's last four digits find more rows than mention it: only
        # those the scrub changes are written.)
        for notification in Notification.objects.filter(mentions).iterator():
            before = (notification.title, notification.body, notification.texts)
            notification.title = scrub(notification.title, strings)
            notification.body = scrub(notification.body, strings)
            notification.texts = {
                language: {key: scrub(value, strings) for key, value in text.items()}
                for language, text in notification.texts.items()
            }
            after = (notification.title, notification.body, notification.texts)
            if after != before:
                notification.save(update_fields=["title", "body", "texts"])
        # The outbox files (texts and e-mails waiting to be sent on): theirs go,
        # others' are scrubbed as the inboxes are. After commit: files are not
        # rolled back with the erasure.
        held = phones_held(user=user)
        after_commit(
            outboxes_forget,
            phone=user.phone or "",
            email=user.email or "",
            scrub=functools.partial(scrub, strings=strings),
            previous_phones=[(h.phone, h.until) for h in held if h.until],
        )
