"""Reads of sharing, with the permission checks: a module per subject, each
name importable from here as it was from ``selectors.py``."""

from groupbuy.sharing.selectors.cards import (
    ProductCard,
    deal_get_shareable,
    link_get,
    link_target_url,
    product_card,
    product_cards,
    product_get_shareable,
)
from groupbuy.sharing.selectors.contacts import contact_book_for_user
from groupbuy.sharing.selectors.invitations import (
    share_recipients_held,
    share_recipients_not_texted,
)
from groupbuy.sharing.selectors.shares import (
    NEVER,
    participant_for,
    share_get_for_user,
    share_recipient_labels,
    share_summary,
    thread_list_for_user,
)
from groupbuy.sharing.selectors.threads import (
    message_as_event,
    message_author_names,
    message_body_shown,
    message_get_for_participant,
    read_by,
    reply_author_key,
    thread_entries,
    thread_messages,
    thread_participants,
    thread_people,
)

__all__ = [
    "NEVER",
    "ProductCard",
    "contact_book_for_user",
    "deal_get_shareable",
    "link_get",
    "link_target_url",
    "message_as_event",
    "message_author_names",
    "message_body_shown",
    "message_get_for_participant",
    "participant_for",
    "product_card",
    "product_cards",
    "product_get_shareable",
    "read_by",
    "reply_author_key",
    "share_get_for_user",
    "share_recipient_labels",
    "share_recipients_held",
    "share_recipients_not_texted",
    "share_summary",
    "thread_entries",
    "thread_list_for_user",
    "thread_messages",
    "thread_participants",
    "thread_people",
]
