import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from groupbuy.notify.models import Invitation, Notification
from groupbuy.sharing.models import ContactBook, Share
from groupbuy.sharing.services import message_post
from groupbuy.sharing.static_version import static_files_version
from groupbuy.sharing.tests.factories import (
    make_deal,
    make_merchant,
    make_product,
    make_share,
    make_user,
    vcard,
)

pytestmark = pytest.mark.django_db

STRANGER = "+8613912345678"


def test_the_deal_page_has_a_share_button(client):
    deal = make_deal()
    html = client.get(f"/deals/{deal.public_id}/").content.decode()
    assert f'href="/sharing/new/?deal={deal.public_id}"' in html


def test_a_deal_card_says_the_deal_state_in_the_page_language(client):
    deal = make_deal()
    url = f"/sharing/new/?deal={deal.public_id}"
    client.force_login(make_user(preferred_language="zh-hans"))
    chinese = client.get(url).content.decode()
    client.force_login(make_user(preferred_language="en"))
    english = client.get(url).content.decode()
    # the pill reads 进行中 / Open, never the stored code
    assert '<span class="pill ok">进行中</span>' in chinese
    assert '<span class="pill ok">Open</span>' in english


def test_the_product_card_page_has_open_graph_tags_and_a_share_button(client):
    product = make_product()
    html = client.get(f"/sharing/products/{product.public_id}/").content.decode()
    assert '<meta property="og:title" content="Jasmine tea">' in html
    assert f'href="/sharing/new/?product={product.public_id}"' in html


def test_sharing_a_deal_from_the_page(client):
    # given
    sender, friend = make_user(), make_user()
    deal = make_deal()
    client.force_login(sender)
    # when
    response = client.post(
        f"/sharing/new/?deal={deal.public_id}",
        {"recipients": f"{friend.phone}\n{STRANGER}", "comment": "Join me"},
    )
    # then
    share = Share.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/sharing/threads/{share.public_id}/"
    assert share.deal == deal and share.participants.count() == 3


def test_numbers_separated_by_chinese_commas_are_all_invited(client):
    # given
    sender, friend = make_user(), make_user()
    deal = make_deal()
    client.force_login(sender)
    # when the numbers are typed on a Chinese keyboard
    response = client.post(
        f"/sharing/new/?deal={deal.public_id}",
        {"recipients": f"{friend.phone}，{STRANGER}、13800000002", "comment": ""},
    )
    # then each is a recipient
    share = Share.objects.get()
    assert response.status_code == 302
    assert share.participants.filter(user=friend).exists()
    assert share.participants.count() == 4


def test_a_bad_number_on_the_page_is_shown_on_the_form(client):
    client.force_login(make_user())
    product = make_product()
    response = client.post(
        f"/sharing/new/?product={product.public_id}",
        {"recipients": "12345", "comment": ""},
    )
    assert response.status_code == 400
    assert "not valid phone numbers" in response.content.decode()
    assert Share.objects.count() == 0


def test_bad_numbers_are_listed_as_chinese_lists_them(client):
    # given a shopper who reads Chinese
    client.force_login(make_user(preferred_language="zh-hans"))
    product = make_product()
    # when two of the numbers they typed are not numbers
    response = client.post(
        f"/sharing/new/?product={product.public_id}",
        {"recipients": "12345\nabc@", "comment": ""},
    )
    # then the refusal lists them with 、, not an English comma
    assert response.status_code == 400
    page = response.content.decode()
    assert "：12345、abc@" in page
    assert "12345, abc@" not in page
    assert Share.objects.count() == 0


def test_script_in_a_comment_and_a_reply_is_escaped(client):
    # given
    sender = make_user()
    share = make_share(sender=sender, recipients=[STRANGER], comment="<b>hi</b>")
    message_post(actor=sender, share=share, body="<script>alert(1)</script>")
    client.force_login(sender)
    # when
    html = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
    # then
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;hi&lt;/b&gt;" in html


def test_each_reply_on_the_thread_page_names_its_author(client):
    # given a thread where the sender and a friend each replied
    sender, friend = make_user(display_name="Lan"), make_user(display_name="Mei")
    share = make_share(sender=sender, recipients=[friend])
    message_post(actor=sender, share=share, body="Shall we?")
    message_post(actor=friend, share=share, body="Count me in")
    client.force_login(friend)
    # when
    html = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
    # then each reply says who wrote it (until 2026-12-05 only live replies did)
    replies = html.split('<li class="card message"')[1:]
    authors = {
        reply.split('class="message-body">')[1].split("<")[0]: reply.split(
            'class="message-author">'
        )[1].split("<")[0]
        for reply in replies
    }
    labels = {p.user_id: p.shown_label for p in share.participants.all()}
    assert authors == {"Shall we?": labels[sender.pk], "Count me in": labels[friend.pk]}
    assert labels[sender.pk] != labels[friend.pk]


@pytest.mark.parametrize("outsider", ["another user", "another merchant"])
def test_outsiders_get_403_on_a_thread_page(client, outsider):
    share = make_share(recipients=[make_user(display_name="Mei")])
    intruder = make_user()
    if outsider == "another merchant":
        make_merchant(owner=intruder)
    client.force_login(intruder)
    page = client.get(f"/sharing/threads/{share.public_id}/")
    assert page.status_code == 403 and "Mei" not in page.content.decode()
    listed = client.get("/sharing/?box=received").content.decode()
    assert share.public_id not in listed
    posted = client.post(f"/sharing/threads/{share.public_id}/", {"body": "hi"})
    assert posted.status_code == 403
    assert share.messages.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    share = make_share(recipients=[STRANGER])
    response = client.get(f"/sharing/threads/{share.public_id}/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_importing_and_deleting_a_book_on_the_page(client):
    owner = make_user()
    client.force_login(owner)
    upload = SimpleUploadedFile("b.vcf", vcard([("Bo", STRANGER)]))
    assert client.post("/sharing/contacts/", {"file": upload}).status_code == 302
    book = ContactBook.objects.get(owner=owner)
    page = client.get("/sharing/contacts/").content.decode()
    assert "Bo" in page and STRANGER not in page
    intruder = make_user()
    client.force_login(intruder)
    assert client.post(f"/sharing/contacts/{book.public_id}/delete/").status_code == 404
    client.force_login(owner)
    client.post(f"/sharing/contacts/{book.public_id}/delete/")
    assert not ContactBook.objects.exists()


def _book_entries(page: str) -> list[str]:
    entries = page.split('id="book-entries">')[1].split("</ul>")[0]
    return re.findall(r"<li>([^<·]+)", entries)


def test_the_address_book_page_is_paged_and_shown_to_no_one_else(client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from groupbuy.sharing.contacts import Contact
    from groupbuy.sharing.services import contact_book_import

    # given 3 a page and an address book of 4 contacts, one more than a page
    settings.GROUPBUY_PAGE_SIZE = 3
    owner = make_user()
    contacts = [
        Contact(name=f"Friend {number:02d}", address=f"+86137{number:08d}")
        for number in range(4)
    ]
    contact_book_import(actor=owner, contacts=contacts, source=ContactBook.Source.VCARD)
    client.force_login(owner)
    en = {"accept-language": "en"}
    # when its owner opens it and follows "Next"
    first = client.get("/sharing/contacts/", headers=en).content.decode()
    with CaptureQueriesContext(connection) as first_queries:
        client.get("/sharing/contacts/", headers=en)
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get("/sharing/contacts/?page=2", headers=en)
    second = second.content.decode()
    # then the first page shows 3 names in order, the second the last, each
    # saying the book holds 4, in as many queries
    assert [name.strip() for name in _book_entries(first)] == [
        "Friend 00",
        "Friend 01",
        "Friend 02",
    ]
    assert 'id="page-next" href="?page=2"' in first
    assert [name.strip() for name in _book_entries(second)] == ["Friend 03"]
    assert "4 contacts, kept until" in second
    assert len(second_queries) == len(first_queries)
    # and someone else sees no book there
    client.force_login(make_user())
    assert "Friend 03" not in client.get("/sharing/contacts/?page=2").content.decode()


def test_the_service_worker_may_control_the_whole_site(client):
    response = client.get("/sharing/sw.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    assert "networkFirst" in response.content.decode()


def test_the_service_worker_keeps_an_offline_page_per_language(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    script = client.get("/sharing/sw.js").content.decode()
    assert 'const LANGUAGES = ["zh-hans", "en"];' in script
    assert 'const DEFAULT_LANGUAGE = "zh-hans";' in script


def test_the_service_worker_keeps_every_module_app_js_needs(client):
    # a kept page opened offline runs app.js only if every module it imports
    # is kept too: one import that fails fails the whole module
    from groupbuy.web.templatetags.module_preloads import module_tree

    script = client.get("/sharing/sw.js").content.decode()
    for module in module_tree("web/js/app.js"):
        assert f'"/static/{module}"' in script, module


def test_the_service_worker_keeps_every_module_a_kept_thread_needs(client):
    # a thread opened offline runs its script only if all it imports is kept
    from groupbuy.web.templatetags.module_preloads import module_tree

    script = client.get("/sharing/sw.js").content.decode()
    for module in module_tree("sharing/thread.js"):
        assert f'"/static/{module}"' in script, module


def test_the_offline_page_names_no_one_and_speaks_the_language_asked(client):
    # given a signed-in member who reads Chinese
    client.force_login(make_user(display_name="Lan", preferred_language="zh-hans"))
    # when the service worker asks for the English and the Chinese offline page
    english = client.get("/sharing/offline/?lang=en")
    chinese = client.get("/sharing/offline/?lang=zh-hans")
    # then each is in its language and names no one
    assert english["Content-Language"] == "en"
    assert '<html lang="en">' in english.content.decode()
    assert chinese["Content-Language"] == "zh-hans"
    assert '<html lang="zh-Hans">' in chinese.content.decode()
    for page in (english, chinese):
        text = page.content.decode()
        assert 'id="offline-page"' in text
        assert "Lan" not in text and 'id="nav-logout"' not in text
        assert "csrf" not in text.lower()
        assert not page.cookies


OGG = b"OggS\x00\x02" + b"\x00" * 200


def _share_with_voice(client, sender, friend, data=OGG):
    client.force_login(sender)
    product = make_product()
    return client.post(
        f"/sharing/new/?product={product.public_id}",
        {
            "recipients": friend.phone,
            "comment": "listen",
            "voice_note": SimpleUploadedFile("note.ogg", data, "audio/ogg"),
        },
    )


def test_a_voice_note_is_private_to_the_thread(client, private_dir):
    # given a share with a voice note
    sender, friend = make_user(), make_user()
    assert _share_with_voice(client, sender, friend).status_code == 302
    share = Share.objects.get()
    url = f"/sharing/threads/{share.public_id}/voice/"
    # then it is stored outside the media directory and plays for participants
    assert (private_dir / share.voice_note.name).exists()
    client.force_login(friend)
    played = client.get(url)
    assert played.status_code == 200 and played["Content-Type"] == "audio/ogg"
    assert played.is_async  # sent a block at a time under ASGI
    assert b"".join(played) == OGG
    # and is refused to another user and another merchant
    for intruder in (make_user(), make_user()):
        if intruder.pk % 2:
            make_merchant(owner=intruder)
        client.force_login(intruder)
        assert client.get(url).status_code == 403


def test_a_voice_note_that_is_not_audio_is_refused_and_nothing_is_sent(client):
    response = _share_with_voice(
        client, make_user(), make_user(), data=b"<html><script>x</script>"
    )
    assert response.status_code == 400
    assert "must be an audio file" in response.content.decode()
    assert Share.objects.count() == 0


def test_operators_see_shares_in_the_admin_read_only(client):
    share = make_share(recipients=[STRANGER], comment="for the admin")
    operator = make_user(is_staff=True, is_superuser=True)
    client.force_login(operator)
    listed = client.get("/admin/sharing/share/")
    shown = client.get(f"/admin/sharing/share/{share.pk}/change/")
    assert listed.status_code == 200 and share.public_id in listed.content.decode()
    assert shown.status_code == 200 and STRANGER not in shown.content.decode()
    # and whether each participant is named to the others (a sender is)
    assert "Name shown to the others" in shown.content.decode()
    assert client.get("/admin/sharing/share/add/").status_code == 403


def test_the_inbox_and_its_refusals_read_in_chinese(client):
    # given a shopper whose language is Chinese
    shopper = make_user(preferred_language="zh-hans")
    client.force_login(shopper)
    # when they open their inbox
    inbox = client.get("/sharing/").content.decode()
    # then the page speaks Chinese
    assert "分享给我的" in inbox and "还没有分享。" in inbox
    # with no space after a sentence's 。 (it showed as a gap in the line)
    assert "还没有分享。打开一个团购" in inbox


def test_the_shared_list_says_which_threads_have_something_unread(client):
    # given a share the friend has not opened
    sender = make_user(preferred_language="en")
    friend = make_user(preferred_language="en")
    share = make_share(sender=sender, recipients=[friend])
    client.force_login(friend)
    item = f'data-share-id="{share.public_id}"'

    def friends_item() -> str:
        html = client.get("/sharing/").content.decode()
        return html.split(item)[1].split("</li>")[0]

    assert 'class="pill info thread-new"' in friends_item()
    # when they open it, and the sender then replies twice
    client.get(f"/sharing/threads/{share.public_id}/")
    assert "thread-new" not in friends_item()
    assert "thread-unread" not in friends_item()
    for body in ("Shall we?", "Ten left"):
        message_post(actor=sender, share=share, body=body)
    # then the friend's list counts the two replies, and their own reply
    # (which reads the thread) clears it
    assert "2 new replies" in friends_item()
    message_post(actor=friend, share=share, body="Count me in")
    assert "thread-unread" not in friends_item()
    # and the sender's list counts the friend's reply, in the API too
    client.force_login(sender)
    body = client.get("/api/sharing/threads").json()
    (thread,) = body["items"]
    assert (thread["is_new"], thread["unread_count"]) == (False, 1)
    # and nobody else has the thread at all
    client.force_login(make_user())
    assert client.get("/api/sharing/threads").json()["items"] == []
    assert item not in client.get("/sharing/").content.decode()


def test_importing_a_book_on_the_page_is_limited_as_matching_is(client, settings):
    # given a person who has checked their one number of the day
    settings.GROUPBUY_SHARING_MATCHES_PER_DAY = 1
    owner, member = make_user(), make_user(display_name="Real Name")
    client.force_login(owner)
    first = SimpleUploadedFile("a.vcf", vcard([("Bo", member.phone)]))
    assert client.post("/sharing/contacts/", {"file": first}).status_code == 302
    page = client.get("/sharing/contacts/").content.decode()
    assert "Bo" in page and "Real Name" not in page
    # when they import a book with another number
    second = SimpleUploadedFile("b.vcf", vcard([("Bo", member.phone), ("X", STRANGER)]))
    refused = client.post("/sharing/contacts/", {"file": second})
    # then the page says so and keeps the first book
    assert refused.status_code == 400
    assert "at most 1 different numbers a day" in refused.content.decode()
    assert ContactBook.objects.get(owner=owner).entries.count() == 1


def test_the_contacts_page_says_names_are_kept_and_numbers_only_fingerprinted(client):
    # given an English reader (a Chinese text of the new words comes later)
    client.force_login(make_user())
    # when
    page = client.get("/sharing/contacts/").content.decode()
    # then the note cannot be read as fingerprinting the names too
    assert (
        "For each contact we keep their name as it is in the book, and a keyed "
        "fingerprint of their number instead of the number" in page
    )
    assert "Only names and keyed fingerprints of the numbers" not in page


def test_received_lists_others_shares_and_sent_lists_mine(client):
    # given a shopper who shared one product and was sent another
    me, friend = make_user(), make_user()
    mine = make_share(sender=me, recipients=[friend], comment="from me")
    theirs = make_share(sender=friend, recipients=[me], comment="to me")
    client.force_login(me)
    # when they open Shared, then its Sent tab
    received = client.get("/sharing/").content.decode()
    sent = client.get("/sharing/?box=sent").content.decode()
    # then each lists only its own
    assert f'data-share-id="{theirs.public_id}"' in received
    assert f'data-share-id="{mine.public_id}"' not in received
    assert f'data-share-id="{mine.public_id}"' in sent
    assert f'data-share-id="{theirs.public_id}"' not in sent
    assert 'id="box-sent" aria-current="page"' in sent

    # and the API gives either, or both as before
    def ids(box: str) -> list[str]:
        listed = client.get(f"/api/sharing/threads?box={box}").json()["items"]
        return [item["id"] for item in listed]

    assert ids("received") == [theirs.public_id]
    assert ids("sent") == [mine.public_id]
    assert ids("") == [theirs.public_id, mine.public_id]
    # and the received list of the friend holds my share, not theirs
    client.force_login(friend)
    friends = client.get("/sharing/").content.decode()
    assert mine.public_id in friends and theirs.public_id not in friends


def test_a_new_display_name_shows_everywhere_in_sharing_at_once(client):
    from groupbuy.accounts.services import user_update_profile

    # given a thread between Lan and Mei, each having replied and read
    sender, friend = make_user(display_name="Lan"), make_user(display_name="Mei")
    share = make_share(sender=sender, recipients=[friend, STRANGER])
    message_post(actor=sender, share=share, body="Shall we?")
    message_post(actor=friend, share=share, body="Count me in")
    # when both change their display names
    user_update_profile(actor=sender, display_name="Lan Wei")
    user_update_profile(actor=friend, display_name="Mei Chen")
    # then the friend's list, the thread page and its receipts use the new names
    client.force_login(friend)
    listed = client.get("/sharing/").content.decode()
    assert "Lan Wei" in listed
    page = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
    people = page.split('id="thread-people">')[1].split("</span>")[0]
    assert people.startswith("Lan Wei, Mei Chen, +86139****5678")
    authors = page.split('class="message-author">')[1:]
    assert [author.split("<")[0] for author in authors] == ["Lan Wei", "Mei Chen"]
    # and Lan's page names Mei among the readers (Mei's own leaves her out)
    assert "Read by Mei Chen" not in page
    client.force_login(sender)
    senders_page = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
    assert "Read by Mei Chen" in senders_page
    # and so does the API, and a reply's live event
    thread = client.get(f"/api/sharing/threads/{share.public_id}").json()
    assert thread["sender"] == "Lan Wei"
    assert [p["name"] for p in thread["participants"]][:2] == ["Lan Wei", "Mei Chen"]
    assert [m["author_name"] for m in thread["messages"]] == ["Lan Wei", "Mei Chen"]
    assert thread["messages"][0]["read_by"] == ["Mei Chen"]
    assert "Lan<" not in page and "Mei<" not in page


def _people(client, share) -> str:
    page = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
    return page.split('id="thread-people">')[1].split("</span>")[0]


def test_the_names_of_a_thread_are_listed_as_chinese_lists_them(client):
    from groupbuy.sharing.services import thread_mark_read

    # given 小王 shares with 小李 and 小张, who both read his message
    sender = make_user(display_name="小王", preferred_language="zh-hans")
    friend = make_user(display_name="小李", preferred_language="zh-hans")
    other = make_user(display_name="小张", preferred_language="zh-hans")
    share = make_share(sender=sender, recipients=[friend, other])
    message_post(actor=sender, share=share, body="一起买吗？")
    message_post(actor=friend, share=share, body="好")
    message_post(actor=other, share=share, body="算我一个")
    thread_mark_read(actor=friend, share=share)
    thread_mark_read(actor=other, share=share)
    # when 小王 opens the thread in Chinese
    client.force_login(sender)
    page = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
    # then its people, and who read his message, are listed with 、 as Chinese
    # lists names, not an English comma
    assert _people(client, share) == "小王、小李、小张"
    # (the viewer is no reader of the others' replies: "Read by" leaves him out)
    assert re.findall(r'class="read-by">([^<]*)', page) == [
        "已读：小李、小张",
        "已读：小张",
        "已读：小李",
    ]
    assert "对话成员：<" in page.replace('</span><span id="thread-people">', "<")
    assert 'data-list-separator="、"' in page
    assert "小王, " not in page and "小李, " not in page


def test_a_member_reached_by_number_is_named_to_the_others_only_once_they_reply(
    client,
):
    from groupbuy.accounts.phones import mask_phone
    from groupbuy.sharing.services import thread_mark_read

    # given Lan shares by number with Mei and Zhu (members) and a stranger
    sender, friend = make_user(display_name="Lan"), make_user(display_name="Mei")
    other = make_user(display_name="Zhu")
    share = make_share(sender=sender, recipients=[friend, other, STRANGER])
    message_post(actor=sender, share=share, body="Shall we?")
    # and Mei has read it, without replying
    thread_mark_read(actor=friend, share=share)
    masked = mask_phone(friend.phone)
    # when Lan opens the thread
    client.force_login(sender)
    page = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
    # then Mei is the number Lan typed, masked, in the people and "Read by"
    people = page.split('id="thread-people">')[1].split("</span>")[0]
    assert people == f"Lan, {masked}, {mask_phone(other.phone)}, +86139****5678"
    assert f"Read by {masked}" in page
    assert "Mei" not in page and "Zhu" not in page
    # and so does the other member in the thread
    client.force_login(other)
    assert _people(client, share) == f"Lan, {masked}, Zhu, +86139****5678"
    # while Mei sees herself by her name, as before
    client.force_login(friend)
    assert _people(client, share).startswith(f"Lan, Mei, {mask_phone(other.phone)}")
    # when Mei replies
    message_post(actor=friend, share=share, body="Count me in")
    # then Lan sees her name in the people and on her reply
    client.force_login(sender)
    page = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
    people = page.split('id="thread-people">')[1].split("</span>")[0]
    assert people == f"Lan, Mei, {mask_phone(other.phone)}, +86139****5678"
    authors = [a.split("<")[0] for a in page.split('class="message-author">')[1:]]
    assert authors == ["Lan", "Mei"]
    # and the Shared by me list names none of the recipients
    listed = client.get("/sharing/?box=sent").content.decode()
    assert share.public_id in listed and "Zhu" not in listed


def test_an_erased_recipient_who_never_replied_shows_as_deleted_user(client):
    from groupbuy.accounts.personal_data import PSEUDONYM_PREFIX
    from groupbuy.sharing.personal_data import SharingPersonalData

    # given a share to a member's number, then that member's data is erased
    sender, friend = make_user(display_name="Lan"), make_user(display_name="Mei")
    share = make_share(sender=sender, recipients=[friend])
    SharingPersonalData().erase(friend)
    friend.phone, friend.display_name = f"{PSEUDONYM_PREFIX}1", ""
    friend.save(update_fields=["phone", "display_name"])
    # when the sender opens the thread
    client.force_login(sender)
    # then
    assert _people(client, share) == "Lan, Deleted user"


def test_the_senders_name_for_a_contact_is_on_the_senders_thread_page_only(client):
    from groupbuy.accounts.phones import mask_phone
    from groupbuy.sharing.contacts import Contact
    from groupbuy.sharing.services import share_send

    # given Lan shares with her contact "妈妈" (Mei's number) and with Zhu
    sender, friend = make_user(display_name="Lan"), make_user(display_name="Mei")
    other = make_user(display_name="Zhu")
    share = share_send(
        actor=sender,
        product=make_product(),
        contacts=[
            Contact(name="妈妈", address=friend.phone),
            Contact(name="", address=other.phone),
        ],
    )
    message_post(actor=sender, share=share, body="Shall we?")
    message_post(actor=friend, share=share, body="Count me in")
    # when Lan opens the thread
    client.force_login(sender)
    page = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
    # then Mei is "妈妈" in the people, on her reply and in "Read by"
    assert _people(client, share) == f"Lan, 妈妈, {mask_phone(other.phone)}"
    authors = [a.split("<")[0] for a in page.split('class="message-author">')[1:]]
    assert authors == ["Lan", "妈妈"]
    assert "Read by 妈妈" in page
    # when Zhu, and Mei herself, open it, the name is nowhere on the page
    for reader, shown in ((other, "Mei"), (friend, "Mei")):
        client.force_login(reader)
        page = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
        assert "妈妈" not in page
        assert _people(client, share).split(", ")[1] == shown


def test_names_picked_on_the_compose_page_show_to_the_sender_only(client):
    import json

    from groupbuy.accounts.phones import mask_phone
    from groupbuy.sharing.models import Participant

    # given Lan picks Mei's number as "妈妈" and types Zhu's, and a stranger's
    sender, friend = make_user(display_name="Lan"), make_user(display_name="Mei")
    other = make_user(display_name="Zhu")
    client.force_login(sender)
    picked = (
        "+86 " + friend.phone[3:6] + " " + friend.phone[6:10] + " " + friend.phone[10:]
    )
    # when she sends it
    response = client.post(
        f"/sharing/new/?product={make_product().public_id}",
        {
            "recipients": f"{picked}\n{other.phone}\n{STRANGER}",
            "recipient_names": json.dumps(
                {
                    picked: "妈妈\u202e\n",
                    STRANGER: "x" * 500,
                    "+8613000000000": "Nobody",
                }
            ),
        },
    )
    # then she sees "妈妈" in the thread, the others the numbers masked
    share = Share.objects.get()
    assert response.status_code == 302
    names = share.participants.filter(role="recipient").order_by("pk")
    assert [p.contact_name for p in names] == ["妈妈", "", "x" * 120]
    assert (
        _people(client, share) == f"Lan, 妈妈, {mask_phone(other.phone)}, {'x' * 120}"
    )
    assert not Participant.objects.filter(contact_name="Nobody").exists()
    # and neither Zhu nor Mei finds the name on their page
    for reader in (other, friend):
        client.force_login(reader)
        page = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
        assert "妈妈" not in page and "xxxxxxxxxx" not in page


@pytest.mark.parametrize(
    "names", ["oops", "[1]", '{"+8613912345678": 5}', "{" + " " * 200_001 + "}"]
)
def test_unreadable_names_on_the_compose_page_are_a_clear_400(client, names):
    client.force_login(make_user())
    response = client.post(
        f"/sharing/new/?product={make_product().public_id}",
        {"recipients": STRANGER, "recipient_names": names},
    )
    assert response.status_code == 400
    assert "The names of the contacts you picked could not be read." in (
        response.content.decode()
    )
    assert Share.objects.count() == 0


def test_the_service_worker_changes_when_a_static_file_does(client, settings, tmp_path):
    # given the service worker as a release serves it
    before = client.get("/sharing/sw.js").content.decode()

    # when a release changes a static file (the same name, new content)
    changed = tmp_path / "web" / "js"
    changed.mkdir(parents=True)
    (changed / "app.js").write_text("// the next release")
    settings.STATICFILES_DIRS = [str(tmp_path)]
    static_files_version.cache_clear()
    try:
        after = client.get("/sharing/sw.js").content.decode()
    finally:
        static_files_version.cache_clear()

    # then the script differs in its cache version, so browsers install it and
    # drop the caches holding the old file
    version = re.compile(r'const VERSION = "(groupbuy-v2-[0-9a-f]{12})";')
    assert version.search(before) and version.search(after)
    assert version.search(before).group(1) != version.search(after).group(1)


def _shown_key(response) -> str:
    """The compose form's one-time key, as the page holds it."""
    html = response.content.decode()
    return html.split('name="idempotency_key" value="')[1].split('"')[0]


def test_the_compose_form_sent_twice_shares_once(client):
    # given a sender on the compose page, a member and a number with no account
    sender, friend = make_user(), make_user()
    deal = make_deal()
    url = f"/sharing/new/?deal={deal.public_id}"
    client.force_login(sender)
    key = _shown_key(client.get(url))
    post = {"recipients": f"{friend.phone}\n{STRANGER}", "idempotency_key": key}
    # when Send is tapped twice
    first, second = client.post(url, post), client.post(url, post)
    # then both lead to the one thread, with the success message, and the
    # member and the number were each told once
    share = Share.objects.get()
    thread = f"/sharing/threads/{share.public_id}/"
    assert (first.status_code, first["Location"]) == (302, thread)
    assert (second.status_code, second["Location"]) == (302, thread)
    assert "Shared." in client.get(thread).content.decode()
    assert Notification.objects.filter(recipient=friend).count() == 1
    assert Invitation.objects.count() == 1
    # and the page shown again has a new key
    assert _shown_key(client.get(url)) not in ("", key)


def test_the_compose_form_sent_again_counts_no_more_matches(client, settings):
    # given a sender who may match one number a minute, on the compose page
    settings.GROUPBUY_SHARING_MATCHES_PER_MINUTE = 1
    sender, friend = make_user(), make_user()
    url = f"/sharing/new/?deal={make_deal().public_id}"
    client.force_login(sender)
    post = {"recipients": friend.phone, "idempotency_key": _shown_key(client.get(url))}
    # when Send is tapped twice
    first, second = client.post(url, post), client.post(url, post)
    # then the second leads to the thread too: it matched nothing more
    thread = f"/sharing/threads/{Share.objects.get().public_id}/"
    assert (first.status_code, first["Location"]) == (302, thread)
    assert (second.status_code, second["Location"]) == (302, thread)
    assert Notification.objects.filter(recipient=friend).count() == 1


def test_the_compose_form_sent_again_to_others_says_so_and_sends_on_the_next_tap(
    client,
):
    # given a share sent from the compose page
    sender, friend, other = make_user(), make_user(), make_user()
    deal = make_deal()
    url = f"/sharing/new/?deal={deal.public_id}"
    client.force_login(sender)
    key = _shown_key(client.get(url))
    client.post(url, {"recipients": friend.phone, "idempotency_key": key})
    # when the page is shown again from the history and sent to someone else
    refused = client.post(url, {"recipients": other.phone, "idempotency_key": key})
    # then it says so, sends nothing, and the form shown holds a new key
    assert refused.status_code == 400
    assert "This page already sent another share (to other people" in (
        refused.content.decode()
    )
    assert Share.objects.count() == 1
    assert not Notification.objects.filter(recipient=other).exists()
    new_key = _shown_key(refused)
    assert new_key not in ("", key)
    # when Send is tapped again, the share goes to them
    sent = client.post(url, {"recipients": other.phone, "idempotency_key": new_key})
    assert sent.status_code == 302
    assert Share.objects.count() == 2
    assert Notification.objects.filter(recipient=other).count() == 1
