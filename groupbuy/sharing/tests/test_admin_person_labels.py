"""The sharing admin names a person with no display name by their masked number
(``person_label``), never by ``str(user)``, their full number; a search by the
full number still finds their shares and address books."""

import pytest
from django.test import Client

from groupbuy.accounts.tests.helpers import (
    UNNAMED_NUMBER,
    admin_page,
    assert_masked_only,
    make_user,
    support_client,
)
from groupbuy.sharing.contacts import Contact
from groupbuy.sharing.services import contact_book_import, message_post
from groupbuy.sharing.tests.factories import make_share

pytestmark = pytest.mark.django_db


@pytest.fixture
def support() -> Client:
    return support_client()


def test_the_share_list_names_an_unnamed_sender_by_the_masked_number(support):
    # given a share sent by a person with no name, who replied in its thread
    sender = make_user(UNNAMED_NUMBER)
    share = make_share(sender=sender, recipients=["+8613900139001"])
    message_post(actor=sender, share=share, body="Still there?")
    url = "/admin/sharing/share/"
    # when support opens the list and the share (its participants and
    # replies), then searches by the full number
    html = admin_page(support, url)
    detail = admin_page(support, f"{url}{share.pk}/change/")
    found = admin_page(support, url, q=UNNAMED_NUMBER)
    # then both show the masked number only, and the search finds the share
    assert_masked_only(html, detail)
    assert f"{url}{share.pk}/change/" in found


def test_the_contact_book_list_names_an_unnamed_owner_by_the_masked_number(support):
    # given the address book of a person with no name
    book = contact_book_import(
        actor=make_user(UNNAMED_NUMBER),
        contacts=[Contact(name="Mum", address="+8613900139002")],
        source="vcard",
    )
    url = "/admin/sharing/contactbook/"
    # when support opens the list and the book, then searches by the number
    html = admin_page(support, url)
    detail = admin_page(support, f"{url}{book.pk}/change/")
    found = admin_page(support, url, q=UNNAMED_NUMBER)
    # then both show the masked number only, and the search finds the book
    assert_masked_only(html, detail)
    assert f"{url}{book.pk}/change/" in found
