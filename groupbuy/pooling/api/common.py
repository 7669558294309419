"""The page helper and the request names the pooling API's routers share."""

from __future__ import annotations

from groupbuy.core.pagination import PageIn, page_payload, paginate

# The services name the branch they take (as the pages' forms do); these
# requests send its id.
REQUEST_NAMES = {"branch": "branch_id"}


def page_of(queryset, paging: PageIn, out) -> dict:
    """One page of ``queryset``, each row shown with ``out``."""
    result = paginate(queryset, page=paging.page, page_size=paging.page_size)
    return page_payload(result, [out(row) for row in result.items])
