"""The invitations a share held back at its sender's daily limit: the sender
sees who was not invited and why on the thread, and sends them later, as many
as the limit then allows, each number within its own daily cap."""

from datetime import timedelta

import pytest
from django.utils import translation

from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.notify.models import Delivery, Invitation
from groupbuy.sharing.contacts import Contact
from groupbuy.sharing.held_invitations import held_invitations_messages
from groupbuy.sharing.models import Participant
from groupbuy.sharing.personal_data import SharingPersonalData
from groupbuy.sharing.services import share_invitations_send_held, share_send
from groupbuy.sharing.services.invitations import HeldInvitationsSent
from groupbuy.sharing.tests.factories import make_product, make_user
from groupbuy.sharing.tests.test_api import bearer

pytestmark = pytest.mark.django_db


def _share(sender, numbers, *, names=()):
    names = list(names) + [""] * (len(numbers) - len(names))
    return share_send(
        actor=sender,
        product=make_product(),
        contacts=[
            Contact(name=name, address=number)
            for name, number in zip(names, numbers, strict=True)
        ],
    )


def _texts_to(number_hash) -> int:
    return Delivery.objects.filter(
        channel="sms", notification__invitation__address_hash=number_hash
    ).count()


def _a_day_passes(sender):
    Participant.objects.filter(share__sender=sender).exclude(invited_at=None).update(
        invited_at=Participant.objects.first().joined_at - timedelta(days=1)
    )


def test_the_held_invitations_go_once_the_limit_allows_and_only_once(settings):
    # given a limit of 1 a day, and a share to two numbers: one held back
    settings.GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY = 1
    sender = make_user()
    share = _share(sender, ["+8613987100001", "+8613987100002"])
    (held,) = share.participants.filter(invitation="held")
    # when the sender sends it the same day
    today = share_invitations_send_held(actor=sender, share=share)
    # then it stays held: the limit is reached
    assert (today.sent, today.held_by_daily_limit) == (0, 1)
    assert _texts_to(held.address_hash) == 0
    # when a day has passed, and the sender sends it twice
    _a_day_passes(sender)
    later = share_invitations_send_held(actor=sender, share=share)
    again = share_invitations_send_held(actor=sender, share=share)
    # then it is texted once, to the number kept for it, and counted
    assert (later.sent, later.held_by_daily_limit) == (1, 0)
    assert (again.sent, again.held_by_daily_limit) == (0, 0)
    assert _texts_to(held.address_hash) == 1
    held.refresh_from_db()
    assert held.invitation == "sent" and held.invited_at is not None
    assert Invitation.objects.get(address_hash=held.address_hash).address == (
        "+8613987100002"
    )
    assert (
        _share(sender, ["+8613987100003"])
        .participants.filter(invitation="held")
        .exists()
    )


def test_a_number_at_its_own_daily_cap_stays_held(settings):
    # given a number held back at the sender's limit, then invited by another
    # sharer, which reaches that number's cap of 1 a day
    settings.GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY = 1
    settings.GROUPBUY_INVITATIONS_PER_ADDRESS_PER_DAY = 1
    sender = make_user()
    share = _share(sender, ["+8613987100011", "+8613987100012"])
    _share(make_user(), ["+8613987100012"])
    _a_day_passes(sender)
    # when the sender sends the held one
    result = share_invitations_send_held(actor=sender, share=share)
    # then the number is not texted, and stays held
    assert (result.sent, result.held_by_address_limit) == (0, 1)
    assert share.participants.filter(invitation="held").count() == 1
    assert Delivery.objects.filter(channel="sms").count() == 1


def test_the_thread_shows_the_sharer_alone_who_was_not_invited(client, settings):
    # given a share to a member and two numbers, one held back, named "Mum"
    settings.GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY = 1
    sender, member = make_user(), make_user()
    share = _share(
        sender,
        ["+8613987100021", "+8613987100022", member.phone],
        names=["Aunt", "Mum"],
    )
    url = f"/sharing/threads/{share.public_id}/"
    # when the sender opens the thread
    client.force_login(sender)
    html = client.get(url).content.decode()
    # then it names who was not invited, why, and offers to send it
    assert "Not invited yet" in html
    assert "<li>Mum <span" in html and "Aunt" not in html.split("Not invited")[1][:800]
    assert f'action="{url}invitations/"' in html
    # and the member in the thread sees none of it
    client.force_login(member)
    assert "Not invited yet" not in client.get(url).content.decode()
    # when the sender sends it (still within the day)
    client.force_login(sender)
    page = client.post(f"{url}invitations/", follow=True).content.decode()
    # then they are told it was not sent, and why
    assert (
        "1 invitation was not sent. Your shares invite at most 1 person without an "
        "account a day, by text or e-mail. Try again later." in page
    )


def test_the_held_invitations_message_runs_its_chinese_sentences_on(settings):
    # given invitations held back at a daily limit of 1, said in Chinese
    settings.GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY = 1
    held = HeldInvitationsSent(sent=0, held_by_daily_limit=2, held_by_address_limit=0)
    # when the sharer is told why
    with translation.override("zh-hans"):
        ((_level, text),) = held_invitations_messages(held)
    # then its three sentences follow one another with no space after 。
    assert text.count("。") == 3
    assert "。 " not in text
    assert text.startswith("2 个邀请未发送。") and text.endswith("请稍后再试。")


@pytest.mark.parametrize(
    ("limit", "numbers", "held_sentence", "limit_sentence", "wrong"),
    [
        (
            1,
            2,
            "This person has no account here and was not sent an invitation.",
            "Your shares invite at most 1 person without an account a day",
            "at most 1 people",
        ),
        (
            2,
            4,
            "These people have no account here and were not sent an invitation.",
            "Your shares invite at most 2 people without an account a day",
            "at most 2 person",
        ),
    ],
)
def test_the_thread_says_the_daily_limit_in_words_that_agree_with_it(
    client, settings, limit, numbers, held_sentence, limit_sentence, wrong
):
    # given a daily limit, and a share to two more numbers than it: two held
    # at a limit of 2, one at a limit of 1 (the first number is its own text)
    settings.GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY = limit
    sender = make_user()
    share = _share(sender, [f"+86139871001{index:02}" for index in range(numbers)])
    # when the sender opens the thread
    client.force_login(sender)
    html = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
    # then the limit is said in its own number (not "at most 1 people"), and
    # the people held in theirs
    assert wrong not in html
    assert held_sentence in html
    assert f"{limit_sentence}, by text or e-mail." in html


def test_only_the_sharer_sends_the_held_invitations(client, settings):
    # given a share with a held invitation
    settings.GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY = 0
    sender, member = make_user(), make_user()
    share = _share(sender, ["+8613987100031", member.phone])
    url = f"/api/sharing/threads/{share.public_id}/invitations"
    # when a recipient, another shopper and a shop's owner ask to send it
    owner = make_merchant_member().user
    for user in (member, make_user(), owner):
        answer = client.post(url, headers=bearer(user))
        # then they are refused, and nothing is sent
        assert (answer.status_code, answer.json()["code"]) == (403, "forbidden")
    assert share.participants.filter(invitation="held").count() == 1
    # when the sharer asks
    answer = client.post(url, headers=bearer(sender))
    # then the answer says why it is still held
    assert answer.status_code == 200
    assert answer.json() == {
        "sent": 0,
        "held_by_daily_limit": 1,
        "held_by_address_limit": 0,
    }
    # and the thread tells the sharer alone each recipient's invitation
    thread = f"/api/sharing/threads/{share.public_id}"
    mine = client.get(thread, headers=bearer(sender)).json()["participants"]
    theirs = client.get(thread, headers=bearer(member)).json()["participants"]
    assert sorted(p["invitation_status"] for p in mine) == ["", "", "held"]
    assert {p["invitation_status"] for p in theirs} == {""}


def test_a_sharer_who_erases_their_account_leaves_no_number_to_text(settings):
    # given a share whose second invitation was held back at the daily limit
    settings.GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY = 1
    sender = make_user()
    share = _share(sender, ["+8613987100011", "+8613987100012"])
    (held,) = share.participants.filter(invitation="held")
    assert Invitation.objects.filter(address_hash=held.address_hash).exclude(address="")
    # when the sender erases their account
    SharingPersonalData().erase(sender)
    # then the number they gave is no longer kept, and nothing can text it
    invitation = Invitation.objects.get(address_hash=held.address_hash)
    assert invitation.address == ""
    _a_day_passes(sender)
    assert share_invitations_send_held(actor=sender, share=share).sent == 0
    assert _texts_to(held.address_hash) == 0
