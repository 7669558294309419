"""What keeps an account from being deleted is said on the data page before the
person presses "Delete my account", from the same list the request refuses on."""

import pytest
from django.utils.html import escape

from groupbuy.accounts.models import User
from groupbuy.accounts.services import api_token_create
from groupbuy.deals.services import deal_order_cancel
from groupbuy.deals.tests.factories import join_and_pay, make_deal, make_merchant
from groupbuy.ops.models import ErasureRequest
from groupbuy.ops.selectors import erasure_blockers_for

pytestmark = pytest.mark.django_db

PAID_ORDER = (
    "You have paid into the group buy “Jasmine tea 500 g”, which has not "
    "finished: cancel your order while it is open, or wait until it ends, "
    "before this account is deleted."
)


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_token_create(actor=user)[1]}"}


@pytest.fixture
def shopper():
    return User.objects.create_user(
        "+8613977771501", "long-enough-pw", preferred_language="en"
    )


def test_the_data_page_names_the_blockers_and_offers_no_delete(client, shopper):
    # given a paid order in an open group buy
    order = join_and_pay(make_deal(), shopper=shopper)
    client.force_login(shopper)

    # when they open their data page
    page = client.get("/account/data/").content.decode()

    # then it names what to finish first, as the request would refuse with
    assert erasure_blockers_for(user=shopper) == [PAID_ORDER]
    assert 'id="erasure-blocked"' in page
    assert escape(PAID_ORDER) in page
    assert "Your account cannot be deleted yet. Finish these first:" in page
    # and the delete button is there but switched off
    assert 'id="erasure-request"' not in page
    assert 'disabled aria-describedby="erasure-blocked"' in page

    # when the order is cancelled (refunded)
    deal_order_cancel(actor=shopper, order=order)
    page = client.get("/account/data/").content.decode()

    # then nothing is said and the button leads on again
    assert 'id="erasure-blocked"' not in page
    assert 'href="/account/data/erasure/" id="erasure-request"' in page


def test_the_confirmation_page_names_the_blockers_instead_of_asking(client, shopper):
    # given a paid order in an open group buy
    join_and_pay(make_deal(), shopper=shopper)
    client.force_login(shopper)

    # when they open the confirmation page (a bookmark, another tab)
    page = client.get("/account/data/erasure/").content.decode()

    # then it names the blocker and has nothing to confirm
    assert escape(PAID_ORDER) in page
    assert 'id="erasure-confirm"' not in page
    assert 'name="password"' not in page
    assert 'href="/account/data/" id="erasure-back"' in page
    assert not ErasureRequest.objects.exists()


def test_the_blockers_shown_are_the_persons_own(client, shopper):
    # given the shopper is blocked by a paid order
    join_and_pay(make_deal(), shopper=shopper)
    other = User.objects.create_user("+8613977771502", "long-enough-pw")
    owner = User.objects.create_user("+8613977771503", "long-enough-pw")
    make_merchant(name="Corner shop", owner=owner)

    for person in (other, owner):
        # when another person and a merchant's owner open their own data page
        client.force_login(person)
        page = client.get("/account/data/").content.decode()
        # then they see nothing of the shopper's, and may delete their account
        assert "Jasmine tea" not in page
        assert 'id="erasure-blocked"' not in page
        assert 'id="erasure-request"' in page


def test_the_api_status_names_the_blockers_before_asking(client, shopper):
    # given a paid order in an open group buy, and someone else with none
    order = join_and_pay(make_deal(), shopper=shopper)
    other = User.objects.create_user(
        "+8613977771502", "long-enough-pw", preferred_language="en"
    )
    owner = User.objects.create_user(
        "+8613977771503", "long-enough-pw", preferred_language="en"
    )
    make_merchant(name="Corner shop", owner=owner)

    # when they ask the API how their erasure stands
    answer = client.get("/api/me/data/erasure", headers=bearer(shopper))

    # then it names what to finish first, as the data page does
    assert answer.status_code == 200
    assert answer.json() == {"pending": None, "blockers": [PAID_ORDER]}
    # and another shopper or a merchant's owner sees only their own (none)
    for intruder in (other, owner):
        seen = client.get("/api/me/data/erasure", headers=bearer(intruder))
        assert seen.json() == {"pending": None, "blockers": []}

    # when the order is cancelled (refunded)
    deal_order_cancel(actor=shopper, order=order)

    # then nothing blocks any more
    again = client.get("/api/me/data/erasure", headers=bearer(shopper))
    assert again.json() == {"pending": None, "blockers": []}
