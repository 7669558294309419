"""Notifications to people who are not members yet: invited by phone or email,
delivered by SMS or email, attached to the account that verifies the number."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from groupbuy.accounts.models import User
from groupbuy.accounts.signals import phone_verified
from groupbuy.core.models import AuditEntry
from groupbuy.notify import senders
from groupbuy.notify.addresses import contact_hash
from groupbuy.notify.invitations import (
    invitations_attach,
    invitations_purge_expired,
    notification_invite,
)
from groupbuy.notify.models import Delivery, Invitation, Notification
from groupbuy.notify.selectors import (
    notification_list_for_user,
    notification_unread_count,
)
from groupbuy.notify.sms import MemorySmsBackend
from groupbuy.notify.tests.factories import make_user

pytestmark = pytest.mark.django_db

FRIEND_PHONE = "+8613912345678"


@pytest.fixture(autouse=True)
def no_websocket_pushes(monkeypatch):
    monkeypatch.setattr(senders, "publish", lambda *args: None)


def invite(address: str = "139 1234 5678", **overrides):
    fields = {
        "actor": None,
        "address": address,
        "kind": "sharing.invitation",
        "title": "Xiao Wang shares a group buy with you",
        "body": "Join before Friday.",
        "url": "/deals/deal_x/",
    }
    return notification_invite(**{**fields, **overrides})


def sign_up_with_verified_number(phone: str) -> User:
    user = User.objects.create_user(phone, "long-enough-pw")
    phone_verified.send(sender=User, user=user, phone_e164=user.phone)
    return user


def test_inviting_a_number_without_an_account_texts_it_once(
    django_capture_on_commit_callbacks,
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notification = invite()
    # then the notification waits for a recipient and went out by SMS
    assert notification.recipient is None
    assert [(d.channel, d.status) for d in notification.deliveries.all()] == [
        ("sms", "sent")
    ]
    [sms] = MemorySmsBackend.outbox
    assert sms.phone == FRIEND_PHONE
    assert "Xiao Wang shares a group buy with you" in sms.text
    assert sms.text.endswith("/deals/deal_x/")
    assert AuditEntry.objects.filter(action="notify.invitation.created").count() == 1


def test_an_invitation_is_written_in_the_inviters_language(
    django_capture_on_commit_callbacks,
):
    from django.utils.translation import gettext_lazy

    # given a sender who reads Chinese on an English-speaking site
    sender = make_user(preferred_language=User.Language.ZH_HANS)
    title = gettext_lazy("You are invited to run a shop on groupbuy")
    # when they invite a number that has no account
    with django_capture_on_commit_callbacks(execute=True):
        chinese = invite(actor=sender, title=title)
    # then the invitation goes out in their language; with no sender, the site's
    [sms] = MemorySmsBackend.outbox
    assert "邀请您在 groupbuy 开店" in sms.text, sms.text
    assert Invitation.objects.get(notification=chinese).language == "zh-hans"
    with django_capture_on_commit_callbacks(execute=True):
        invite(address="139 1234 5679", title=title)
    assert (
        "You are invited to run a shop on groupbuy" in MemorySmsBackend.outbox[1].text
    )


def test_after_delivery_only_the_keyed_hash_of_the_number_is_kept(
    django_capture_on_commit_callbacks,
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notification = invite()
    # then
    invitation = Invitation.objects.get(notification=notification)
    assert invitation.address == ""
    assert invitation.address_hash == contact_hash("phone", FRIEND_PHONE)
    assert "13912345678" not in invitation.address_hash
    stored = Invitation.objects.values_list("address", "address_hash").get()
    assert not any("13912345678" in value for value in stored)


def test_before_delivery_the_number_is_kept_for_the_sender(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False):
        notification = invite()
    assert Invitation.objects.get(notification=notification).address == FRIEND_PHONE


def test_the_hash_is_keyed(settings):
    unkeyed = contact_hash("phone", FRIEND_PHONE)
    settings.GROUPBUY_CONTACT_HASH_KEY = "another key"
    assert contact_hash("phone", FRIEND_PHONE) != unkeyed


def test_a_failed_sms_also_erases_the_number(
    django_capture_on_commit_callbacks, monkeypatch
):
    # given an SMS gateway that refuses the number for good
    from groupbuy.notify.sms import SmsRejected

    def refuse(self, **kwargs):
        raise SmsRejected("number refused")

    monkeypatch.setattr(MemorySmsBackend, "send", refuse)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notification = invite()
    # then
    assert notification.deliveries.get().status == Delivery.Status.FAILED
    assert Invitation.objects.get(notification=notification).address == ""


def test_inviting_an_email_address_sends_an_email_that_says_why(
    django_capture_on_commit_callbacks,
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notification = invite("Friend@Example.COM")
    # then
    [message] = mail.outbox
    assert message.to == ["Friend@example.com"]
    assert message.subject.endswith("Xiao Wang shares a group buy with you")
    assert message.body.startswith("Hello,\n")
    assert "invited this address" in message.body
    assert notification.deliveries.get().channel == "email"
    assert MemorySmsBackend.outbox == []
    assert Invitation.objects.get().address == ""


def test_inviting_a_members_number_notifies_the_member_instead(
    django_capture_on_commit_callbacks,
):
    # given
    member = User.objects.create_user(FRIEND_PHONE, "long-enough-pw")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notification = invite()
    # then
    assert notification.recipient == member
    assert not Invitation.objects.exists()
    # by the channels the member chose, not by the invitation's
    assert [d.channel for d in notification.deliveries.all()] == ["in_app", "sms"]


def test_an_address_that_is_neither_phone_nor_email_is_refused():
    with pytest.raises(ValidationError):
        invite("not an address")
    assert not Notification.objects.exists()


def test_the_same_idempotency_key_invites_once():
    first = invite(idempotency_key="share:1:friend")
    second = invite(idempotency_key="share:1:friend")
    assert first is not None
    assert second is None
    assert Notification.objects.count() == 1


def test_signing_up_with_the_verified_number_attaches_the_invitations(
    django_capture_on_commit_callbacks,
):
    # given two invitations to the number and one to another
    with django_capture_on_commit_callbacks(execute=True):
        first = invite()
        second = invite(title="A second group buy")
        other = invite("139 8765 4321")
    # when the friend signs up and verifies the number
    friend = sign_up_with_verified_number(FRIEND_PHONE)
    # then both are in their inbox, unread, and the other stays pending
    inbox = list(notification_list_for_user(user=friend))
    assert {n.pk for n in inbox} == {first.pk, second.pk}
    assert notification_unread_count(user=friend) == 2
    other.refresh_from_db()
    assert other.recipient is None
    attached = Invitation.objects.filter(attached_at__isnull=False)
    assert sorted(attached.values_list("notification_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )
    assert AuditEntry.objects.filter(action="notify.invitation.attached").count() == 1


def test_attaching_again_changes_nothing():
    invite()
    friend = User.objects.create_user(FRIEND_PHONE, "long-enough-pw")
    assert invitations_attach(user=friend, phone_e164=FRIEND_PHONE) == 1
    assert invitations_attach(user=friend, phone_e164=FRIEND_PHONE) == 0
    someone_else = make_user()
    assert invitations_attach(user=someone_else, phone_e164=FRIEND_PHONE) == 0
    assert Notification.objects.get().recipient == friend


def test_an_expired_invitation_is_not_attached_and_is_purged():
    # given one old invitation and one fresh
    old = invite(title="Old")
    Invitation.objects.filter(notification=old).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    fresh = invite(title="Fresh")
    # when
    friend = sign_up_with_verified_number(FRIEND_PHONE)
    purged = invitations_purge_expired()
    # then
    assert purged == 1
    assert list(Notification.objects.all()) == [fresh]
    fresh.refresh_from_db()
    assert fresh.recipient == friend


def test_purging_keeps_attached_invitations_after_their_expiry():
    invite()
    friend = sign_up_with_verified_number(FRIEND_PHONE)
    later = timezone.now() + timedelta(days=365)
    assert invitations_purge_expired(now=later) == 0
    assert Notification.objects.get().recipient == friend


def test_a_number_gets_at_most_a_few_invitation_texts_a_day(
    django_capture_on_commit_callbacks, settings
):
    # given at most 3 invitation texts a day to one number
    settings.GROUPBUY_INVITATIONS_PER_ADDRESS_PER_DAY = 3
    # when someone keeps inviting the same number (shares, staff invitations
    # withdrawn and sent again), in any spelling of it
    with django_capture_on_commit_callbacks(execute=True):
        sent = [invite(body=f"Offer {n}") for n in range(3)]
        held = [invite(address="+86 139-1234-5678", body=f"Offer {n}") for n in (3, 4)]
    # then the number is texted three times; the rest wait, unsent, for its owner
    assert [sms.phone for sms in MemorySmsBackend.outbox] == [FRIEND_PHONE] * 3
    assert [n.deliveries.count() for n in sent + held] == [1, 1, 1, 0, 0]
    # and of those never sent, no copy of the number is kept
    assert [Invitation.objects.get(notification=n).address for n in held] == ["", ""]
    # and another number is texted as usual
    with django_capture_on_commit_callbacks(execute=True):
        invite(address="139 1234 5679")
    assert len(MemorySmsBackend.outbox) == 4


def test_invitations_held_back_still_reach_the_inbox_of_who_signs_up(
    django_capture_on_commit_callbacks, settings
):
    # given a number that was invited more often than it is texted
    settings.GROUPBUY_INVITATIONS_PER_ADDRESS_PER_DAY = 1
    with django_capture_on_commit_callbacks(execute=True):
        invite(body="First")
        invite(body="Second")
    # when its owner signs up and verifies it
    with django_capture_on_commit_callbacks(execute=True):
        user = sign_up_with_verified_number(FRIEND_PHONE)
    # then both are in their inbox
    assert notification_unread_count(user=user) == 2


def test_a_day_later_the_number_may_be_texted_again(
    django_capture_on_commit_callbacks, settings
):
    # given a number texted as often as a day allows, a day ago
    settings.GROUPBUY_INVITATIONS_PER_ADDRESS_PER_DAY = 1
    with django_capture_on_commit_callbacks(execute=True):
        invite(body="Yesterday")
    Invitation.objects.update(
        created_at=timezone.now() - timedelta(hours=24, seconds=1)
    )
    # when it is invited again
    with django_capture_on_commit_callbacks(execute=True):
        invite(body="Today")
    # then it is texted again
    assert len(MemorySmsBackend.outbox) == 2
