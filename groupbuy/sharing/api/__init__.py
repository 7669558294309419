"""Sharing over the JSON API (/api/sharing/…): cards, contacts, shares,
threads, web push.

A router per subject, mounted in the order the paths were written before
``api.py`` became this package (see ``coupons.api``): the OpenAPI document
lists them as it did. Their operations keep the ids they had
(``core.api_packages``); the subject routers carry no tags of their own.
"""

from ninja import Router

from groupbuy.core.api_packages import operation_ids_kept
from groupbuy.sharing.api import cards, contacts, push, shares, threads

router = Router(tags=["sharing"])
for subject in (cards, contacts, shares, threads, push):
    router.add_router("", operation_ids_kept(subject.router, module=__name__))
