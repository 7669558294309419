from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from groupbuy.accounts.models import User
from groupbuy.accounts.signals import phone_verified
from groupbuy.core.errors import Conflict, Forbidden
from groupbuy.notify.models import Invitation, Notification
from groupbuy.notify.sms import MemorySmsBackend
from groupbuy.realtime.publish import user_group
from groupbuy.sharing.contacts import Contact, phone_hash
from groupbuy.sharing.errors import SharingError
from groupbuy.sharing.models import (
    ContactBook,
    ContactEntry,
    Message,
    Participant,
    Share,
)
from groupbuy.sharing.selectors import read_by, share_get_for_user, thread_participants
from groupbuy.sharing.services import (
    contact_book_delete,
    contact_book_import,
    contact_books_purge_expired,
    message_post,
    share_send,
    shares,
    thread_mark_read,
    threads,
)
from groupbuy.sharing.tests.factories import (
    make_deal,
    make_product,
    make_share,
    make_user,
)

pytestmark = pytest.mark.django_db

STRANGER = "+8613912345678"


def test_a_member_gets_the_share_in_the_inbox_and_live(
    pushed, django_capture_on_commit_callbacks
):
    # given
    sender, friend = make_user(display_name="Ann"), make_user()
    deal = make_deal()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        share = make_share(
            sender=sender, recipients=[friend], deal=deal, comment="Look!"
        )
    # then
    notification = Notification.objects.get(recipient=friend)
    assert notification.kind == "sharing.share.received"
    assert notification.url == f"/sharing/threads/{share.public_id}/"
    assert notification.body == "Look!"
    assert [group for group, _e in pushed] == [user_group(friend.public_id)]
    assert pushed[0][1]["type"] == "sharing.share"
    assert pushed[0][1]["share"]["sender"] == "Ann"
    assert MemorySmsBackend.outbox == []


@pytest.mark.parametrize(
    ("sender_language", "reader_language", "shown", "not_shown"),
    [
        ("zh-hans", "en", "Bananas", "海南香蕉"),
        ("en", "zh-hans", "海南香蕉", "Bananas"),
    ],
)
def test_a_share_names_the_product_in_its_readers_language(
    pushed,
    monkeypatch,
    django_capture_on_commit_callbacks,
    sender_language,
    reader_language,
    shown,
    not_shown,
):
    # given a sender who shares from a page in one language
    sender = make_user(display_name="carol", preferred_language=sender_language)
    reader = make_user(preferred_language=reader_language)
    product = make_product(name_zh="海南香蕉", name_en="Bananas")
    push_payloads = []
    monkeypatch.setattr(
        shares, "push_to_user", lambda user_id, payload: push_payloads.append(payload)
    )
    # when
    with (
        translation.override(sender_language),
        django_capture_on_commit_callbacks(execute=True),
    ):
        make_share(sender=sender, recipients=[reader], product=product)
    # then the reader's inbox names the product in the reader's language
    notification = Notification.objects.get(recipient=reader)
    with translation.override(reader_language):
        title = notification.shown_title
    assert notification.title == title
    assert "carol" in title and shown in title and not_shown not in title
    # and so do the push and the live event
    assert [payload["title"] for payload in push_payloads] == [title]
    assert [event["share"]["product"] for _group, event in pushed] == [shown]
    # and the inbox keeps it in the other language for a switch
    other_language = "zh-hans" if reader_language == "en" else "en"
    with translation.override(other_language):
        assert not_shown in notification.shown_title


def test_an_invitation_names_the_product_in_the_language_it_is_texted_in(
    settings, django_capture_on_commit_callbacks
):
    # given the site's language is English and a sender shares from a Chinese page
    settings.LANGUAGE_CODE = "en"
    product = make_product(name_zh="海南香蕉", name_en="Bananas")
    # when they share with a number that has no account
    with (
        translation.override("zh-hans"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        make_share(sender=make_user(), recipients=[STRANGER], product=product)
    # then the text names the product in English, the invitation's language
    assert len(MemorySmsBackend.outbox) == 1
    text = MemorySmsBackend.outbox[0].text
    assert "Bananas" in text and "海南香蕉" not in text


def test_a_non_member_gets_an_sms_invitation_and_no_number_is_kept(
    django_capture_on_commit_callbacks,
):
    # given
    sender = make_user()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        share = make_share(sender=sender, recipients=[STRANGER])
    # then the stranger is texted a link to the thread
    assert len(MemorySmsBackend.outbox) == 1
    assert f"/sharing/threads/{share.public_id}/" in MemorySmsBackend.outbox[0].text
    # and sharing keeps only a keyed hash and a masked label
    invited = share.participants.get(role=Participant.Role.RECIPIENT)
    assert invited.user is None
    assert invited.address_hash == phone_hash(STRANGER)
    assert STRANGER not in invited.label and "****" in invited.label


def test_signing_up_with_the_invited_number_claims_the_share():
    # given a share to a number that has no account
    share = make_share(recipients=[STRANGER])
    # when someone signs up and verifies that number
    newcomer = User.objects.create_user(STRANGER, "long-enough-pw")
    phone_verified.send(sender=User, user=newcomer, phone_e164=STRANGER)
    # then the thread is theirs and the invitation shows in their inbox
    assert share_get_for_user(user=newcomer, share_id=share.public_id) == share
    assert Notification.objects.filter(recipient=newcomer).count() == 1


def test_an_account_with_another_number_cannot_claim_the_share():
    share = make_share(recipients=[STRANGER])
    other = make_user()
    phone_verified.send(sender=User, user=other, phone_e164=other.phone)
    with pytest.raises(Forbidden):
        share_get_for_user(user=other, share_id=share.public_id)
    assert share.participants.filter(user__isnull=True).count() == 1


def test_sharing_with_oneself_is_refused_and_nothing_is_sent():
    sender = make_user()
    with pytest.raises(SharingError) as refused:
        make_share(sender=sender, recipients=[STRANGER, sender])
    assert refused.value.code == "share_with_self"
    assert Share.objects.count() == 0 and Notification.objects.count() == 0


def test_500_recipients_is_the_cap():
    numbers = [f"+8613912{n:06d}" for n in range(501)]
    with pytest.raises(SharingError) as refused:
        make_share(recipients=numbers)
    assert refused.value.code == "too_many_recipients"
    assert "500" in refused.value.message
    assert Share.objects.count() == 0 and Notification.objects.count() == 0


def test_a_comment_of_100000_characters_is_refused():
    with pytest.raises(SharingError) as refused:
        make_share(recipients=[STRANGER], comment="x" * 100_000)
    assert refused.value.code == "text_too_long"
    assert Share.objects.count() == 0


def test_a_failure_halfway_leaves_nothing_sent(monkeypatch):
    # given the second recipient's notification fails
    from groupbuy.sharing.services import shares

    calls = []

    def failing(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("outbox down")

    monkeypatch.setattr(shares, "_notify_recipient", failing)
    with pytest.raises(RuntimeError):
        make_share(recipients=[make_user(), STRANGER])
    assert Share.objects.count() == 0 and Participant.objects.count() == 0


def test_a_deal_of_another_product_is_refused():
    with pytest.raises(SharingError) as refused:
        share_send(
            actor=make_user(),
            product=make_product(),
            deal=make_deal(),
            contacts=[Contact(name="", address=STRANGER)],
        )
    assert refused.value.code == "deal_mismatch"


def test_sender_and_recipient_reply_and_see_read_receipts(pushed):
    # given
    sender, friend = make_user(display_name="Ann"), make_user(display_name="Bo")
    share = make_share(sender=sender, recipients=[friend])
    pushed.clear()
    # when the friend replies with another product attached
    other = make_product(name_zh="乌龙茶", name_en="Oolong")
    reply = message_post(actor=friend, share=share, body="Nice", product=other)
    # then both hear of it live
    assert {group for group, _e in pushed} == {
        user_group(sender.public_id),
        user_group(friend.public_id),
    }
    assert pushed[0][1]["message"]["product"]["name"] == "Oolong"
    # and once the sender reads the thread, the reply shows read by Ann
    thread_mark_read(actor=sender, share=share)
    participants = thread_participants(share=share)
    assert read_by(message=reply, participants=participants) == ["Ann"]


def test_a_product_attached_to_a_reply_is_named_in_each_readers_language(pushed):
    # given a thread between a Chinese reader and an English reader
    sender = make_user(preferred_language="zh-hans")
    friend = make_user(preferred_language="en")
    share = make_share(sender=sender, recipients=[friend])
    pushed.clear()
    # when the friend replies from an English page with a product attached
    other = make_product(name_zh="乌龙茶", name_en="Oolong")
    with translation.override("en"):
        message_post(actor=friend, share=share, body="Try this", product=other)
    # then each hears of it live with the product in their own language
    names = {group: event["message"]["product"]["name"] for group, event in pushed}
    assert names == {
        user_group(sender.public_id): "乌龙茶",
        user_group(friend.public_id): "Oolong",
    }


def test_the_live_reply_carries_its_client_key_to_its_author_only(pushed):
    # given
    sender, friend = make_user(), make_user()
    share = make_share(sender=sender, recipients=[friend])
    pushed.clear()
    # when the friend replies from a page that shows the reply as pending
    message_post(actor=friend, share=share, body="Count me in", client_key="k9")
    # then the friend's pages can match the event to the pending reply
    events = {group: event["message"] for group, event in pushed}
    assert events[user_group(friend.public_id)]["client_key"] == "k9"
    # and the sender's pages do not learn the key
    assert "client_key" not in events[user_group(sender.public_id)]
    assert events[user_group(sender.public_id)]["body"] == "Count me in"


def test_replying_to_a_thread_one_is_not_part_of_is_forbidden():
    share = make_share(recipients=[make_user()])
    with pytest.raises(Forbidden):
        message_post(actor=make_user(), share=share, body="let me in")
    assert Message.objects.count() == 0


def test_a_reply_queued_offline_and_sent_twice_is_added_once():
    sender = make_user()
    share = make_share(sender=sender, recipients=[STRANGER])
    first = message_post(actor=sender, share=share, body="hi", client_key="k1")
    second = message_post(actor=sender, share=share, body="hi", client_key="k1")
    assert first == second and share.messages.count() == 1


def test_an_empty_reply_is_refused():
    sender = make_user()
    share = make_share(sender=sender, recipients=[STRANGER])
    with pytest.raises(SharingError) as refused:
        message_post(actor=sender, share=share, body="   ")
    assert refused.value.code == "empty_reply"


def test_an_imported_book_keeps_names_and_hashes_only():
    # given
    owner, member = make_user(), make_user()
    contacts = [Contact("Bo", member.phone), Contact("Stranger", STRANGER)]
    # when
    book = contact_book_import(actor=owner, contacts=contacts, source="vcard")
    # then
    entries = {entry.name: entry for entry in book.entries.all()}
    assert entries["Bo"].member == member and entries["Stranger"].member is None
    assert entries["Stranger"].phone_hash == phone_hash(STRANGER)
    # and no column of an entry holds either number (the hash is hex, so
    # looking for "139" in it, as this test did, failed by chance, ~1 run in 60)
    for entry in ContactEntry.objects.filter(book=book).values():
        for number in (member.phone, STRANGER):
            assert not any(number.lstrip("+") in str(value) for value in entry.values())


def test_a_book_is_deleted_by_its_owner_only_and_expires():
    owner = make_user()
    book = contact_book_import(actor=owner, contacts=[], source="vcard")
    with pytest.raises(SharingError):
        contact_book_delete(actor=make_user(), book_id=book.public_id)
    contact_book_delete(actor=owner, book_id=book.public_id)
    assert not ContactBook.objects.exists()
    with override_settings(GROUPBUY_SHARING_BOOK_RETENTION_DAYS=7):
        contact_book_import(actor=owner, contacts=[], source="vcard")
    assert contact_books_purge_expired(now=timezone.now() + timedelta(days=6)) == 0
    assert contact_books_purge_expired(now=timezone.now() + timedelta(days=8)) == 1


def test_a_resend_that_races_past_the_check_still_adds_one(monkeypatch):
    # given the first send is already stored but the existence check misses it
    sender = make_user()
    share = make_share(sender=sender, recipients=[STRANGER])
    first = message_post(actor=sender, share=share, body="hi", client_key="k2")
    real_filter = Message.objects.filter

    def blind_filter(*args, **kwargs):
        if "client_key" in kwargs:
            return real_filter(pk=-1)
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Message.objects, "filter", blind_filter)
    # when the same reply arrives again
    second = message_post(actor=sender, share=share, body="hi", client_key="k2")
    # then the unique constraint keeps one and the caller gets it
    assert second.pk == first.pk
    assert real_filter(share=share).count() == 1


def test_an_email_address_is_invited_by_email_and_not_claimable_by_a_phone(
    django_capture_on_commit_callbacks,
):
    from django.core import mail

    from groupbuy.sharing.contacts import typed_numbers_parse

    # given a share typed to an email address
    contacts = typed_numbers_parse(["Friend@Example.COM"])
    with django_capture_on_commit_callbacks(execute=True):
        share = share_send(
            actor=make_user(), product=make_product(), contacts=contacts, comment="hi"
        )
    # then an email invitation went out, and only a masked address is kept
    assert [message.to for message in mail.outbox] == [["Friend@example.com"]]
    invited = share.participants.get(role=Participant.Role.RECIPIENT)
    assert invited.label == "F***@example.com" and invited.user is None
    assert MemorySmsBackend.outbox == []


def test_a_share_emailed_to_a_non_member_is_theirs_once_they_confirm_that_address(
    django_capture_on_commit_callbacks,
):
    from django.core import mail

    from groupbuy.accounts.services import (
        email_verification_send,
        email_verify,
        user_update_profile,
    )
    from groupbuy.sharing.contacts import typed_numbers_parse

    # given a share typed to an e-mail address of somebody without an account
    with django_capture_on_commit_callbacks(execute=True):
        share = share_send(
            actor=make_user(),
            product=make_product(),
            contacts=typed_numbers_parse(["Friend@Example.COM"]),
            comment="hi",
        )
    # and two members who both put that address in their profile
    friend, pretender = make_user(), make_user()
    for person in (friend, pretender):
        user_update_profile(actor=person, email="Friend@example.com")
    # when only the friend confirms it with the link that was e-mailed
    with django_capture_on_commit_callbacks(execute=True):
        email_verification_send(actor=friend)
    token = mail.outbox[-1].body.split("/email/verify/")[1].split("/")[0]
    with django_capture_on_commit_callbacks(execute=True):
        email_verify(actor=friend, token=token)
    # then the friend is in the thread and the pretender is not
    invited = share.participants.get(role=Participant.Role.RECIPIENT)
    assert invited.user_id == friend.pk
    assert not share.participants.filter(user=pretender).exists()


def test_the_senders_name_for_a_contact_shows_to_the_sender_only(
    monkeypatch, pushed, django_capture_on_commit_callbacks
):
    from groupbuy.accounts.phones import mask_phone
    from groupbuy.sharing.selectors import thread_people

    # given Ann shares with her contact "Mum", whose number is Bo's, and Cy
    sender, friend = make_user(display_name="Ann"), make_user(display_name="Bo")
    other = make_user(display_name="Cy")
    share = share_send(
        actor=sender,
        product=make_product(),
        contacts=[
            Contact(name="Mum", address=friend.phone),
            Contact(name="Aunt Cy", address=other.phone),
        ],
    )
    participants = thread_participants(share=share)
    # then Ann sees her own names for them; Bo sees himself, and Cy masked
    masked_bo, masked_cy = mask_phone(friend.phone), mask_phone(other.phone)
    assert thread_people(participants=participants, viewer=sender) == [
        "Ann",
        "Mum",
        "Aunt Cy",
    ]
    assert thread_people(participants=participants, viewer=friend) == [
        "Ann",
        "Bo",
        masked_cy,
    ]
    assert thread_people(participants=participants, viewer=other) == [
        "Ann",
        masked_bo,
        "Cy",
    ]
    # and the label everyone else sees is the number masked, never the name
    assert [p.label for p in participants[1:]] == [masked_bo, masked_cy]
    assert [p.contact_name for p in participants[1:]] == ["Mum", "Aunt Cy"]
    # when Bo replies
    pushes = []
    monkeypatch.setattr(
        threads, "push_to_user", lambda user_id, push: pushes.append((user_id, push))
    )
    pushed.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message_post(actor=friend, share=share, body="Yes")
    # then Ann is told "Mum" replied, Cy that "Bo" did
    assert sorted((user_id, push["title"]) for user_id, push in pushes) == sorted(
        [(sender.pk, "Mum"), (other.pk, "Bo")]
    )
    # and only Ann's live copy of the reply carries her name for him
    authors = {group: event["message"]["author_name"] for group, event in pushed}
    assert authors == {
        user_group(sender.public_id): "Mum",
        user_group(friend.public_id): "Bo",
        user_group(other.public_id): "Bo",
    }
    for group, event in pushed:
        if group != user_group(sender.public_id):
            assert "Mum" not in str(event) and "Aunt Cy" not in str(event)
    # and from now on the others see Bo by his name; Ann still by hers for him
    participants = thread_participants(share=share)
    assert thread_people(participants=participants, viewer=sender)[1] == "Mum"
    assert thread_people(participants=participants, viewer=other)[1] == "Bo"


def test_a_contact_name_is_kept_without_control_characters_and_cut_at_120():
    # given names as a picker or a vCard may give them
    sender = make_user()
    share = share_send(
        actor=sender,
        product=make_product(),
        contacts=[
            Contact(name="Mum\n\x00\u202e(home)\t", address=STRANGER),
            Contact(name="x" * 500, address="+8613912340000"),
        ],
    )
    # then
    names = [p.contact_name for p in thread_participants(share=share)[1:]]
    assert names == ["Mum (home)", "x" * 120]


def test_a_read_receipt_shows_the_senders_name_for_the_reader_to_the_sender_only():
    from groupbuy.accounts.phones import mask_phone

    # given Ann shares with her contact "Mum" (Bo) and with Cy; Bo reads it
    sender, friend = make_user(display_name="Ann"), make_user(display_name="Bo")
    other = make_user(display_name="Cy")
    share = share_send(
        actor=sender,
        product=make_product(),
        contacts=[
            Contact(name="Mum", address=friend.phone),
            Contact(name="", address=other.phone),
        ],
    )
    message = message_post(actor=sender, share=share, body="Shall we?")
    thread_mark_read(actor=friend, share=share)
    participants = thread_participants(share=share)
    # then
    assert read_by(message=message, participants=participants, viewer=sender) == ["Mum"]
    assert read_by(message=message, participants=participants, viewer=other) == [
        mask_phone(friend.phone)
    ]


def test_a_reader_is_not_among_the_readers_they_are_shown():
    # given Ann's reply to Bo and Cy (named: each has replied), which both read
    sender, friend = make_user(display_name="Ann"), make_user(display_name="Bo")
    other = make_user(display_name="Cy")
    share = make_share(sender=sender, recipients=[friend, other])
    message_post(actor=friend, share=share, body="Hi")
    message_post(actor=other, share=share, body="Hello")
    message = message_post(actor=sender, share=share, body="Shall we?")
    thread_mark_read(actor=friend, share=share)
    thread_mark_read(actor=other, share=share)
    participants = thread_participants(share=share)
    # then each of them is shown the other as its reader, never themselves
    assert read_by(message=message, participants=participants, viewer=friend) == ["Cy"]
    assert read_by(message=message, participants=participants, viewer=other) == ["Bo"]
    # and its author both
    assert read_by(message=message, participants=participants, viewer=sender) == [
        "Bo",
        "Cy",
    ]


def test_a_claimed_invitation_stays_the_masked_number_until_its_owner_replies():
    from groupbuy.sharing.selectors import thread_people

    # given a share to a number without an account
    sender = make_user(display_name="Ann")
    share = make_share(sender=sender, recipients=[STRANGER])
    # when someone signs up with that number as "Cy" and claims it
    newcomer = User.objects.create_user(STRANGER, "long-enough-pw", display_name="Cy")
    phone_verified.send(sender=User, user=newcomer, phone_e164=STRANGER)
    # then the sender still sees the number they typed, masked; Cy sees Cy
    participants = thread_participants(share=share)
    assert thread_people(participants=participants, viewer=sender) == [
        "Ann",
        "+86139****5678",
    ]
    assert thread_people(participants=participants, viewer=newcomer) == ["Ann", "Cy"]


def test_threads_from_before_name_only_their_senders_and_who_replied():
    import importlib

    from django.apps import apps

    from groupbuy.sharing.selectors import thread_people

    migration = importlib.import_module(
        "groupbuy.sharing.migrations.0003_participant_is_name_shown"
    )
    # given threads as they were stored: each member's label their name then
    sender = make_user(display_name="Ann")
    talker, quiet = make_user(display_name="Bo"), make_user(display_name="Cy")
    share = make_share(sender=sender, recipients=[talker, quiet, STRANGER])
    message_post(actor=talker, share=share, body="Yes")
    Participant.objects.update(is_name_shown=False)
    Participant.objects.filter(user=talker).update(label="Bo")
    Participant.objects.filter(user=quiet).update(label="Cy")
    # when the migration runs
    migration.hold_back_names(apps, None)
    # then the one who never replied shows by neither name nor number
    participants = thread_participants(share=share)
    assert thread_people(participants=participants, viewer=sender) == [
        "Ann",
        "Bo",
        "Recipient",
        "+86139****5678",
    ]
    assert thread_people(participants=participants, viewer=quiet)[2] == "Cy"


def test_threads_from_before_keep_the_senders_names_for_the_sender_only():
    import importlib

    from django.apps import apps

    from groupbuy.sharing.selectors import thread_people

    migration = importlib.import_module(
        "groupbuy.sharing.migrations.0004_participant_contact_name"
    )
    # given a thread as it was stored: the sender's names for two contacts
    # (a member's number and an unclaimed one) in the label everyone saw
    sender, friend = make_user(display_name="Ann"), make_user(display_name="Bo")
    share = make_share(sender=sender, recipients=[friend, STRANGER, "+8613912340000"])
    Participant.objects.filter(user=friend).update(label="Mum")
    Participant.objects.filter(address_hash=phone_hash("+8613912340000")).update(
        label="Auntie"
    )
    # when the migration runs
    migration.names_to_the_sender_only(apps, None)
    # then the sender still sees their names; the others a "Recipient"
    participants = thread_participants(share=share)
    assert thread_people(participants=participants, viewer=sender) == [
        "Ann",
        "Mum",
        "+86139****5678",
        "Auntie",
    ]
    assert thread_people(participants=participants, viewer=friend) == [
        "Ann",
        "Bo",
        "+86139****5678",
        "Recipient",
    ]
    assert [p.label for p in participants] == ["Ann", "", "+86139****5678", ""]
    # and running it again changes nothing
    migration.names_to_the_sender_only(apps, None)
    assert [p.contact_name for p in thread_participants(share=share)] == [
        "",
        "Mum",
        "",
        "Auntie",
    ]


def test_the_senders_names_for_contacts_are_in_their_export_only_and_erased():
    from groupbuy.sharing.personal_data import SharingPersonalData

    # given Ann shares with her contact "Mum" (Bo)
    sender, friend = make_user(display_name="Ann"), make_user(display_name="Bo")
    share = share_send(
        actor=sender,
        product=make_product(),
        contacts=[Contact(name="Mum", address=friend.phone)],
    )
    # when each exports their data
    mine = SharingPersonalData().export(sender).records
    theirs = SharingPersonalData().export(friend).records
    # then Ann's holds her name for the contact, Bo's does not
    assert mine["shares_sent"][0]["contact_names"] == ["Mum"]
    assert "Mum" not in str(theirs)
    assert theirs["threads"][0]["shown_as"] == share.participants.get(user=friend).label
    # when Bo's data is erased
    SharingPersonalData().erase(friend)
    # then Ann's name for him goes too: he is a "Deleted user" to everyone
    assert share.participants.get(user=friend).contact_name == ""
    # when Ann's data is erased
    other_share = share_send(
        actor=sender,
        product=make_product(),
        contacts=[Contact(name="Auntie", address=STRANGER)],
    )
    SharingPersonalData().erase(sender)
    # then her names for her contacts go with it
    assert other_share.participants.get(role="recipient").contact_name == ""
    assert not Participant.objects.exclude(contact_name="").exists()


def _send_with_key(
    sender, *, product, addresses, key="compose-form-key-001", comment="Look!"
):
    return share_send(
        actor=sender,
        product=product,
        contacts=[Contact(name="", address=address) for address in addresses],
        comment=comment,
        idempotency_key=key,
    )


def test_a_share_sent_again_with_its_key_is_sent_once(
    django_capture_on_commit_callbacks,
):
    # given a sender, a member and a number without an account
    sender, friend = make_user(), make_user()
    product = make_product()
    # when the same share is sent twice with the compose form's one key
    with django_capture_on_commit_callbacks(execute=True):
        first = _send_with_key(
            sender, product=product, addresses=[friend.phone, STRANGER]
        )
        again = _send_with_key(
            sender, product=product, addresses=[STRANGER, friend.phone]
        )
    # then the second answers the first share, and nothing more was sent
    assert again.pk == first.pk
    assert (first.is_repeat, again.is_repeat) == (False, True)
    assert Share.objects.count() == 1
    assert first.participants.count() == 3
    assert Notification.objects.filter(recipient=friend).count() == 1
    assert Invitation.objects.count() == 1
    assert len(MemorySmsBackend.outbox) == 1


def test_a_key_sent_again_with_another_share_is_refused_and_sends_nothing():
    # given a share sent with a key
    sender, friend, other = make_user(), make_user(), make_user()
    product = make_product()
    _send_with_key(sender, product=product, addresses=[friend.phone])
    # when the key comes again with other recipients, or another product
    for product_sent, addresses in (
        (product, [other.phone]),
        (product, [friend.phone, STRANGER]),
        (make_product(name_en="Oolong", name_zh="乌龙"), [friend.phone]),
    ):
        with pytest.raises(Conflict) as refused:
            _send_with_key(sender, product=product_sent, addresses=addresses)
        # then it is refused as a reused key, and nothing is sent
        assert (refused.value.code, refused.value.status) == (
            "idempotency_key_reused",
            409,
        )
    assert Share.objects.count() == 1
    assert not Notification.objects.filter(recipient=other).exists()
    assert Invitation.objects.count() == 0


def test_keys_are_each_senders_own_and_no_key_sends_every_time():
    # given two senders who happen to send the same key
    ann, bo, friend = make_user(), make_user(), make_user()
    product = make_product()
    # when each sends with it, and Ann twice more with no key (each another
    # comment: the same share again is answered, test_duplicates)
    anns = _send_with_key(ann, product=product, addresses=[friend.phone])
    bos = _send_with_key(bo, product=product, addresses=[friend.phone])
    unkeyed = [
        _send_with_key(
            ann, product=product, addresses=[friend.phone], key="", comment=comment
        )
        for comment in ("Look again!", "And again!")
    ]
    # then each got their own share, and every unkeyed request sent one
    assert bos.pk != anns.pk and bos.sender == bo
    assert len({anns.pk, *(share.pk for share in unkeyed)}) == 3
    assert Notification.objects.filter(recipient=friend).count() == 4


OGG = b"OggS\x00\x02" + b"\x00" * 200


def _voice(data: bytes = OGG):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("note.ogg", data, "audio/ogg")


def _send_keyed(sender, *, product, friend, comment="Look!", voice_note=None):
    return share_send(
        actor=sender,
        product=product,
        contacts=[Contact(name="", address=friend.phone)],
        comment=comment,
        voice_note=voice_note,
        idempotency_key="compose-form-key-001",
    )


def test_a_key_sent_again_with_another_comment_or_voice_note_is_refused():
    # given a share sent with a key, a comment and a voice note
    sender, friend = make_user(), make_user()
    product = make_product()
    first = _send_keyed(sender, product=product, friend=friend, voice_note=_voice())
    # when the key comes again with another comment, another voice note, or
    # none, to the same person
    for changed in (
        {"comment": "Look again!", "voice_note": _voice()},
        {"voice_note": _voice(OGG + b"\x01")},
        {"voice_note": _voice(b"OggS\x00\x02" + b"\x01" * 200)},
        {"voice_note": None},
    ):
        with pytest.raises(Conflict) as refused:
            _send_keyed(sender, product=product, friend=friend, **changed)
        # then it is refused as a reused key, and nothing more is sent
        assert refused.value.code == "idempotency_key_reused", changed
    # and the same request, its comment spaced as typed, answers the first
    again = _send_keyed(
        sender, product=product, friend=friend, comment=" Look! ", voice_note=_voice()
    )
    assert (again.pk, again.is_repeat) == (first.pk, True)
    assert Share.objects.count() == 1
    assert Notification.objects.filter(recipient=friend).count() == 1


def test_a_key_sent_again_with_a_voice_note_the_first_had_not_is_refused():
    # given a share sent with a key and no voice note
    sender, friend = make_user(), make_user()
    product = make_product()
    _send_keyed(sender, product=product, friend=friend)
    # when the key comes again with a voice note
    with pytest.raises(Conflict) as refused:
        _send_keyed(sender, product=product, friend=friend, voice_note=_voice())
    # then it is refused, and no voice note was kept
    assert refused.value.code == "idempotency_key_reused"
    assert Share.objects.get().voice_note.name == ""
