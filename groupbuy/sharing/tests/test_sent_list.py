"""The "Shared by me" list names who each share went to."""

import pytest

from groupbuy.accounts.phones import mask_phone
from groupbuy.sharing.contacts import Contact
from groupbuy.sharing.services import share_send
from groupbuy.sharing.tests.factories import (
    make_merchant,
    make_product,
    make_share,
    make_user,
)

pytestmark = pytest.mark.django_db

STRANGER = "+8613912345678"


def _row(html: str, share) -> str:
    return html.split(f'data-share-id="{share.public_id}"')[1].split("</li>")[0]


def test_shared_by_me_names_the_recipients_as_my_threads_do(client):
    # given a share to a member by number, and one to a number I call "Mum"
    sender = make_user(preferred_language="en", display_name="Ann Sender")
    friend = make_user(preferred_language="en")
    to_friend = make_share(sender=sender, recipients=[friend])
    to_mum = share_send(
        actor=sender,
        product=make_product(),
        contacts=[Contact(name="Mum", address=STRANGER)],
        comment="hi",
    )
    # when I read "Shared by me"
    client.force_login(sender)
    html = client.get("/sharing/?box=sent").content.decode()
    # then each row names its recipients as the thread shows them to me, not me
    assert f"To {mask_phone(friend.phone)}</span>" in _row(html, to_friend)
    assert "To Mum</span>" in _row(html, to_mum)
    assert "Ann Sender" not in _row(html, to_friend)
    # and the friend's "Shared with me" still names me, and never "Mum"
    client.force_login(friend)
    received = client.get("/sharing/").content.decode()
    assert "Ann Sender" in _row(received, to_friend)
    assert "thread-recipients" not in received


@pytest.mark.parametrize("outsider", ["another user", "another merchant"])
def test_shared_by_me_lists_no_one_elses_shares(client, outsider):
    # given a share someone else sent to a friend
    share = make_share(sender=make_user(), recipients=[make_user()])
    reader = make_user(preferred_language="en")
    if outsider == "another merchant":
        make_merchant(owner=reader)
    # when another member, or a shop's owner, reads their "Shared by me"
    client.force_login(reader)
    html = client.get("/sharing/?box=sent").content.decode()
    # then it is not there, nor are its recipients
    assert share.public_id not in html
    assert "thread-recipients" not in html
