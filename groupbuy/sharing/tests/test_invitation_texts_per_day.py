"""A shopper's shares text at most GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY
people without an account in any 24 hours; the others get no text (their
invitation waits for them to sign up), members are told in the app whatever
the limit, and the sharer is told how many were not texted."""

from collections import Counter
from datetime import timedelta

import pytest

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.racing import race
from groupbuy.notify.models import Delivery, Invitation, Notification
from groupbuy.sharing.contacts import Contact
from groupbuy.sharing.models import Participant, Share
from groupbuy.sharing.selectors import share_recipients_not_texted
from groupbuy.sharing.services import share_send
from groupbuy.sharing.tests.factories import make_deal, make_product, make_user
from groupbuy.sharing.tests.test_api import bearer


def _numbers(first: int, count: int) -> list[str]:
    return [f"+86139870{number:05d}" for number in range(first, first + count)]


def _texts() -> int:
    return Delivery.objects.filter(
        channel="sms", notification__kind="sharing.share.received"
    ).count()


def _send(sender, numbers, **extra):
    return share_send(
        actor=sender,
        product=extra.pop("product", None) or make_product(),
        contacts=[Contact(name="", address=number) for number in numbers],
        **extra,
    )


@pytest.mark.django_db
def test_past_the_daily_limit_no_more_texts_go_and_the_sharer_is_told(client, settings):
    # given a limit of 3 texts a day, and a member among those shared with
    settings.GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY = 3
    sender, friend = make_user(), make_user()
    strangers = _numbers(1, 5)
    # when the sender shares with five numbers without an account and the member
    answer = client.post(
        "/api/sharing/shares",
        {"deal_id": make_deal().public_id, "recipients": [*strangers, friend.phone]},
        content_type="application/json",
        headers=bearer(sender),
    )
    # then three are texted, two are not, and the answer says so
    assert answer.status_code == 201
    assert answer.json()["recipients_not_texted"] == 2
    assert _texts() == 3
    share = Share.objects.get()
    assert Counter(share.participants.values_list("invitation", flat=True)) == {
        "": 2,  # the sender and the member
        "sent": 3,
        "held": 2,
    }
    # and the two kept unsent have no delivery (their number is kept for a
    # later send, test_held_invitations)
    assert Invitation.objects.count() == 5
    assert Invitation.objects.filter(notification__deliveries__isnull=True).count() == 2
    # and the member is told in the app all the same
    assert Notification.objects.filter(
        recipient=friend, kind="sharing.share.received"
    ).exists()
    # when they share again the same day with a new number
    again = _send(sender, _numbers(10, 1))
    # then it is not texted either
    assert _texts() == 3
    assert share_recipients_not_texted(share=again, user=sender) == 1


@pytest.mark.django_db
def test_the_limit_counts_the_last_24_hours(settings):
    settings.GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY = 2
    sender = make_user()
    _send(sender, _numbers(20, 2))
    # given the texts were sent a day ago
    day_ago = Share.objects.get().created_at - timedelta(days=1)
    Share.objects.update(created_at=day_ago)
    Participant.objects.exclude(invited_at=None).update(invited_at=day_ago)
    # when the sender shares with two more numbers
    share = _send(sender, _numbers(30, 2))
    # then both are texted
    assert _texts() == 4
    assert share_recipients_not_texted(share=share, user=sender) == 0


@pytest.mark.django_db
def test_the_compose_page_tells_the_sharer_plainly(client, settings):
    settings.GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY = 1
    sender = make_user()
    client.force_login(sender)
    url = f"/sharing/new/?deal={make_deal().public_id}"
    html = client.get(url).content.decode()
    key = html.split('name="idempotency_key" value="')[1].split('"')[0]
    # when three numbers without an account are shared with
    sent = client.post(
        url, {"recipients": "\n".join(_numbers(40, 3)), "idempotency_key": key}
    )
    # then the thread says two were not texted, and why
    page = client.get(sent["Location"]).content.decode()
    assert (
        "2 people you shared with have no account here and were not sent an "
        "invitation. Your shares invite at most 1 person without an account a day, "
        "by text or e-mail. They will see this share if they sign up." in page
    )
    assert _texts() == 1


@pytest.mark.django_db
def test_each_person_has_their_own_limit_and_only_the_sender_is_told(settings):
    settings.GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY = 1
    sender = make_user()
    mine = _send(sender, _numbers(50, 2))
    # given another shopper, another shop's owner and its cashier
    owner = make_merchant_member(role=MerchantMembership.Role.OWNER).user
    cashier = make_merchant_member(role=MerchantMembership.Role.CASHIER).user
    for number, other in enumerate([make_user(), owner, cashier]):
        # when each shares with a number of their own
        _send(other, _numbers(60 + number, 1))
        # then theirs is texted (my limit is not theirs), and they are not told
        # how many of mine were not
        assert share_recipients_not_texted(share=mine, user=other) == 0
    assert _texts() == 1 + 3
    assert share_recipients_not_texted(share=mine, user=sender) == 1


@pytest.mark.django_db(transaction=True)
def test_shares_sent_at_once_do_not_text_past_the_limit(
    file_database,  # noqa: F811
    settings,
):
    # given a limit of 2 texts a day
    settings.GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY = 2
    sender, product = make_user(), make_product()

    def send(first: int):
        return lambda: _send(sender, _numbers(first, 2), product=product)

    # when four shares of two new numbers each are sent at the same moment
    outcomes = race([send(70 + 2 * n) for n in range(4)])
    # then all are sent, and only two numbers are texted
    assert outcomes == {"ok": 4}
    assert Participant.objects.filter(invitation="sent").count() == 2
    assert Participant.objects.filter(invitation="held").count() == 6
    assert _texts() == 2
