"""How a thread's reads name people: one rule for the page and the API."""

from __future__ import annotations

import pytest

from groupbuy.accounts.phones import mask_phone
from groupbuy.sharing import selectors, services
from groupbuy.sharing.contacts import Contact
from groupbuy.sharing.presenters import thread_as_dict
from groupbuy.sharing.services import message_post, share_send
from groupbuy.sharing.tests.factories import make_product, make_user

pytestmark = pytest.mark.django_db


def test_a_replys_author_is_named_alike_on_the_page_and_in_the_api():
    # given Lan's share to Mei, whom she calls "妈妈", and to Zhu's number
    lan = make_user(display_name="Lan")
    mei, zhu = make_user(display_name="Mei"), make_user(display_name="Zhu")
    share = share_send(
        actor=lan,
        product=make_product(),
        contacts=[
            Contact(name="妈妈", address=mei.phone),
            Contact(name="", address=zhu.phone),
        ],
    )
    # when Mei and Lan reply, Zhu does not
    message_post(actor=mei, share=share, body="Count me in")
    message_post(actor=lan, share=share, body="Great")
    participants = selectors.thread_participants(share=share)
    for viewer, expected in (
        (lan, {lan.pk: "Lan", mei.pk: "妈妈", zhu.pk: mask_phone(zhu.phone)}),
        (zhu, {lan.pk: "Lan", mei.pk: "Mei", zhu.pk: "Zhu"}),
    ):
        # then each author is named by the one rule, as the viewer sees them
        names = selectors.message_author_names(participants=participants, viewer=viewer)
        assert names == expected
        # and the thread page and the API's thread name them by it
        entries = selectors.thread_entries(
            share=share, participants=participants, viewer=viewer
        )
        api = thread_as_dict(share, viewer=viewer)
        assert [author for _message, author, _readers in entries] == [
            expected[mei.pk],
            expected[lan.pk],
        ]
        assert [m["author_name"] for m in api["messages"]] == [
            expected[mei.pk],
            expected[lan.pk],
        ]


def test_the_services_export_no_author_label_of_their_own():
    # a reply's author is named by selectors.message_author_names only
    assert not hasattr(services, "message_author_label")
    assert "message_author_label" not in services.__all__
