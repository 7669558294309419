"""Test data for moderation: a thread with a reply to report, and operators."""

from __future__ import annotations

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.sharing.services import message_post
from groupbuy.sharing.tests.factories import make_share, make_user

__all__ = ["make_user"]


def make_operator():
    return make_user(is_staff=True)


def make_staff(role: str):
    """A shop's owner or cashier (not an operator)."""
    user = make_user()
    make_merchant_member(user=user, role=getattr(MerchantMembership.Role, role.upper()))
    return user


def make_thread_reply(body: str = "Buy fake watches at example.test"):
    """A share from ``sender`` to ``friend``, and ``friend``'s reply in it."""
    sender, friend = make_user(), make_user()
    share = make_share(sender=sender, recipients=[friend])
    reply = message_post(actor=friend, share=share, body=body)
    return sender, friend, share, reply


def bearer(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def report_message(*, actor, message, reason: str, note: str = ""):
    """``actor`` reports a share thread's reply (as its Report form does)."""
    from groupbuy.moderation.selectors import item_for_reporter
    from groupbuy.moderation.services import report_item

    item = item_for_reporter(user=actor, path="replies", item_id=message.public_id)
    return report_item(actor=actor, item=item, reason=reason, note=note)
