"""Sharing over the JSON API (/api/sharing/…): cards, contacts, shares,
threads, web push.

The subject routers keep the order ``api.py`` gave their paths, and the
operation ids it gave them (see ``coupons.api``): the document reads the same.
"""

from ninja import Router

from groupbuy.core.api_packages import operation_ids_kept
from groupbuy.sharing.api import cards, contacts, push, shares, threads

router = Router(tags=["sharing"])
for subject in (cards, contacts, shares, threads, push):
    router.add_router("", operation_ids_kept(subject.router, module=__name__))
