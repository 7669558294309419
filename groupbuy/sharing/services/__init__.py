"""The one write path of sharing: links, address books, shares, replies, reads.

Callers import from here; the modules split it by what it writes.
"""

from groupbuy.sharing.services.books import (
    contact_book_delete,
    contact_book_import,
    contact_books_purge_expired,
)
from groupbuy.sharing.services.invitations import share_invitations_send_held
from groupbuy.sharing.services.limits import (
    book_retention,
    comment_max_chars,
    max_recipients,
    recipient_count_check,
)
from groupbuy.sharing.services.repeats import share_sent_with
from groupbuy.sharing.services.shares import (
    mask_address,
    share_link_get_or_create,
    share_send,
    shares_claim,
)
from groupbuy.sharing.services.threads import (
    message_post,
    message_remove,
    thread_mark_read,
)

__all__ = [
    "book_retention",
    "comment_max_chars",
    "contact_book_delete",
    "contact_book_import",
    "contact_books_purge_expired",
    "mask_address",
    "max_recipients",
    "message_post",
    "message_remove",
    "recipient_count_check",
    "share_invitations_send_held",
    "share_link_get_or_create",
    "share_send",
    "share_sent_with",
    "shares_claim",
    "thread_mark_read",
]
