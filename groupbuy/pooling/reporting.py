"""Pool chats' and contact chats' messages, as kinds of item people may report
to the platform's operators (moderation): only someone in the room may report
one, and Hide replaces it for everyone there (services/removal.py)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import ReportableItem, ReportableKind, messages_around
from groupbuy.pooling.models import ChatMessage, ContactMessage, PoolMember
from groupbuy.pooling.selectors.common import not_found

POOL_MESSAGE = "pool_message"
CONTACT_MESSAGE = "contact_message"


def _item(kind: str, message, url: str) -> ReportableItem:
    return ReportableItem(
        kind=kind,
        id=message.public_id,
        body=message.body,
        author=message.author,
        url=url,
        is_hidden=message.removed_at is not None,
        created_at=message.created_at,
    )


class _ChatMessages(ReportableKind):
    """A chat's messages (``model``'s, in the room named by ``room``)."""

    model = None
    room = ""

    def item(self, message) -> ReportableItem:
        raise NotImplementedError

    def readable_by(self, user) -> Q:
        """The messages ``user`` reads in their rooms."""
        raise NotImplementedError

    def _messages(self):
        return self.model.objects.select_related(self.room, "author")

    def item_for_reporter(self, *, user, item_id: str) -> ReportableItem:
        message = (
            self._messages().filter(self.readable_by(user), public_id=item_id).first()
        )
        if message is None:
            raise not_found()
        return self.item(message)

    def items(self, *, item_ids: list[str]) -> dict[str, ReportableItem]:
        messages = self._messages().filter(public_id__in=item_ids)
        return {message.public_id: self.item(message) for message in messages}

    def context(self, *, item_id: str) -> list[ReportableItem]:
        message = self._messages().get(public_id=item_id)
        room = self._messages().filter(**{self.room: getattr(message, self.room)})
        return [self.item(each) for each in messages_around(room, message)]


class PoolChatMessages(_ChatMessages):
    path = "pool-messages"
    label = _("Message in a pool chat")
    model = ChatMessage
    room = "pool"

    def item(self, message) -> ReportableItem:
        url = reverse("pooling:pool", args=[message.pool.public_id]) + "#pool-chat"
        return _item(POOL_MESSAGE, message, url)

    def readable_by(self, user) -> Q:
        # a member still in the pool (one who left no longer sees its chat)
        seats = PoolMember.objects.filter(user_id=user.pk).exclude(
            answer=PoolMember.Answer.LEFT
        )
        return Q(pool__in=seats.values("pool"))

    def hide(self, *, actor, item_id: str) -> None:
        from groupbuy.pooling.services.removal import chat_message_remove

        message = self._messages().get(public_id=item_id)
        chat_message_remove(actor=actor, message=message)


class ContactChatMessages(_ChatMessages):
    path = "contact-messages"
    label = _("Message in a contact chat")
    model = ContactMessage
    room = "contact"

    def item(self, message) -> ReportableItem:
        url = reverse("pooling:contact", args=[message.contact.public_id])
        return _item(CONTACT_MESSAGE, message, url + "#contact-chat")

    def readable_by(self, user) -> Q:
        # either side, also of a conversation ended (its history stays readable)
        return Q(contact__requester_id=user.pk) | Q(contact__recipient_id=user.pk)

    def hide(self, *, actor, item_id: str) -> None:
        from groupbuy.pooling.services.removal import contact_message_remove

        message = self._messages().get(public_id=item_id)
        contact_message_remove(actor=actor, message=message)
