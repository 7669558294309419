"""The page helper and the request names the pooling API's routers share."""

from __future__ import annotations

from groupbuy.core.pagination import PageIn, page_payload, paginate
from groupbuy.pooling.selectors import chat_author_key

# The services name the branch they take (as the pages' forms do); these
# requests send its id.
REQUEST_NAMES = {"branch": "branch_id"}


def page_of(queryset, paging: PageIn, out) -> dict:
    """One page of ``queryset``, each row shown with ``out``."""
    result = paginate(queryset, page=paging.page, page_size=paging.page_size)
    return page_payload(result, [out(row) for row in result.items])


def marked_mine(messages: list[dict], *, room, user) -> list[dict]:
    """A chat's ``messages`` (its history's payloads), each ``is_mine`` when
    ``user`` wrote it: the API's clients tell their own apart as the page
    does, by the author's key in ``room``."""
    mine = chat_author_key(room=room, user_id=user.pk)
    return [
        {**message, "is_mine": message["author_key"] == mine} for message in messages
    ]
