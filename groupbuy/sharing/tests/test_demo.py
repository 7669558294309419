"""The sharing demo: the first demo shopper's Shared inbox holds a thread."""

import io

import pytest

from groupbuy.sharing.models import Message, Share

pytestmark = pytest.mark.django_db


def test_the_second_shopper_shared_a_group_buy_with_the_first_who_answered(client):
    from groupbuy.catalog.demo import load_demo_data as load_produce
    from groupbuy.deals.demo import load_demo_data as load_deals
    from groupbuy.demo_data import SHOPPER, SHOPPER_2, load_demo
    from groupbuy.sharing.demo import COMMENT, REPLY, load_demo_data

    load_demo()
    load_produce(stdout=io.StringIO())
    load_deals(stdout=io.StringIO())
    for _ in range(2):  # make demo runs again: shared once
        load_demo_data(stdout=io.StringIO())
    share = Share.objects.get()
    assert (share.sender.phone, share.comment) == (SHOPPER_2.phone, COMMENT)
    (reply,) = Message.objects.filter(share=share, author__phone=SHOPPER.phone)
    assert reply.body == REPLY
    client.force_login(share.participants.get(user__phone=SHOPPER.phone).user)
    inbox = client.get("/sharing/").content.decode()
    assert share.public_id in inbox and "thread-empty" not in inbox
