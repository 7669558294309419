"""A share thread's reply, as a kind of item people may report (moderation)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import ReportableItem, ReportableKind, messages_around
from groupbuy.sharing.models import Message

KIND = "reply"


def _item(message: Message) -> ReportableItem:
    return ReportableItem(
        kind=KIND,
        id=message.public_id,
        body=message.body,
        author=message.author,
        url=reverse("sharing:thread", args=[message.share.public_id]),
        is_hidden=message.removed_at is not None,
        created_at=message.created_at,
    )


class ThreadReplies(ReportableKind):
    path = "replies"
    label = _("Reply in a share's thread")

    def item_for_reporter(self, *, user, item_id: str) -> ReportableItem:
        from groupbuy.sharing.selectors import message_get_for_participant

        return _item(message_get_for_participant(user=user, message_id=item_id))

    def items(self, *, item_ids: list[str]) -> dict[str, ReportableItem]:
        messages = Message.objects.filter(public_id__in=item_ids).select_related(
            "share", "author"
        )
        return {message.public_id: _item(message) for message in messages}

    def context(self, *, item_id: str) -> list[ReportableItem]:
        message = Message.objects.select_related("share", "author").get(
            public_id=item_id
        )
        thread = Message.objects.filter(share_id=message.share_id)
        around = messages_around(thread.select_related("share", "author"), message)
        return [_item(each) for each in around]

    def hide(self, *, actor, item_id: str) -> None:
        from groupbuy.sharing.services import message_remove

        message = Message.objects.filter(public_id=item_id).first()
        if message is not None:
            message_remove(actor=actor, message=message)
