"""Test data for sharing: members, products, deals, vCards and shares."""

from __future__ import annotations

from groupbuy.deals.tests.factories import make_deal, make_merchant, make_product
from groupbuy.escrow.tests.factories import make_user as make_any_user
from groupbuy.sharing.contacts import Contact
from groupbuy.sharing.services import share_send

__all__ = ["make_deal", "make_merchant", "make_product", "make_user"]


def make_user(**extra):
    """A member who reads English (tests check English text); pass
    ``preferred_language="zh-hans"`` for the Chinese pages."""
    extra.setdefault("preferred_language", "en")
    return make_any_user(**extra)


def vcard(entries: list[tuple[str, str]]) -> bytes:
    cards = [
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nTEL;TYPE=CELL:{phone}\r\nEND:VCARD\r\n"
        for name, phone in entries
    ]
    return "".join(cards).encode()


def make_share(*, sender=None, recipients=(), product=None, deal=None, comment="hi"):
    product = product or (deal.product if deal else make_product())
    return share_send(
        actor=sender or make_user(),
        product=product,
        deal=deal,
        contacts=[Contact(name="", address=getattr(r, "phone", r)) for r in recipients],
        comment=comment,
    )
