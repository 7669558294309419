"""Shares and threads as plain dicts, for the API and the live events."""

from __future__ import annotations

from groupbuy.core.times import api_time
from groupbuy.sharing import selectors
from groupbuy.sharing.models import Share


def share_as_dict(share: Share) -> dict:
    return shares_as_dicts([share])[0]


def shares_as_dicts(shares: list[Share]) -> list[dict]:
    """``share_as_dict`` of each share, their cards built together (a list's
    queries do not grow with its shares)."""
    cards = selectors.product_cards([(share.product, share.deal) for share in shares])
    return [
        {**selectors.share_summary(share), "card": card.as_dict()}
        for share, card in zip(shares, cards, strict=True)
    ]


def thread_as_dict(share: Share, *, viewer) -> dict:
    """The thread as ``viewer`` sees it: a recipient reached by a number is
    named, and has a key, only once they replied; the sender sees their own
    name for the contact, if they gave one (``Participant.label_for``)."""
    participants = selectors.thread_participants(share=share)
    messages = selectors.thread_messages(share=share)
    authors = selectors.message_author_names(participants=participants, viewer=viewer)
    return {
        **share_as_dict(share),
        "participants": [
            {
                "author_key": participant.key_for(viewer),
                "name": participant.label_for(viewer),
                "role": participant.role,
                "has_joined": participant.user_id is not None,
                "invitation_status": participant.invitation
                if share.sender_id == getattr(viewer, "pk", None)
                else "",
                "last_read_at": api_time(participant.last_read_at)
                if participant.last_read_at
                else None,
            }
            for participant in participants
        ],
        "messages": [
            {
                **selectors.message_as_event(message),
                "author_name": authors.get(message.author_id, ""),
                "is_mine": message.author_id == getattr(viewer, "pk", None),
                "read_by": selectors.read_by(
                    message=message, participants=participants, viewer=viewer
                ),
            }
            for message in messages
        ],
    }
