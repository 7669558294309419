"""A thread's replies as live events and as its page shows them, with who read them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from groupbuy.accounts.personal_data import is_erased
from groupbuy.catalog.models import Product
from groupbuy.core.errors import NotFound
from groupbuy.core.ids import author_key
from groupbuy.core.times import api_time
from groupbuy.sharing.models import Message, Participant, Share
from groupbuy.sharing.selectors.cards import product_card


def _product_brief(product: Product | None) -> dict | None:
    if product is None:
        return None
    link_card = product_card(product=product)
    return {"id": product.public_id, "name": product.name, "url": link_card.url}


def message_as_event(message: Message) -> dict:
    """A reply as every reader's copy gives it; each copy adds whether it is
    its reader's own (``is_mine``). Its author goes by their key in the thread
    (``author_key``), never their account id."""
    participant = (
        Participant.objects.filter(share_id=message.share_id, user_id=message.author_id)
        .select_related("user")
        .first()
    )
    return {
        "id": message.public_id,
        "share": message.share.public_id,
        "author_name": participant.shown_label if participant else "",
        "author_key": reply_author_key(share=message.share, user_id=message.author_id),
        "body": message_body_shown(message),
        "product": None if message.removed_at else _product_brief(message.product),
        "is_removed": message.removed_at is not None,
        "created_at": api_time(message.created_at),
    }


def reply_author_key(*, share: Share, user_id: int) -> str:
    """The key of ``user_id``'s replies in ``share``'s thread, the same in
    every reader's copy, for a page to tell its reader's own by (not by a name:
    the sender sees their own name for a contact) and give Report to the
    others' only (``core.ids.author_key``)."""
    return author_key(room=share, user_id=user_id)


def message_body_shown(message: Message) -> str:
    """The reply's text as its thread shows it to the participants: a reply an
    operator hid is a notice to everyone, its author included."""
    if message.removed_at:
        return str(_("This message was removed by the platform."))
    if not message.body and is_erased(message.author):
        return str(_("This reply was deleted."))
    return message.body


def message_get_for_participant(*, user, message_id: str) -> Message:
    """Return a reply of a thread ``user`` takes part in; 404 otherwise, so
    that someone outside the thread learns nothing of it."""
    message = (
        Message.objects.select_related("share", "author")
        .filter(public_id=message_id, share__participants__user_id=user.pk)
        .first()
    )
    if message is None:
        raise NotFound("not_found", _("There is no such reply."))
    return message


def thread_messages(*, share: Share) -> list[Message]:
    return list(share.messages.select_related("author", "product", "share"))


def thread_participants(*, share: Share) -> list[Participant]:
    return list(share.participants.select_related("user").order_by("pk"))


def thread_people(*, participants: list[Participant], viewer) -> list[str]:
    """Everyone in the thread as ``viewer`` sees them (``Participant.label_for``)."""
    return [participant.label_for(viewer) for participant in participants]


def message_author_names(*, participants: list[Participant], viewer) -> dict[int, str]:
    """The name of each member of the thread as the author of a reply, by user
    id, as ``viewer`` sees them (``Participant.label_for``): the thread page,
    the API's thread and each reader's live event name an author alike."""
    return {p.user_id: p.label_for(viewer) for p in participants if p.user_id}


def thread_entries(
    *, share: Share, participants: list[Participant], viewer
) -> list[tuple[Message, str, list[str]]]:
    """Each reply of the thread with who wrote it and who of the others has
    read past it, as ``viewer``'s thread page shows them (the live page adds
    replies from ``message_as_event``, which names the author the same way:
    having replied, they are named to everyone)."""
    authors = message_author_names(participants=participants, viewer=viewer)
    return [
        (
            message,
            authors.get(message.author_id, ""),
            read_by(message=message, participants=participants, viewer=viewer),
        )
        for message in thread_messages(share=share)
    ]


def read_by(
    *, message: Message, participants: list[Participant], viewer=None
) -> list[str]:
    """Labels of the others who have read the thread past this message, as
    ``viewer`` sees them (a reader who never replied by the sender's label).

    Neither its author nor ``viewer`` is among them: opening the thread reads
    it, so a reload named the viewer as a reader of every reply, where the live
    page (whose receipts go to the others only) never did."""
    viewer_id = getattr(viewer, "pk", None)
    return [
        participant.label_for(viewer)
        for participant in participants
        if participant.user_id
        and participant.user_id not in (message.author_id, viewer_id)
        and participant.last_read_at
        and participant.last_read_at >= message.created_at
    ]
