"""After a conversation is ended: the one who ended it may open it again (the
other is told); the other side may not ask them again, about that cart or any
other, until then."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.notify.models import Notification
from groupbuy.pooling import services
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.models import CartReport, ContactRequest
from groupbuy.pooling.tests.factories import auth, make_shop, make_user
from groupbuy.pooling.tests.leaving import contact_between

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended():
    """An accepted conversation the one asked (the planner) ended; both read
    English. (contact, asker, planner)"""
    contact, asker, planner, _owner = contact_between(accept=True)
    for user in (asker, planner):
        user.preferred_language = "en"
        user.save(update_fields=["preferred_language"])
    contact = services.contact_end(actor=planner, contact=contact)
    return contact, asker, planner


def _another_cart(planner, contact) -> CartReport:
    return CartReport.objects.create(
        user=planner,
        branch=contact.cart.branch,
        kind=CartReport.Kind.INTENDED,
        amount_fen=7_000,
        items=contact.cart.items,
        window_start_at=timezone.now() + timedelta(days=1),
        window_end_at=timezone.now() + timedelta(days=1, hours=2),
    )


def test_the_other_side_may_not_ask_again_about_any_cart(ended):
    # given a conversation the planner ended
    contact, asker, planner = ended
    # when the asker asks them again, about the same cart or a new one
    for cart in (contact.cart, _another_cart(planner, contact)):
        with pytest.raises(PoolingError) as refused:
            services.contact_request(actor=asker, cart=cart, product=contact.product)
        # then they are told why, and nothing is asked
        assert (refused.value.code, refused.value.status) == ("contact_ended", 409)
        assert refused.value.message == (
            "This shopper ended your conversation: only they can open it again."
        )
    assert ContactRequest.objects.count() == 1
    assert not Notification.objects.filter(
        kind="pooling.contact", recipient=planner
    ).exclude(data__contact_id=contact.public_id)


def test_the_one_who_ended_it_opens_it_again_and_the_other_is_told(ended):
    contact, asker, planner = ended
    # when the planner opens it again, twice
    for _ in range(2):
        contact = services.contact_reopen(actor=planner, contact=contact)
    # then it is accepted again: the chat takes messages, numbers are shown
    assert contact.state == ContactRequest.State.ACCEPTED
    services.contact_chat_post(actor=asker, contact=contact, body="hi again")
    from groupbuy.pooling import selectors

    row = selectors.contact_row(contact=contact, viewer=asker)
    assert (row["phone"], row["chat_open"]) == (planner.phone, True)
    # and the asker is told once
    [told] = Notification.objects.filter(kind="pooling.contact_reopened")
    assert told.recipient_id == asker.pk
    assert told.text_in("en")[0] == "A shopper opened your conversation about Tea again"
    # and it can be ended again (this time by the asker)
    services.contact_end(actor=asker, contact=contact)
    assert ContactRequest.objects.get(pk=contact.pk).ended_by_id == asker.pk


def test_the_one_who_ended_it_asking_again_is_sent_to_it(ended):
    contact, asker, planner = ended
    services.contact_reopen(actor=planner, contact=contact)
    services.contact_end(actor=asker, contact=contact)
    with pytest.raises(PoolingError) as refused:
        services.contact_request(
            actor=asker, cart=contact.cart, product=contact.product
        )
    assert refused.value.code == "contact_ended"
    assert refused.value.message == (
        "You ended your conversation with this shopper: open it again from its page."
    )
    assert refused.value.extra == {"contact_id": contact.public_id}


def test_only_the_one_who_ended_it_opens_it_again(ended):
    contact, asker, _planner = ended
    with pytest.raises(PoolingError) as refused:
        services.contact_reopen(actor=asker, contact=contact)
    assert (refused.value.code, refused.value.status) == ("not_yours_to_reopen", 409)
    assert refused.value.message == (
        "Only the shopper who ended this conversation can open it again."
    )
    with pytest.raises(PoolingError) as stranger:
        services.contact_reopen(actor=make_user(), contact=contact)
    assert stranger.value.status == 404
    assert ContactRequest.objects.get(pk=contact.pk).state == "ended"


def test_reopening_through_the_api_and_the_page(client, ended):
    contact, asker, planner = ended
    # the API says who may open it again
    seen, theirs = (
        client.get("/api/pooling/contacts", headers=auth(user)).json()["items"][0]
        for user in (planner, asker)
    )
    assert (seen["may_reopen"], theirs["may_reopen"]) == (True, False)
    refused = client.post(
        f"/api/pooling/contacts/{contact.public_id}/reopen",
        {},
        content_type="application/json",
        headers=auth(asker),
    )
    assert refused.status_code == 409
    # the page offers it only to the one who ended it
    client.force_login(asker)
    page = client.get(f"/pooling/contacts/{contact.public_id}/").content.decode()
    assert 'id="contact-reopen"' not in page
    client.force_login(planner)
    page = client.get(f"/pooling/contacts/{contact.public_id}/").content.decode()
    assert 'id="contact-reopen"' in page
    assert "Open the conversation again" in page
    response = client.post(f"/pooling/contacts/{contact.public_id}/reopen/")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert 'id="contact-end"' in page and 'id="contact-reopen"' not in page
    # and the API answers with the conversation open, again the same
    again = client.post(
        f"/api/pooling/contacts/{contact.public_id}/reopen",
        {},
        content_type="application/json",
        headers=auth(planner),
    )
    assert again.status_code == 200
    assert (again.json()["state"], again.json()["chat_open"]) == ("accepted", True)


@pytest.mark.parametrize(
    "who", ["another shopper", "another shop's owner", "another shop's cashier"]
)
def test_nobody_else_opens_it_again(client, ended, who):
    contact, _asker, _planner = ended
    merchant, branch, owner = make_shop(name="Other Mart")
    intruder = {"another shopper": make_user(), "another shop's owner": owner}.get(who)
    if intruder is None:
        intruder = make_user()
        merchant_membership_add(
            actor=None, user=intruder, merchant=merchant, role="cashier", branch=branch
        )
    api = client.post(
        f"/api/pooling/contacts/{contact.public_id}/reopen",
        {},
        content_type="application/json",
        headers=auth(intruder),
    )
    assert api.status_code == 404
    client.force_login(intruder)
    page = client.post(f"/pooling/contacts/{contact.public_id}/reopen/")
    assert page.status_code == 404
    assert ContactRequest.objects.get(pk=contact.pk).state == "ended"
