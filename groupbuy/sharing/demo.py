"""Demo data for sharing: the second demo shopper has shared a group buy with
the first, who answered, so the first shopper's Shared inbox holds a thread
(idempotent: shared once)."""

from __future__ import annotations

from groupbuy.accounts.models import User
from groupbuy.deals.models import Deal
from groupbuy.sharing.contacts import Contact
from groupbuy.sharing.models import Share
from groupbuy.sharing.services import message_post, share_send

SHARED_DEAL = "海南香蕉 2 斤装 拼团"
COMMENT = "这家的香蕉很甜，一起拼吧？人多更便宜。"
REPLY = "好呀，我买两份，周六去人民广场店自提。"


def load_demo_data(*, stdout) -> None:
    from groupbuy.demo_data import SHOPPER, SHOPPER_2

    sender = User.objects.filter(phone=SHOPPER_2.phone).first()
    recipient = User.objects.filter(phone=SHOPPER.phone).first()
    if sender is None or recipient is None:
        return
    if Share.objects.filter(sender=sender).exists():
        return
    deal = (
        Deal.objects.filter(title=SHARED_DEAL, state=Deal.State.OPEN)
        .order_by("-deadline_at")
        .first()
    )
    if deal is None:
        return
    share = share_send(
        actor=sender,
        product=deal.product,
        deal=deal,
        contacts=[Contact(name=recipient.display_name, address=recipient.phone)],
        comment=COMMENT,
    )
    message_post(actor=recipient, share=share, body=REPLY)
    stdout.write(
        f"sharing: {SHOPPER_2.phone} shared «{SHARED_DEAL}» with {SHOPPER.phone}\n"
    )
