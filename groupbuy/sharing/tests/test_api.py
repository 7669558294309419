import pytest
from django.utils import timezone

from groupbuy.accounts.services import api_token_create
from groupbuy.deals.models import Deal
from groupbuy.sharing.models import ContactBook, Message, Share
from groupbuy.sharing.selectors import reply_author_key
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


def bearer(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def merchant_owner():
    owner = make_user()
    make_merchant(owner=owner)
    return owner


def test_a_deal_card_has_its_short_link_that_opens_the_deal(client):
    # given
    deal = make_deal()
    # when
    card = client.get(f"/api/sharing/cards/deals/{deal.public_id}").json()
    page = client.get(card["url"])
    # then
    assert card["deal_id"] == deal.public_id and card["deal_state"] == "open"
    assert card["deal_state_label"] in ("Open", "进行中")
    assert card["price_fen"] == 9_900
    assert card["url"] == f"http://testserver/s/{card['code']}"
    assert page.status_code == 200
    html = page.content.decode()
    assert f'content="0; url=/deals/{deal.public_id}/"' in html
    assert '<meta property="og:title" content="Jasmine tea">' in html


def test_an_unknown_link_is_a_404(client):
    assert client.get("/s/nothing").status_code == 404


def test_sharing_over_the_api_then_replying(client):
    # given
    sender, friend = make_user(), make_user()
    deal = make_deal()
    # when
    sent = client.post(
        "/api/sharing/shares",
        {"deal_id": deal.public_id, "recipients": [friend.phone], "comment": "yes?"},
        content_type="application/json",
        headers=bearer(sender),
    )
    share_id = sent.json()["id"]
    reply = client.post(
        f"/api/sharing/threads/{share_id}/messages",
        {"body": "<script>alert(1)</script>"},
        content_type="application/json",
        headers=bearer(friend),
    )
    thread = client.get(f"/api/sharing/threads/{share_id}", headers=bearer(sender))
    # then
    assert sent.status_code == 201 and reply.status_code == 201
    assert [m["body"] for m in thread.json()["messages"]] == [
        "<script>alert(1)</script>"
    ]
    listed = client.get("/api/sharing/threads", headers=bearer(friend)).json()
    assert [item["id"] for item in listed["items"]] == [share_id]


def test_times_are_written_in_utc_to_the_millisecond_like_every_time(
    client, monkeypatch, pushed
):
    # given a clock and a deadline with microseconds
    now = timezone.now().replace(microsecond=123456)
    monkeypatch.setattr(timezone, "now", lambda: now)
    deal = make_deal()
    Deal.objects.filter(pk=deal.pk).update(deadline_at=now.replace(year=now.year + 1))
    sender, friend = make_user(), make_user()
    written = now.strftime("%Y-%m-%dT%H:%M:%S.123Z")
    # when a share is sent, answered and read
    sent = client.post(
        "/api/sharing/shares",
        {"deal_id": deal.public_id, "member_ids": [friend.public_id]},
        content_type="application/json",
        headers=bearer(sender),
    ).json()
    reply = client.post(
        f"/api/sharing/threads/{sent['id']}/messages",
        {"body": "yes"},
        content_type="application/json",
        headers=bearer(friend),
    ).json()
    read = client.post(
        f"/api/sharing/threads/{sent['id']}/read", headers=bearer(sender)
    ).json()
    thread = client.get(
        f"/api/sharing/threads/{sent['id']}", headers=bearer(sender)
    ).json()
    listed = client.get("/api/sharing/threads", headers=bearer(friend)).json()
    # then every time reads as a deal's times do: "Z" and milliseconds
    assert (sent["created_at"], sent["last_activity_at"]) == (written, written)
    assert sent["card"]["deadline_at"] == written.replace(
        str(now.year), str(now.year + 1), 1
    )
    assert (reply["created_at"], read["read_at"]) == (written, written)
    assert [p["last_read_at"] for p in thread["participants"]] == [written, written]
    assert [m["created_at"] for m in thread["messages"]] == [written]
    assert listed["items"][0]["created_at"] == written
    # and so do the live events
    share_event, message_events, read_event = _events_by_type(pushed)
    assert share_event["share"]["created_at"] == written
    assert {event["message"]["created_at"] for event in message_events} == {written}
    assert read_event["read_at"] == written


def _events_by_type(pushed) -> tuple[dict, list[dict], dict]:
    events = [event for _group, event in pushed]
    (share_event,) = [e for e in events if e["type"] == "sharing.share"]
    message_events = [e for e in events if e["type"] == "sharing.message"]
    (read_event,) = [e for e in events if e["type"] == "sharing.read"]
    return share_event, message_events, read_event


def test_threads_are_newest_first_and_paginated(client):
    friend = make_user()
    shares = [make_share(recipients=[friend], comment=str(n)) for n in range(3)]
    page = client.get("/api/sharing/threads?page_size=2", headers=bearer(friend))
    body = page.json()
    assert [item["id"] for item in body["items"]] == [
        shares[2].public_id,
        shares[1].public_id,
    ]
    assert body["has_next"] is True and body["total"] == 3


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"recipients": ["not a number"]}, "phone_invalid"),
        ({"recipients": []}, "no_recipients"),
        ({"recipients": [STRANGER], "comment": "x" * 100_000}, "text_too_long"),
        (
            {"recipients": [f"+8613912{n:06d}" for n in range(501)]},
            "too_many_recipients",
        ),
        ({"member_ids": ["usr_nobody"]}, "member_unknown"),
    ],
)
def test_bad_shares_get_a_clear_400_and_nothing_is_sent(client, payload, code):
    product = make_product()
    response = client.post(
        "/api/sharing/shares",
        {"product_id": product.public_id, **payload},
        content_type="application/json",
        headers=bearer(make_user()),
    )
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert {"code", "message", "fields"} <= set(response.json())
    assert Share.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "fact"),
    [
        ({"recipients": ["not a number", "123"]}, "invalid_recipients"),
        ({"member_ids": ["usr_nobody"]}, "unknown_member_ids"),
        ({"recipients": ["self"]}, None),
        ({"deal_id": "deal"}, None),
    ],
)
def test_a_refused_share_says_sentences_on_its_fields_and_facts_beside(
    client, payload, fact
):
    """Until 2026-12-07 these refusals gave, as a field's "messages", the
    entries refused ("not a number"), the ids, the sender's masked number and
    the product id sent: a client showing ``fields`` showed them as errors,
    and so did the compose page."""
    # given a share that cannot be sent
    me = make_user()
    product = make_product()
    if payload.get("recipients") == ["self"]:
        payload = {"recipients": [me.phone]}
    if "deal_id" in payload:
        payload = {"deal_id": make_deal().public_id, "recipients": [STRANGER]}
    # when it is sent
    response = client.post(
        "/api/sharing/shares",
        {"product_id": product.public_id, **payload},
        content_type="application/json",
        headers=bearer(me),
    )
    # then every field holds the refusal's sentence, and what was refused is
    # named beside it
    body = response.json()
    assert response.status_code == 400
    assert list(body["fields"].values()) == [[body["message"]]]
    if fact == "invalid_recipients":
        assert body[fact] == ["not a number", "123"]
    elif fact:
        assert body[fact] == ["usr_nobody"]


def test_sharing_with_oneself_over_the_api_is_refused(client):
    me = make_user()
    response = client.post(
        "/api/sharing/shares",
        {"product_id": make_product().public_id, "recipients": [me.phone]},
        content_type="application/json",
        headers=bearer(me),
    )
    assert (response.status_code, response.json()["code"]) == (400, "share_with_self")


def test_importing_a_vcard_marks_members_and_can_be_deleted(client):
    # given
    owner, member = make_user(), make_user(display_name="Bo")
    data = vcard([("Bo", member.phone), ("Stranger", STRANGER)])
    # when
    response = client.post(
        "/api/sharing/contacts/books",
        {"file": _upload(data)},
        headers=bearer(owner),
    )
    # then
    assert response.status_code == 201
    contacts = {c["name"]: c for c in response.json()["contacts"]}
    assert contacts["Bo"] == {"name": "Bo", "phone": member.phone, "is_member": True}
    assert contacts["Stranger"] == {
        "name": "Stranger",
        "phone": STRANGER,
        "is_member": False,
    }
    current = client.get("/api/sharing/contacts/books/current", headers=bearer(owner))
    assert STRANGER not in current.content.decode()
    book_id = response.json()["id"]
    deleted = client.delete(
        f"/api/sharing/contacts/books/{book_id}", headers=bearer(owner)
    )
    assert deleted.status_code == 204 and not ContactBook.objects.exists()


def _upload(data: bytes, name="book.vcf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/vcard")


def test_an_unparsable_vcard_is_a_clear_400(client):
    response = client.post(
        "/api/sharing/contacts/books",
        {"file": _upload(b"not a vcard")},
        headers=bearer(make_user()),
    )
    assert (response.status_code, response.json()["code"]) == (400, "vcard_invalid")


def test_a_huge_vcard_is_refused_with_413(client):
    data = vcard([("x", "139 0000 0000")]) * 100_000
    response = client.post(
        "/api/sharing/contacts/books",
        {"file": _upload(data)},
        headers=bearer(make_user()),
    )
    assert response.status_code == 413
    assert response.json()["code"] == "vcard_too_large"


def test_numbers_pasted_with_chinese_commas_into_one_item_are_each_shared(client):
    # given
    sender, friend = make_user(), make_user()
    deal = make_deal()
    # when one item holds several numbers, as pasted
    sent = client.post(
        "/api/sharing/shares",
        {"deal_id": deal.public_id, "recipients": [f"{friend.phone}，{STRANGER}"]},
        content_type="application/json",
        headers=bearer(sender),
    )
    matched = client.post(
        "/api/sharing/contacts/match",
        {"numbers": [f"{STRANGER}、{friend.phone}"]},
        content_type="application/json",
        headers=bearer(sender),
    )
    # then each number counts
    assert sent.status_code == 201
    share = Share.objects.get(public_id=sent.json()["id"])
    assert share.participants.count() == 3
    assert [row["is_member"] for row in matched.json()] == [False, True]


def test_matching_is_rate_limited(client, settings):
    settings.GROUPBUY_SHARING_MATCHES_PER_MINUTE = 3
    user = make_user()
    headers = bearer(user)
    first = client.post(
        "/api/sharing/contacts/match",
        {"numbers": [STRANGER, user.phone]},
        content_type="application/json",
        headers=headers,
    )
    second = client.post(
        "/api/sharing/contacts/match",
        {"numbers": [STRANGER, user.phone]},
        content_type="application/json",
        headers=headers,
    )
    assert first.status_code == 200
    assert [row["is_member"] for row in first.json()] == [False, True]
    assert (second.status_code, second.json()["code"]) == (429, "rate_limited")


@pytest.mark.parametrize("outsider", ["another user", "another merchant"])
def test_outsiders_cannot_read_reply_or_mark_a_thread(client, outsider):
    # given a share between two people
    share = make_share(recipients=[make_user(display_name="Mei")])
    intruder = make_user() if outsider == "another user" else merchant_owner()
    headers = bearer(intruder)
    base = f"/api/sharing/threads/{share.public_id}"
    # when / then
    read = client.get(base, headers=headers)
    assert read.status_code == 403 and "Mei" not in read.content.decode()
    assert client.get(f"{base}/voice-note", headers=headers).status_code == 403
    replied = client.post(
        f"{base}/messages",
        {"body": "hi"},
        content_type="application/json",
        headers=headers,
    )
    assert (replied.status_code, replied.json()["code"]) == (403, "forbidden")
    assert client.post(f"{base}/read", headers=headers).status_code == 403
    listed = client.get("/api/sharing/threads", headers=headers).json()
    assert listed["items"] == []
    assert Message.objects.count() == 0


@pytest.mark.parametrize("outsider", ["another user", "another merchant"])
def test_outsiders_cannot_see_or_delete_someone_elses_book(client, outsider):
    owner = make_user()
    client.post(
        "/api/sharing/contacts/books",
        {"file": _upload(vcard([("Bo", STRANGER)]))},
        headers=bearer(owner),
    )
    book = ContactBook.objects.get()
    intruder = make_user() if outsider == "another user" else merchant_owner()
    headers = bearer(intruder)
    current = client.get("/api/sharing/contacts/books/current", headers=headers)
    deleted = client.delete(
        f"/api/sharing/contacts/books/{book.public_id}", headers=headers
    )
    assert current.status_code == 404 and deleted.status_code == 404
    assert ContactBook.objects.filter(pk=book.pk).exists()


def test_every_write_endpoint_needs_a_signed_in_person(client):
    share = make_share(recipients=[STRANGER])
    for method, path in [
        ("post", "/api/sharing/shares"),
        ("post", "/api/sharing/contacts/match"),
        ("post", "/api/sharing/contacts/books"),
        ("get", "/api/sharing/threads"),
        ("get", f"/api/sharing/threads/{share.public_id}"),
        ("post", f"/api/sharing/threads/{share.public_id}/messages"),
    ]:
        response = getattr(client, method)(path, content_type="application/json")
        assert response.status_code == 401, path


def test_a_huge_recipient_list_is_refused_before_any_parsing(client, monkeypatch):
    from groupbuy.sharing import sending

    parsed = []
    monkeypatch.setattr(
        sending, "typed_numbers_parse", lambda n, **names: parsed.append(n) or []
    )
    response = client.post(
        "/api/sharing/shares",
        {"product_id": make_product().public_id, "recipients": ["x"] * 50_000},
        content_type="application/json",
        headers=bearer(make_user()),
    )
    assert (response.status_code, response.json()["code"]) == (
        400,
        "too_many_recipients",
    )
    assert parsed == []


def test_sending_counts_against_the_matching_limit(client, settings):
    settings.GROUPBUY_SHARING_MATCHES_PER_MINUTE = 2
    sender, headers = make_user(), None
    headers = bearer(sender)
    product = make_product()
    statuses = [
        client.post(
            "/api/sharing/shares",
            # Each another share: the same one again would be answered, 200.
            {
                "product_id": product.public_id,
                "recipients": [STRANGER],
                "comment": f"try {attempt}",
            },
            content_type="application/json",
            headers=headers,
        ).status_code
        for attempt in range(3)
    ]
    assert statuses == [201, 201, 429]


OGG = b"OggS\x00\x02" + b"\x00" * 200


def _send_with_voice(client, sender, recipients, data=OGG):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/api/sharing/shares/with-voice-note",
        {
            "product_id": make_product().public_id,
            "recipients": recipients,
            "comment": "listen",
            "voice_note": SimpleUploadedFile("note.ogg", data, "audio/ogg"),
        },
        headers=bearer(sender),
    )


@pytest.mark.parametrize("outsider", ["another user", "another merchant"])
def test_a_voice_note_over_the_api_plays_for_the_thread_only(
    client, private_dir, outsider
):
    # given a share with a voice note sent over the API to two people
    sender, friend = make_user(), make_user()
    sent = _send_with_voice(client, sender, [friend.phone, STRANGER])
    assert sent.status_code == 201, sent.content
    share = Share.objects.get()
    assert share.participants.count() == 3
    # when the friend reads the thread, then it names the voice note
    thread = client.get(
        f"/api/sharing/threads/{share.public_id}", headers=bearer(friend)
    ).json()
    assert thread["voice_note_url"]
    url = f"/api/sharing/threads/{share.public_id}/voice-note"
    played = client.get(url, headers=bearer(friend))
    assert played.status_code == 200 and played["Content-Type"] == "audio/ogg"
    assert played.is_async  # sent a block at a time under ASGI
    assert b"".join(played) == OGG
    # and anyone else gets a 403
    intruder = make_user() if outsider == "another user" else merchant_owner()
    refused = client.get(url, headers=bearer(intruder))
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")


def test_a_voice_note_that_is_not_audio_is_a_clear_400_and_nothing_is_sent(client):
    sent = _send_with_voice(client, make_user(), [STRANGER], data=b"<html>x</html>")
    assert sent.status_code == 400
    assert sent.json()["code"] == "voice_invalid"
    assert Share.objects.count() == 0


def test_a_share_without_a_voice_note_has_none_to_play(client):
    share = make_share(recipients=[make_user()])
    headers = bearer(share.sender)
    response = client.get(
        f"/api/sharing/threads/{share.public_id}/voice-note", headers=headers
    )
    assert response.status_code == 404
    assert (
        client.get(f"/api/sharing/threads/{share.public_id}", headers=headers).json()[
            "voice_note_url"
        ]
        == ""
    )


def _match(client, user, numbers):
    return client.post(
        "/api/sharing/contacts/match",
        {"numbers": numbers},
        content_type="application/json",
        headers=bearer(user),
    )


def test_matching_says_member_or_not_and_never_who(client):
    # given the platform's operator and a shop's cashier, known by name
    operator = make_user(display_name="Operator Wang", is_staff=True)
    cashier = make_user(display_name="Cashier Li")
    prober = make_user()
    # when someone who merely knows their numbers matches them
    matched = _match(client, prober, [operator.phone, cashier.phone, STRANGER])
    # then they learn which are members' and nothing of whose
    assert matched.status_code == 200
    assert matched.json() == [
        {"name": "", "phone": operator.phone, "is_member": True},
        {"name": "", "phone": cashier.phone, "is_member": True},
        {"name": "", "phone": STRANGER, "is_member": False},
    ]
    text = matched.content.decode()
    for secret in ("Operator Wang", "Cashier Li"):
        assert secret not in text
    assert operator.public_id not in text and cashier.public_id not in text


def test_an_imported_book_never_names_its_members(client):
    # given
    owner, member = make_user(), make_user(display_name="Real Name")
    data = vcard([("My label", member.phone)])
    # when the book is imported, then read back
    imported = client.post(
        "/api/sharing/contacts/books", {"file": _upload(data)}, headers=bearer(owner)
    )
    current = client.get("/api/sharing/contacts/books/current", headers=bearer(owner))
    # then each shows the owner's own label, and "member", only
    assert imported.json()["contacts"] == [
        {"name": "My label", "phone": member.phone, "is_member": True}
    ]
    assert current.json()["contacts"] == [
        {"name": "My label", "phone": "", "is_member": True}
    ]
    for response in (imported, current):
        text = response.content.decode()
        assert "Real Name" not in text and member.public_id not in text


def test_more_numbers_than_an_address_book_are_refused(client, settings):
    from groupbuy.sharing.throttle import DEFAULT_MATCH_MAX_NUMBERS

    assert DEFAULT_MATCH_MAX_NUMBERS == 5_000
    settings.GROUPBUY_SHARING_MATCH_MAX_NUMBERS = 3
    # four numbers, whether as four items or pasted into one
    numbers = [f"+8613912{n:06d}" for n in range(4)]
    for payload in (numbers, ["，".join(numbers)]):
        response = _match(client, make_user(), payload)
        assert response.status_code == 400
        assert response.json()["code"] == "too_many_numbers"
        assert response.json()["message"] == (
            "At most 3 numbers can be matched at once."
        )


def test_a_person_checks_a_few_distinct_numbers_a_day(client, settings):
    settings.GROUPBUY_SHARING_MATCHES_PER_DAY = 3
    me = make_user()
    a, b, c, d = (f"+8613912{n:06d}" for n in range(4))
    # when
    statuses = [
        _match(client, me, numbers).status_code
        for numbers in ([a, b], [a, b], [c], [b, c])
    ]
    refused = _match(client, me, [a, d])
    # then the numbers checked again cost nothing; a fourth is refused
    assert statuses == [200, 200, 200, 200]
    assert refused.status_code == 429
    assert refused.json()["code"] == "daily_match_limit"
    assert _match(client, me, [a]).status_code == 200
    # and so is importing or sending to a new number that day
    imported = client.post(
        "/api/sharing/contacts/books",
        {"file": _upload(vcard([("D", d)]))},
        headers=bearer(me),
    )
    sent = client.post(
        "/api/sharing/shares",
        {"product_id": make_product().public_id, "recipients": [d]},
        content_type="application/json",
        headers=bearer(me),
    )
    assert (imported.status_code, imported.json()["code"]) == (429, "daily_match_limit")
    assert (sent.status_code, sent.json()["code"]) == (429, "daily_match_limit")
    assert not ContactBook.objects.exists() and not Share.objects.exists()
    # and someone else has their own day
    assert _match(client, make_user(), [d]).status_code == 200


def test_the_api_names_a_member_reached_by_number_only_once_they_reply(client, pushed):
    from groupbuy.accounts.phones import mask_phone

    # given Lan shares by Mei's number over the API, and Mei reads it
    sender, friend = make_user(display_name="Lan"), make_user(display_name="Mei")
    sent = client.post(
        "/api/sharing/shares",
        {"product_id": make_product().public_id, "recipients": [friend.phone]},
        content_type="application/json",
        headers=bearer(sender),
    ).json()
    base = f"/api/sharing/threads/{sent['id']}"
    lans_key = client.post(
        f"{base}/messages",
        {"body": "Hi"},
        content_type="application/json",
        headers=bearer(sender),
    ).json()["author_key"]
    pushed.clear()
    client.post(f"{base}/read", headers=bearer(friend))
    # when Lan reads the thread
    thread = client.get(base, headers=bearer(sender)).json()
    # then Mei is her masked number, with no key, in the people and receipts
    masked = mask_phone(friend.phone)
    assert [(p["author_key"], p["name"]) for p in thread["participants"]] == [
        (lans_key, "Lan"),
        ("", masked),
    ]
    assert thread["messages"][0]["read_by"] == [masked]
    assert "Mei" not in str(thread) and friend.public_id not in str(thread)
    # and the live receipt Lan got does not say who read
    assert [event["reader_key"] for _group, event in pushed] == [""]
    # while Mei sees herself as before, by her key in the thread
    mine = client.get(base, headers=bearer(friend)).json()
    meis_key = mine["participants"][1]["author_key"]
    assert mine["participants"][1] == {
        **mine["participants"][1],
        "author_key": meis_key,
        "name": "Mei",
    }
    assert meis_key not in ("", lans_key)
    # when Mei replies
    reply = client.post(
        f"{base}/messages",
        {"body": "Count me in"},
        content_type="application/json",
        headers=bearer(friend),
    ).json()
    # then Lan sees her name and key everywhere, live too
    thread = client.get(base, headers=bearer(sender)).json()
    assert [(p["author_key"], p["name"]) for p in thread["participants"]] == [
        (lans_key, "Lan"),
        (meis_key, "Mei"),
    ]
    assert (reply["author_name"], reply["author_key"]) == ("Mei", meis_key)
    assert [m["author_name"] for m in thread["messages"]] == ["Lan", "Mei"]
    live = [e for _g, e in pushed if e["type"] == "sharing.message"]
    assert {event["message"]["author_name"] for event in live} == {"Mei"}


def test_a_member_chosen_by_id_is_named_from_the_start(client):
    # given Lan chooses Mei as a member (by her id, so knowing who she is)
    sender, friend = make_user(display_name="Lan"), make_user(display_name="Mei")
    sent = client.post(
        "/api/sharing/shares",
        {"product_id": make_product().public_id, "member_ids": [friend.public_id]},
        content_type="application/json",
        headers=bearer(sender),
    ).json()
    # when Lan reads the thread
    thread = client.get(
        f"/api/sharing/threads/{sent['id']}", headers=bearer(sender)
    ).json()
    # then Mei is named, as chosen
    assert [p["name"] for p in thread["participants"]] == ["Lan", "Mei"]


def _send_to_mum(client, sender, friend, other):
    return client.post(
        "/api/sharing/shares",
        {
            "product_id": make_product().public_id,
            "recipients": [{"address": friend.phone, "name": "妈妈"}, other.phone],
        },
        content_type="application/json",
        headers=bearer(sender),
    )


def test_a_recipient_sent_with_a_name_is_named_so_to_the_sender_only(client, pushed):
    from groupbuy.accounts.phones import mask_phone

    # given Lan shares over the API with Mei's number as "妈妈", and Zhu's
    sender, friend = make_user(display_name="Lan"), make_user(display_name="Mei")
    other = make_user(display_name="Zhu")
    sent = _send_to_mum(client, sender, friend, other)
    assert sent.status_code == 201
    base = f"/api/sharing/threads/{sent.json()['id']}"
    # when Lan reads the thread
    thread = client.get(base, headers=bearer(sender)).json()
    # then Mei is "妈妈" to her, still with no key
    share = Share.objects.get(public_id=sent.json()["id"])
    lans_key = reply_author_key(share=share, user_id=sender.pk)
    assert [(p["author_key"], p["name"]) for p in thread["participants"]] == [
        (lans_key, "Lan"),
        ("", "妈妈"),
        ("", mask_phone(other.phone)),
    ]
    assert friend.public_id not in str(thread) and "Mei" not in str(thread)
    # while Zhu, and Mei herself, never get the name
    for reader in (other, friend):
        answer = client.get(base, headers=bearer(reader))
        assert answer.status_code == 200 and "妈妈" not in answer.content.decode()
    # when Mei replies
    pushed.clear()
    reply = client.post(
        f"{base}/messages",
        {"body": "Count me in"},
        content_type="application/json",
        headers=bearer(friend),
    )
    # then Lan's thread and her live copy name Mei "妈妈"; no one else's does
    assert "妈妈" not in reply.content.decode()
    thread = client.get(base, headers=bearer(sender)).json()
    assert [m["author_name"] for m in thread["messages"]] == ["妈妈"]
    assert thread["participants"][1] == {
        **thread["participants"][1],
        "author_key": reply.json()["author_key"],
        "name": "妈妈",
    }
    live = {group: event for group, event in pushed if event["type"] != "sharing.read"}
    assert live.pop(f"user.{sender.public_id}")["message"]["author_name"] == "妈妈"
    assert set(live) == {f"user.{friend.public_id}", f"user.{other.public_id}"}
    assert "妈妈" not in str(live)
    assert "妈妈" not in client.get(base, headers=bearer(other)).content.decode()


@pytest.mark.parametrize("outsider", ["another user", "another merchant"])
def test_outsiders_never_see_the_senders_name_for_a_contact(client, outsider):
    # given Lan's share to "妈妈"
    sender, friend, other = make_user(), make_user(), make_user()
    sent = _send_to_mum(client, sender, friend, other).json()
    base = f"/api/sharing/threads/{sent['id']}"
    intruder = make_user() if outsider == "another user" else merchant_owner()
    # when / then
    read = client.get(base, headers=bearer(intruder))
    assert read.status_code == 403 and "妈妈" not in read.content.decode()
    listed = client.get("/api/sharing/threads", headers=bearer(intruder)).json()
    assert listed["items"] == []


def test_a_recipients_name_is_cleaned_and_cut_at_120_characters(client):
    from groupbuy.sharing.models import Participant

    # given names with control characters and one too long to keep whole
    sender = make_user()
    sent = client.post(
        "/api/sharing/shares",
        {
            "product_id": make_product().public_id,
            "recipients": [
                {"address": STRANGER, "name": "Mum\n\u202e\x07(home)"},
                {"address": "+8613912340000", "name": "x" * 500},
                {"address": "+8613912340001"},
            ],
        },
        content_type="application/json",
        headers=bearer(sender),
    )
    # then
    assert sent.status_code == 201
    names = Participant.objects.filter(role="recipient").order_by("pk")
    assert [p.contact_name for p in names] == ["Mum (home)", "x" * 120, ""]


@pytest.mark.parametrize(
    ("recipient", "status", "code"),
    [
        ({"address": STRANGER, "name": "x" * 1_001}, 422, "invalid"),
        ({"name": "Mum"}, 422, "invalid"),
        ({"address": STRANGER, "name": ["Mum"]}, 422, "invalid"),
        ({"address": "not a number", "name": "Mum"}, 400, "phone_invalid"),
        (
            {"address": f"{STRANGER}, +8613912340000", "name": "Mum"},
            400,
            "phone_invalid",
        ),
        (7, 422, "invalid"),
    ],
)
def test_a_bad_recipient_object_is_a_clear_error_and_nothing_is_sent(
    client, recipient, status, code
):
    response = client.post(
        "/api/sharing/shares",
        {"product_id": make_product().public_id, "recipients": [recipient]},
        content_type="application/json",
        headers=bearer(make_user()),
    )
    assert (response.status_code, response.json()["code"]) == (status, code)
    # (phone_invalid names the entries refused beside: invalid_recipients)
    assert set(response.json()) - {"invalid_recipients"} == {
        "code",
        "message",
        "fields",
    }
    assert Share.objects.count() == 0


def test_the_api_schema_takes_a_recipient_as_a_string_or_an_object(client):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    items = schemas["ShareSendIn"]["properties"]["recipients"]["items"]
    assert items["oneOf"] == [
        {"type": "string"},
        {"$ref": "#/components/schemas/RecipientIn"},
    ]
    assert set(schemas["RecipientIn"]["properties"]) == {"address", "name"}
    assert schemas["RecipientIn"]["required"] == ["address"]


KEY = "3b241101-e2bb-4255-8caf-4136c566a962"


def test_a_share_sent_again_with_its_key_answers_the_first_share(client):
    from groupbuy.notify.models import Invitation, Notification

    # given a sender and a share with a one-time key
    sender, friend = make_user(), make_user()
    headers = bearer(sender)
    body = {
        "product_id": make_product().public_id,
        "recipients": [friend.phone, {"address": STRANGER, "name": "Mum"}],
        "idempotency_key": KEY,
    }

    def send(payload):
        return client.post(
            "/api/sharing/shares",
            payload,
            content_type="application/json",
            headers=headers,
        )

    # when it is sent twice
    first, again = send(body), send(body)
    # then the second answers the share the first sent, 200, and sends nothing
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Share.objects.count() == 1
    assert Notification.objects.filter(recipient=friend).count() == 1
    assert Invitation.objects.count() == 1
    # and without a key every request sends one, as before (each another
    # comment: the same share again is answered, test_duplicates)
    assert [
        send({**body, "idempotency_key": None, "comment": comment}).status_code
        for comment in ("one", "two")
    ] == [201, 201]
    assert Share.objects.count() == 3


def test_a_share_key_sent_with_another_share_is_a_409_and_a_bad_one_a_422(client):
    # given a share sent with a key
    sender, friend, other = make_user(preferred_language="en"), make_user(), make_user()
    headers = bearer(sender)
    product = make_product()
    body = {
        "product_id": product.public_id,
        "recipients": [friend.phone],
        "idempotency_key": KEY,
    }

    def send(payload):
        return client.post(
            "/api/sharing/shares",
            payload,
            content_type="application/json",
            headers=headers,
        )

    assert send(body).status_code == 201
    # when the key comes with other recipients, another group buy or another
    # comment
    deal = make_deal()
    for changed in (
        {"recipients": [other.phone]},
        {"product_id": "", "deal_id": deal.public_id},
        {"comment": "Cheaper now!"},
    ):
        refused = send({**body, **changed})
        # then it is a 409 that sends nothing
        assert refused.status_code == 409, changed
        assert refused.json() == {
            "code": "idempotency_key_reused",
            "message": (
                "This request's key already sent another share; send a new key "
                "for a new one."
            ),
            "fields": {},
        }
    # and a malformed key is a 422 naming it
    for key in ("short", "no spaces allowed here!", "x" * 37):
        malformed = send({**body, "idempotency_key": key})
        assert malformed.status_code == 422, key
        assert malformed.json()["code"] == "invalid"
        assert any("idempotency_key" in field for field in malformed.json()["fields"])
    assert Share.objects.count() == 1
    assert not Share.objects.filter(participants__user=other).exists()


@pytest.mark.parametrize("outsider", ["another user", "another merchant"])
def test_someone_else_sending_my_key_gets_their_own_share_not_mine(client, outsider):
    # given my share sent with a key
    sender, friend = make_user(), make_user()
    body = {
        "product_id": make_product().public_id,
        "recipients": [friend.phone],
        "idempotency_key": KEY,
    }
    mine = client.post(
        "/api/sharing/shares",
        body,
        content_type="application/json",
        headers=bearer(sender),
    )
    # when someone else sends the same request with the same key
    intruder = make_user() if outsider == "another user" else merchant_owner()
    theirs = client.post(
        "/api/sharing/shares",
        body,
        content_type="application/json",
        headers=bearer(intruder),
    )
    # then they sent a share of their own and learnt nothing of mine
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert theirs.json()["id"] != mine.json()["id"]
    assert Share.objects.get(public_id=theirs.json()["id"]).sender == intruder


def test_a_voice_note_share_sent_again_with_its_key_is_sent_once(client):
    # given a share with a voice note and a key, as multipart form data
    from django.core.files.uploadedfile import SimpleUploadedFile

    sender = make_user()
    headers = bearer(sender)
    product = make_product()

    def send():
        return client.post(
            "/api/sharing/shares/with-voice-note",
            {
                "product_id": product.public_id,
                "recipients": [STRANGER],
                "idempotency_key": KEY,
                "voice_note": SimpleUploadedFile("note.ogg", OGG, "audio/ogg"),
            },
            headers=headers,
        )

    # when it is sent twice
    first, again = send(), send()
    # then the second answers the first share, 200
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Share.objects.count() == 1


def test_a_share_sent_again_with_its_key_in_the_header_answers_the_first(client):
    from groupbuy.notify.models import Invitation, Notification

    # given a sender whose client sends its one-time key as a header, as deals'
    # creates take it
    sender, friend = make_user(preferred_language="en"), make_user()
    body = {
        "product_id": make_product().public_id,
        "recipients": [friend.phone, STRANGER],
    }

    def send(payload, key=KEY):
        return client.post(
            "/api/sharing/shares",
            payload,
            content_type="application/json",
            headers={**bearer(sender), "Idempotency-Key": key},
        )

    # when it is sent twice, and once more with the same key in both places
    first, again = send(body), send(body)
    both = send({**body, "idempotency_key": KEY})
    # then the later ones answer the share the first sent, 200, and send nothing
    assert (first.status_code, again.status_code, both.status_code) == (201, 200, 200)
    assert again.json() == first.json() == both.json()
    assert Share.objects.count() == 1
    assert Notification.objects.filter(recipient=friend).count() == 1
    assert Invitation.objects.count() == 1
    # and the header's key with other recipients is the body's 409
    reused = send({**body, "recipients": [STRANGER]})
    assert (reused.status_code, reused.json()["code"]) == (
        409,
        "idempotency_key_reused",
    )
    # and a malformed header, or a header and body that differ, is a 422 on the
    # key, sending nothing
    for payload, key in (
        (body, "no spaces allowed here!"),
        ({**body, "idempotency_key": "another-key-000000001"}, KEY),
    ):
        refused = send(payload, key)
        assert refused.status_code == 422, (payload, key)
        assert (refused.json()["code"], list(refused.json()["fields"])) == (
            "invalid",
            ["idempotency_key"],
        )
    assert Share.objects.count() == 1


def test_a_voice_note_share_takes_its_key_in_the_header_too(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # given a share with a voice note, its key in the header
    sender = make_user()
    product = make_product()

    def send():
        return client.post(
            "/api/sharing/shares/with-voice-note",
            {
                "product_id": product.public_id,
                "recipients": [STRANGER],
                "voice_note": SimpleUploadedFile("note.ogg", OGG, "audio/ogg"),
            },
            headers={**bearer(sender), "Idempotency-Key": KEY},
        )

    # when it is sent twice
    first, again = send(), send()
    # then it is sent once
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Share.objects.count() == 1


@pytest.mark.parametrize("outsider", ["another user", "another merchant"])
def test_my_header_key_sent_by_someone_else_sends_their_own_share(client, outsider):
    # given my share sent with a key in the header
    sender, friend = make_user(), make_user()
    body = {"product_id": make_product().public_id, "recipients": [friend.phone]}
    intruder = make_user() if outsider == "another user" else merchant_owner()
    answers = [
        client.post(
            "/api/sharing/shares",
            body,
            content_type="application/json",
            headers={**bearer(who), "Idempotency-Key": KEY},
        )
        for who in (sender, intruder)
    ]
    # then each sent their own
    assert [answer.status_code for answer in answers] == [201, 201]
    mine, theirs = (answer.json()["id"] for answer in answers)
    assert mine != theirs
    assert Share.objects.get(public_id=theirs).sender == intruder


def test_a_voice_note_share_key_sent_with_another_voice_note_is_a_409(client):
    # given a share with a voice note and a key, as multipart form data
    from django.core.files.uploadedfile import SimpleUploadedFile

    sender = make_user(preferred_language="en")
    headers = bearer(sender)
    product = make_product()

    def send(data):
        return client.post(
            "/api/sharing/shares/with-voice-note",
            {
                "product_id": product.public_id,
                "recipients": [STRANGER],
                "idempotency_key": KEY,
                "voice_note": SimpleUploadedFile("note.ogg", data, "audio/ogg"),
            },
            headers=headers,
        )

    assert send(OGG).status_code == 201
    # when the key comes again with another recording
    refused = send(OGG + b"\x01")
    # then it is a 409, and the first share's note is the one kept
    assert (refused.status_code, refused.json()["code"]) == (
        409,
        "idempotency_key_reused",
    )
    share = Share.objects.get()
    with share.voice_note.open("rb") as kept:
        assert kept.read() == OGG


def test_a_share_sent_again_with_its_key_matches_nothing_more(client, settings):
    # given a sender who may match two numbers a minute
    settings.GROUPBUY_SHARING_MATCHES_PER_MINUTE = 2
    sender, friend = make_user(preferred_language="en"), make_user()
    headers = bearer(sender)
    body = {
        "product_id": make_product().public_id,
        "recipients": [friend.phone],
        "idempotency_key": KEY,
    }

    def send(payload):
        return client.post(
            "/api/sharing/shares",
            payload,
            content_type="application/json",
            headers=headers,
        )

    # when a share to one number is sent, then retried three times
    statuses = [send(body).status_code for _attempt in range(4)]
    # then every retry is answered with the share: they counted nothing
    assert statuses == [201, 200, 200, 200]
    # when the key comes with another number, it is refused and counts, as
    # any send does (a typed number that is a chosen member's would be a 200)
    assert send({**body, "recipients": [STRANGER]}).status_code == 409
    # then the minute's two numbers are spent
    refused = send({**body, "idempotency_key": None})
    assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
    assert Share.objects.count() == 1


def test_the_api_schema_documents_the_share_key(client):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    key = schemas["ShareSendIn"]["properties"]["idempotency_key"]
    assert key["anyOf"][0]["pattern"] == "^[A-Za-z0-9_-]{16,36}$"
    assert "answers the share the first one sent (200)" in key["description"]


def test_the_openapi_schema_lists_the_idempotency_key_header_on_sharing(client):
    # when the API's schema is read
    paths = client.get("/api/openapi.json").json()["paths"]
    # then both ways of sending a share document the Idempotency-Key header
    for path in ("/api/sharing/shares", "/api/sharing/shares/with-voice-note"):
        operation = paths[path]["post"]
        headers = [p for p in operation["parameters"] if p["in"] == "header"]
        assert [(p["name"], p["required"]) for p in headers] == [
            ("Idempotency-Key", False)
        ], path


def test_every_link_a_share_answers_is_a_whole_address_as_pay_url_is(
    client, private_dir, settings
):
    """A partner's app has no page to read a path against: until 2026-12-06 a
    share's url, voice note, card and reply links were paths."""
    # given a share with a voice note, read by its recipient over HTTPS
    sender, friend = make_user(), make_user()
    assert _send_with_voice(client, sender, [friend.phone]).status_code == 201
    share = Share.objects.get()
    settings.ALLOWED_HOSTS = ["testserver", "shop.example.com"]
    headers = {**bearer(friend), "Host": "shop.example.com"}
    path = f"/api/sharing/threads/{share.public_id}"
    message = client.post(
        f"{path}/messages",
        {"body": "this one?", "product_id": share.product.public_id},
        content_type="application/json",
        headers=headers,
        secure=True,
    ).json()
    # when the thread and the list are read
    thread = client.get(path, headers=headers, secure=True).json()
    listed = client.get("/api/sharing/threads", headers=headers, secure=True).json()
    # then every link is whole, on the host and scheme the request reached
    site = "https://shop.example.com"
    assert thread["url"] == f"{site}/sharing/threads/{share.public_id}/"
    assert thread["voice_note_url"] == f"{thread['url']}voice/"
    assert thread["card"]["url"] == f"{site}/s/{thread['card']['code']}"
    assert thread["card"]["target_url"].startswith(f"{site}/")
    assert message["product"]["url"] == thread["card"]["url"]
    assert thread["messages"][0]["product"]["url"] == message["product"]["url"]
    assert listed["items"][0]["url"] == thread["url"]
    # and the links open what they name
    assert client.get(thread["card"]["url"]).status_code == 200
