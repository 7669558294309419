"""What notify holds about a person: their notifications and deliveries."""

from __future__ import annotations

from groupbuy.core.plugins import PersonalDataExport, PersonalDataProvider


class NotifyPersonalData(PersonalDataProvider):
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
                ]
            }
        )

    def erase(self, user) -> None:
        # Deliveries and invitations go with their notification (cascade).
        user.notifications.all().delete()
