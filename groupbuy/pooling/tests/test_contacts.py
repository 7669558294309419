"""Who plans to buy product X before a date, and contacts exchanged with consent."""

import importlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from groupbuy.accounts.phones import mask_phone
from groupbuy.catalog.models import Product
from groupbuy.notify.models import Notification
from groupbuy.pooling import selectors, services
from groupbuy.pooling.models import CartReport, ContactMessage, ContactRequest
from groupbuy.pooling.tests.factories import auth, make_shop, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned():
    """A discoverable shopper and a hidden one both plan to buy tea tomorrow."""
    _merchant, branch, owner = make_shop()
    tea = Product.objects.create(name_zh="茶", name_en="Tea")
    now = timezone.now()
    shoppers = {}
    for name, discoverable in (("open", True), ("hidden", False)):
        user = make_user()
        services.profile_update(
            actor=user, max_group_size=4, max_walk_m=500, is_discoverable=discoverable
        )
        shoppers[name] = user
        shoppers[f"{name}_cart"] = services.cart_report(
            actor=user,
            branch=branch,
            kind="intended",
            amount_fen=5_000,
            items=[{"product_id": tea.public_id, "unit_price_fen": 0, "quantity": 1}],
            window_start_at=now + timedelta(days=1),
            window_end_at=now + timedelta(days=1, hours=2),
        )
    return {"tea": tea, "owner": owner, **shoppers}


def _buyers(client, user, product, days=2):
    before = (timezone.now() + timedelta(days=days)).isoformat()
    return client.get(
        "/api/pooling/buyers",
        {"product_id": product.public_id, "before": before},
        headers=auth(user),
    ).json()["items"]


def _ask(client, asker, planned) -> dict:
    response = client.post(
        "/api/pooling/contacts",
        {
            "cart_id": planned["open_cart"].public_id,
            "product_id": planned["tea"].public_id,
        },
        content_type="application/json",
        headers=auth(asker),
    )
    assert response.status_code == 201
    return response.json()


def _answer(client, user, contact_id, accept):
    return client.post(
        f"/api/pooling/contacts/{contact_id}/answer",
        {"accept": accept},
        content_type="application/json",
        headers=auth(user),
    )


def _say(client, user, contact_id, body):
    return client.post(
        f"/api/pooling/contacts/{contact_id}/messages",
        {"body": body},
        content_type="application/json",
        headers=auth(user),
    )


def _read(client, user, contact_id):
    return client.get(
        f"/api/pooling/contacts/{contact_id}/messages", headers=auth(user)
    )


def test_only_opted_in_shoppers_are_listed(client, planned):
    asker = make_user()
    found = _buyers(client, asker, planned["tea"])
    assert [b["cart_id"] for b in found] == [planned["open_cart"].public_id]
    assert _buyers(client, asker, planned["tea"], days=0) == []


def _hides_number(text: str, phone: str) -> bool:
    """No recognisable part of ``phone``: neither in full nor masked (what
    "+86138****0001" gave away: the network and the last four digits)."""
    national = phone.removeprefix("+86")
    return (
        national not in text
        and "+86" + national[:3] not in text
        and "****" + national[-4:] not in text
        and "****" not in text
    )


def _numbered(user, phone: str):
    """``user`` with ``phone``: one sharing no part with another's (test users'
    numbers all start +86138, and a page shows its reader's own)."""
    user.phone = phone
    user.save(update_fields=["phone"])
    return user


def _buyers_page(client, user, product) -> str:
    client.force_login(user)
    before = (timezone.now() + timedelta(days=2)).date().isoformat()
    return client.get(
        "/pooling/buyers/", {"product": product.public_id, "before": before}
    ).content.decode()


def test_shoppers_found_are_named_by_their_place_with_no_part_of_their_number(
    client, planned
):
    # given a shopper who opted in to be found, and one looking (in English)
    planner = _numbered(planned["open"], "+8615011112222")
    asker = make_user(preferred_language="en")
    # when the one looking searches, in the API and on the page
    [found] = _buyers(client, asker, planned["tea"])
    page = _buyers_page(client, asker, planned["tea"])
    # then the shopper is "Shopper 1", and no part of their number is shown
    assert found["label"] == "Shopper 1"
    assert found["phone"] is None
    assert _hides_number(str(found), planner.phone)
    assert "Shopper 1 · " in page
    assert _hides_number(page, planner.phone)


def test_a_contact_request_shows_no_part_of_a_number_until_it_is_accepted(
    client, planned
):
    # given a shopper reading English who asks the planner to connect
    planner = _numbered(planned["open"], "+8615011112222")
    asker = _numbered(make_user(preferred_language="en"), "+8618765432109")
    planner.preferred_language = "en"
    planner.save(update_fields=["preferred_language"])
    asked = _ask(client, asker, planned)
    contact_id = asked["id"]
    # then, before an answer, neither side sees any part of the other's number:
    # the API names the other side by what they did, the pages too
    assert (asked["label"], asked["phone"]) == ("The shopper you asked", None)
    sides = (
        (asker, planner, "The shopper you asked"),
        (planner, asker, "The shopper who asked you"),
    )
    for viewer, other, label in sides:
        [row] = client.get("/api/pooling/contacts", headers=auth(viewer)).json()[
            "items"
        ]
        assert (row["label"], row["phone"]) == (label, None)
        client.force_login(viewer)
        buyers = client.get("/pooling/buyers/").content.decode()
        contact = client.get(f"/pooling/contacts/{contact_id}/").content.decode()
        assert f"Tea · {label}" in buyers
        assert "number hidden" in contact
        for text in (str(row), buyers, contact):
            assert _hides_number(text, other.phone), (viewer, text)
    # and a message's author, were one named before the answer, is a seat
    contact = ContactRequest.objects.get(public_id=contact_id)
    with translation.override("en"):
        assert [
            selectors.contact_author_label(contact=contact, user=user)
            for user in (asker, planner)
        ] == ["Shopper A", "Shopper B"]
    # when the planner accepts, both see the other's number in full
    accepted = _answer(client, planner, contact_id, True).json()
    assert (accepted["label"], accepted["phone"]) == (asker.phone, asker.phone)
    for viewer, other, _label in sides:
        [row] = client.get("/api/pooling/contacts", headers=auth(viewer)).json()[
            "items"
        ]
        assert (row["label"], row["phone"]) == (other.phone, other.phone)
        client.force_login(viewer)
        page = client.get(f"/pooling/contacts/{contact_id}/").content.decode()
        assert f'<span id="contact-phone">{other.phone}</span>' in page


def test_a_declined_request_never_shows_the_number(client, planned):
    planner = _numbered(planned["open"], "+8615011112222")
    asker = _numbered(make_user(), "+8618765432109")
    contact_id = _ask(client, asker, planned)["id"]
    declined = _answer(client, planner, contact_id, False).json()
    assert declined["phone"] is None
    assert _hides_number(str(declined), asker.phone)
    [row] = client.get("/api/pooling/contacts", headers=auth(asker)).json()["items"]
    assert row["phone"] is None
    assert _hides_number(str(row), planner.phone)


def test_contact_exchanged_only_after_the_other_side_accepts(client, planned):
    asker = make_user()
    asked = _ask(client, asker, planned)
    assert asked["phone"] is None
    assert Notification.objects.filter(
        kind="pooling.contact", recipient=planned["open"]
    ).exists()
    # the asker cannot answer their own request; strangers and merchants see nothing
    for intruder in (asker, make_user(), planned["owner"]):
        assert _answer(client, intruder, asked["id"], True).status_code == 404
    assert ContactRequest.objects.get().state == "pending"
    accepted = _answer(client, planned["open"], asked["id"], True)
    assert accepted.json()["phone"] == asker.phone
    mine = client.get("/api/pooling/contacts", headers=auth(asker)).json()
    assert mine["total"] == 1
    assert mine["items"][0]["phone"] == planned["open"].phone
    assert _answer(client, planned["open"], asked["id"], False).status_code == 409


def test_hidden_shoppers_cannot_be_asked(client, planned):
    response = client.post(
        "/api/pooling/contacts",
        {
            "cart_id": planned["hidden_cart"].public_id,
            "product_id": planned["tea"].public_id,
        },
        content_type="application/json",
        headers=auth(make_user()),
    )
    assert response.status_code == 404
    assert ContactRequest.objects.count() == 0


def test_buyers_page_lists_and_asks(client, planned):
    client.force_login(make_user())
    before = (timezone.now() + timedelta(days=2)).date().isoformat()
    page = client.get(
        "/pooling/buyers/", {"product": planned["tea"].public_id, "before": before}
    )
    assert planned["open_cart"].public_id in page.content.decode()
    client.post(
        f"/pooling/buyers/?product={planned['tea'].public_id}&before={before}",
        {"cart": planned["open_cart"].public_id, "product": planned["tea"].public_id},
    )
    assert ContactRequest.objects.get().recipient == planned["open"]


def test_a_shopper_already_asked_is_not_offered_to_be_asked_again(client, planned):
    # given a shopper looking (in English), who asked the one found, and another
    # shopper who did not
    asker = make_user(preferred_language="en")
    other = make_user(preferred_language="en")
    asked = _ask(client, asker, planned)
    # when each searches again, on the page and in the API
    page = _buyers_page(client, asker, planned["tea"])
    [found] = _buyers(client, asker, planned["tea"])
    # then the asker's row leads to their request instead of offering to ask
    # again (which was only refused: "You already asked this shopper.")
    assert found["contact_id"] == asked["id"]
    assert f'href="/pooling/contacts/{asked["id"]}/"' in page
    assert "Asked: see the request" in page
    assert "Ask to connect" not in page
    # and the other still may ask, and sees no one else's request
    [theirs] = _buyers(client, other, planned["tea"])
    assert theirs["contact_id"] is None
    page = _buyers_page(client, other, planned["tea"])
    assert "Ask to connect" in page
    assert asked["id"] not in page


def test_accepting_opens_a_chat_between_the_two_sides(client, planned):
    asker, recipient = make_user(), planned["open"]
    contact_id = _ask(client, asker, planned)["id"]
    # no chat before the answer, for either side
    for user in (asker, recipient):
        assert _say(client, user, contact_id, "hello").status_code == 409
        assert _read(client, user, contact_id).status_code == 409
    assert ContactMessage.objects.count() == 0

    assert _answer(client, recipient, contact_id, True).json()["chat_open"] is True
    told = Notification.objects.get(kind="pooling.contact_answered", recipient=asker)
    assert told.url == f"/pooling/contacts/{contact_id}/"
    assert _say(client, asker, contact_id, "  Saturday at 10?  ").status_code == 201
    reply = _say(client, recipient, contact_id, "OK, at the entrance")
    # each message is labelled with its author's number, shown in full as the
    # page shows both numbers once accepted (it was "+86138****0002")
    assert reply.json()["author"] == recipient.phone
    for user in (asker, recipient):
        history = _read(client, user, contact_id).json()
        assert [(m["author"], m["body"]) for m in history] == [
            (asker.phone, "Saturday at 10?"),
            (recipient.phone, "OK, at the entrance"),
        ]
        assert [m["is_mine"] for m in history] == [user == asker, user == recipient]
    client.force_login(asker)
    page = client.get(f"/pooling/contacts/{contact_id}/").content.decode()
    assert f"<strong>{recipient.phone}</strong>" in page
    assert mask_phone(recipient.phone) not in page


def test_a_contact_message_sent_twice_with_its_key_is_stored_once(client, planned):
    # given an accepted contact request
    asker, recipient = make_user(), planned["open"]
    contact_id = _ask(client, asker, planned)["id"]
    _answer(client, recipient, contact_id, True)
    url = f"/api/pooling/contacts/{contact_id}/messages"
    sent = {"body": "Saturday at 10?", "client_key": "a1b2c3"}

    def say(user, payload):
        return client.post(
            url, payload, content_type="application/json", headers=auth(user)
        )

    # when the asker's Send is clicked twice
    first, second = say(asker, sent), say(asker, sent)
    # then one message is stored and both answers are it
    assert [first.status_code, second.status_code] == [201, 201]
    assert second.json() == first.json()
    assert ContactMessage.objects.count() == 1
    # the other side's message with the same key is theirs, stored too
    assert say(recipient, sent).status_code == 201
    assert ContactMessage.objects.count() == 2


def test_the_chat_form_without_javascript_stores_a_resent_message_once(client, planned):
    # given the contact page of an accepted request, its form with a key
    asker, recipient = make_user(), planned["open"]
    contact_id = _ask(client, asker, planned)["id"]
    _answer(client, recipient, contact_id, True)
    client.force_login(asker)
    page = client.get(f"/pooling/contacts/{contact_id}/").content.decode()
    [key] = re.findall(r'name="client_key" value="([0-9a-f]{32})"', page)
    # when the form is sent twice (a double click without JavaScript)
    for _twice in range(2):
        client.post(
            f"/pooling/contacts/{contact_id}/chat/",
            {"body": "see you there", "client_key": key},
        )
    # then the message is stored once, and the page's next form has a new key
    assert list(ContactMessage.objects.values_list("body", flat=True)) == [
        "see you there"
    ]
    page = client.get(f"/pooling/contacts/{contact_id}/").content.decode()
    assert f'value="{key}"' not in page
    assert 'id="chat-error"' in page and 'aria-live="assertive"' in page


def test_another_shopper_or_merchant_cannot_read_or_post(client, planned):
    asker, recipient = make_user(), planned["open"]
    contact_id = _ask(client, asker, planned)["id"]
    _answer(client, recipient, contact_id, True)
    _say(client, asker, contact_id, "private")
    for intruder in (make_user(), planned["owner"]):
        assert _read(client, intruder, contact_id).status_code == 404
        assert _say(client, intruder, contact_id, "me too").status_code == 404
        client.force_login(intruder)
        assert client.get(f"/pooling/contacts/{contact_id}/").status_code == 404
        assert (
            client.post(
                f"/pooling/contacts/{contact_id}/chat/", {"body": "me too"}
            ).status_code
            == 404
        )
    assert list(ContactMessage.objects.values_list("body", flat=True)) == ["private"]


def test_each_side_is_told_the_product_in_their_own_language(planned):
    # given a shopper reading Chinese who asks one reading English to connect
    asker = make_user(preferred_language="zh-hans")
    recipient = planned["open"]
    recipient.preferred_language = "en"
    recipient.save(update_fields=["preferred_language"])
    with translation.override("zh-hans"):
        contact = services.contact_request(
            actor=asker, cart=planned["open_cart"], product=planned["tea"]
        )
    # when the one reading English accepts, on an English page
    with translation.override("en"):
        services.contact_answer(actor=recipient, contact=contact, accept=True)
    # then each is told of the product by its name in their own language
    asked = Notification.objects.get(kind="pooling.contact", recipient=recipient)
    assert asked.title == "A shopper also plans to buy Tea"
    assert "茶" in asked.texts["zh-hans"]["title"]
    answered = Notification.objects.get(
        kind="pooling.contact_answered", recipient=asker
    )
    assert "茶" in answered.body and "Tea" not in answered.body
    assert answered.texts["en"]["body"] == "About Tea."


def test_a_declined_request_keeps_the_chat_closed(client, planned):
    asker = make_user()
    contact_id = _ask(client, asker, planned)["id"]
    assert _answer(client, planned["open"], contact_id, False).status_code == 200
    told = Notification.objects.get(kind="pooling.contact_answered", recipient=asker)
    assert told.data["state"] == "declined"
    assert told.url == "/pooling/buyers/"
    assert _say(client, asker, contact_id, "please?").status_code == 409
    assert _say(client, planned["open"], contact_id, "no").status_code == 409
    assert ContactMessage.objects.count() == 0


@pytest.mark.parametrize("body", ["", "   ", "x" * 501])
def test_an_empty_or_too_long_message_is_refused(client, planned, body):
    asker = make_user()
    contact_id = _ask(client, asker, planned)["id"]
    _answer(client, planned["open"], contact_id, True)
    response = _say(client, asker, contact_id, body)
    assert response.status_code == 400
    assert ContactMessage.objects.count() == 0


def test_the_contact_page_answers_and_chats_without_javascript(client, planned):
    asker, recipient = make_user(), planned["open"]
    contact_id = _ask(client, asker, planned)["id"]
    client.force_login(recipient)
    page = client.get(f"/pooling/contacts/{contact_id}/").content.decode()
    assert 'id="contact-accept"' in page and 'id="contact-chat"' not in page
    assert asker.phone not in page  # masked until accepted
    client.post(f"/pooling/contacts/{contact_id}/answer/", {"answer": "accept"})
    client.post(f"/pooling/contacts/{contact_id}/chat/", {"body": "see you there"})
    client.force_login(asker)
    page = client.get(f"/pooling/contacts/{contact_id}/").content.decode()
    assert 'id="contact-chat"' in page and "see you there" in page
    assert recipient.phone in page
    # posting twice to the answer form changes nothing and says why
    client.force_login(recipient)
    again = client.post(
        f"/pooling/contacts/{contact_id}/answer/", {"answer": "decline"}, follow=True
    )
    with translation.override(recipient.preferred_language):
        assert _("You already answered.") in again.content.decode()
    assert ContactRequest.objects.get().state == "accepted"


def test_erasing_one_side_removes_the_conversation(client, planned):
    from groupbuy.pooling.personal_data import PoolingPersonalData

    asker = make_user()
    contact_id = _ask(client, asker, planned)["id"]
    _answer(client, planned["open"], contact_id, True)
    _say(client, asker, contact_id, "my address is 1 Road")
    exported = PoolingPersonalData().export(asker).records["contact_messages"]
    assert [(m["contact"], m["body"]) for m in exported] == [
        (contact_id, "my address is 1 Road")
    ]
    PoolingPersonalData().erase(asker)
    assert ContactMessage.objects.count() == 0


def test_the_buyers_page_lists_contact_requests_a_page_at_a_time(
    client, planned, settings
):
    settings.GROUPBUY_PAGE_SIZE = 3  # 4 requests make a second page
    recipient = planned["open"]
    for _request in range(4):
        ContactRequest.objects.create(
            requester=make_user(),
            recipient=recipient,
            cart=planned["open_cart"],
            product=planned["tea"],
        )
    client.force_login(recipient)
    first = client.get("/pooling/buyers/").content.decode()
    second = client.get("/pooling/buyers/", {"page": 2}).content.decode()
    assert first.count('class="row wrap contact"') == 3
    assert second.count('class="row wrap contact"') == 1
    assert 'id="page-next"' in first and 'id="page-previous"' in second


def test_the_shoppers_found_come_a_page_at_a_time_beside_the_requests(
    client, planned, settings
):
    settings.GROUPBUY_PAGE_SIZE = 3  # the 5 shoppers found make two pages
    now = timezone.now()
    for _shopper in range(4):
        user = make_user()
        services.profile_update(
            actor=user, max_group_size=4, max_walk_m=500, is_discoverable=True
        )
        services.cart_report(
            actor=user,
            branch=planned["open_cart"].branch,
            kind="intended",
            amount_fen=5_000,
            items=[
                {
                    "product_id": planned["tea"].public_id,
                    "unit_price_fen": 0,
                    "quantity": 1,
                }
            ],
            window_start_at=now + timedelta(hours=1),
            window_end_at=now + timedelta(hours=2),
        )
    client.force_login(make_user())
    search = {
        "product": planned["tea"].public_id,
        "before": (now + timedelta(days=2)).date().isoformat(),
    }
    first = client.get("/pooling/buyers/", search).content.decode()
    second = client.get(
        "/pooling/buyers/", {**search, "found_page": 2}
    ).content.decode()
    # 5 found (the fixture's open shopper too): 3, then 2, the search kept
    assert first.count('class="row wrap buyer"') == 3
    assert second.count('class="row wrap buyer"') == 2
    assert 'id="found_page-next"' in first
    assert (
        f"product={planned['tea'].public_id}"
        in first.split('id="found_page-next"')[1][:300]
    )


def test_a_buyer_is_found_behind_any_number_of_other_planned_carts(client, planned):
    # given: one open shopper plans 600 carts of another product, all sooner
    # than the tea cart (the search once scanned only the first 500 carts)
    coffee = Product.objects.create(name_zh="咖啡", name_en="Coffee")
    busy = planned["open"]
    soon = timezone.now() + timedelta(hours=1)
    CartReport.objects.bulk_create(
        CartReport(
            user=busy,
            branch=planned["open_cart"].branch,
            kind="intended",
            amount_fen=1_000,
            items=[
                {"product_id": coffee.public_id, "unit_price_fen": 0, "quantity": 1}
            ],
            window_start_at=soon,
            window_end_at=soon + timedelta(hours=1),
        )
        for _cart in range(600)
    )
    # when / then: the tea cart is still found, and nothing else
    found = _buyers(client, make_user(), planned["tea"])
    assert [b["cart_id"] for b in found] == [planned["open_cart"].public_id]


def test_upgrading_links_the_products_already_in_reported_carts(planned):
    from django.apps import apps

    migration = importlib.import_module(
        "groupbuy.pooling.migrations.0008_cart_products"
    )
    cart = planned["open_cart"]
    cart.products.clear()  # as a cart reported before the upgrade
    listed_nothing = CartReport.objects.create(
        user=planned["open"],
        branch=cart.branch,
        kind="purchase",
        amount_fen=100,
        items=[{"product_id": "prd_gone", "unit_price_fen": 100, "quantity": 1}],
        window_start_at=cart.window_start_at,
        window_end_at=cart.window_end_at,
    )
    migration.link_products(apps, None)
    assert list(cart.products.all()) == [planned["tea"]]
    assert not listed_nothing.products.exists()


def test_a_long_contact_chat_shows_its_last_messages_and_links_the_earlier(
    client, planned, settings
):
    # given chats of 5 messages a page (50 in production) and a chat of 7
    settings.GROUPBUY_CHAT_PAGE_SIZE = 5
    asker, recipient = make_user(), planned["open"]
    contact_id = _ask(client, asker, planned)["id"]
    _answer(client, recipient, contact_id, True)
    for number in range(7):
        said = _say(client, (asker, recipient)[number % 2], contact_id, f"n{number}:")
        assert said.status_code == 201
    # the API: the last 5, then the 2 before the first of them
    last = _read(client, asker, contact_id).json()
    assert [m["body"] for m in last] == [f"n{n}:" for n in range(2, 7)]
    earlier = client.get(
        f"/api/pooling/contacts/{contact_id}/messages",
        {"before": last[0]["id"]},
        headers=auth(recipient),
    ).json()
    assert [m["body"] for m in earlier] == [f"n{n}:" for n in range(2)]
    # the page: the last 5 and a link to the earlier ones, which works without
    # JavaScript and refuses a message of no chat of this contact
    client.force_login(recipient)
    page = client.get(f"/pooling/contacts/{contact_id}/").content.decode()
    assert 'id="chat-earlier"' in page
    assert "n2:" in page and "n1:" not in page
    older = client.get(
        f"/pooling/contacts/{contact_id}/", {"before": last[0]["id"]}
    ).content.decode()
    assert "n1:" in older and "n2:" not in older
    assert 'id="chat-earlier"' not in older
    missing = client.get(f"/pooling/contacts/{contact_id}/", {"before": "msg_none"})
    assert missing.status_code == 404


def test_a_product_past_the_first_200_is_found_by_searching_and_can_be_asked_for(
    client, planned
):
    # given: a catalog where tea sorts after 250 other products
    Product.objects.bulk_create(
        Product(name_zh=f"商品{number:03d}", name_en=f"Item {number}")
        for number in range(250)
    )
    planned["tea"].name_zh = "龙井茶"
    planned["tea"].save(update_fields=["name_zh"])
    tea = planned["tea"].public_id
    shopper = make_user()
    client.force_login(shopper)
    page = client.get("/pooling/buyers/").content.decode()
    assert f'value="{tea}"' not in page  # the first 200 by name only
    # when the shopper searches the catalog, tea is offered, with nothing asked yet
    found = client.get("/pooling/buyers/", {"q": "龙井"}).content.decode()
    assert f'value="{tea}"' in found
    assert 'id="product-search-note"' in found and "errorlist" not in found
    # then the search for its buyers, sent without ?q=, still accepts it
    before = (timezone.now() + timedelta(days=2)).date().isoformat()
    result = client.get("/pooling/buyers/", {"product": tea, "before": before})
    assert result.content.decode().count('class="row wrap buyer"') == 1
    nothing = client.get("/pooling/buyers/", {"q": "no such thing"}).content.decode()
    with translation.override(shopper.preferred_language):
        none_found = _("No product matches “%(query)s”.") % {"query": "no such thing"}
    assert none_found in nothing


def test_a_cart_can_be_reported_with_a_product_found_by_searching(client, planned):
    Product.objects.bulk_create(
        Product(name_zh=f"商品{number:03d}") for number in range(250)
    )
    oil = Product.objects.create(name_zh="鲁花花生油", name_en="Peanut oil")
    shopper = make_user()
    client.force_login(shopper)
    assert (
        f'value="{oil.public_id}"' not in client.get("/pooling/carts/").content.decode()
    )
    assert (
        f'value="{oil.public_id}"'
        in client.get("/pooling/carts/", {"q": "花生油"}).content.decode()
    )
    now = timezone.localtime()
    sent = client.post(
        "/pooling/carts/",  # the form posts to the page as it was opened
        {
            "branch": planned["open_cart"].branch.public_id,
            "kind": "intended",
            "product": oil.public_id,
            "unit_price": "59.90",
            "quantity": 1,
            "window_start_at": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "window_end_at": (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert sent.status_code == 302
    [cart] = CartReport.objects.filter(user=shopper)
    assert list(cart.products.all()) == [oil]


def test_the_buyers_date_starts_a_week_ahead(client, db):
    client.force_login(make_user())
    html = client.get("/pooling/buyers/").content.decode()
    week_ahead = (timezone.localdate() + timedelta(days=7)).isoformat()
    assert f'type="date" name="before" value="{week_ahead}"' in html


def test_a_shopper_found_is_at_the_branch_named_in_the_readers_language(
    client, planned
):
    # given a planned cart at a branch with a Chinese and an English name
    branch = planned["open_cart"].branch
    branch.name, branch.name_en = "人民广场店", "Peoples Square"
    branch.save(update_fields=["name", "name_en"])
    for language, name, other in (
        ("en", "Peoples Square", "人民广场店"),
        ("zh-hans", "人民广场店", "Peoples Square"),
    ):
        # when a shopper reading that language searches
        asker = make_user(preferred_language=language)
        [found] = _buyers(client, asker, planned["tea"])
        page = _buyers_page(client, asker, planned["tea"])
        # then the API and the page name the branch in their language
        assert found["branch"] == name
        assert f" · {name} · " in page and other not in page


def test_a_waiting_request_tells_each_side_whose_answer_it_waits_for(client, planned):
    # given a request waiting for the planner's answer, both sides reading English
    planner = planned["open"]
    planner.preferred_language = "en"
    planner.save(update_fields=["preferred_language"])
    asker = make_user(preferred_language="en")
    contact_id = _ask(client, asker, planned)["id"]
    for viewer, state in (
        (asker, "Waiting for their answer"),
        (planner, "Waiting for your answer"),
    ):
        # when each opens the buyers page and the request's page
        client.force_login(viewer)
        buyers = client.get("/pooling/buyers/").content.decode()
        contact = client.get(f"/pooling/contacts/{contact_id}/").content.decode()
        # then the state says whose answer it waits for
        assert f'<span class="pill info">{state}</span>' in buyers
        assert f'id="contact-state">{state}</span>' in contact
        assert "Waiting for an answer" not in buyers + contact
    # and once answered, both read the answer
    _answer(client, planner, contact_id, True)
    for viewer in (asker, planner):
        client.force_login(viewer)
        contact = client.get(f"/pooling/contacts/{contact_id}/").content.decode()
        assert 'id="contact-state">Accepted</span>' in contact


def test_another_shopper_or_merchant_lists_nothing_of_a_request(client, planned):
    # given a request waiting between two shoppers
    asker = make_user(preferred_language="en")
    contact_id = _ask(client, asker, planned)["id"]
    for intruder in (make_user(preferred_language="en"), planned["owner"]):
        # when another shopper, or the shop's owner, lists their own requests
        listed = client.get("/api/pooling/contacts", headers=auth(intruder)).json()
        client.force_login(intruder)
        page = client.get("/pooling/buyers/").content.decode()
        # then it is not among them, and its page is not theirs to open
        assert listed["total"] == 0
        assert contact_id not in page and 'class="row wrap contact"' not in page
        assert client.get(f"/pooling/contacts/{contact_id}/").status_code == 404


def test_the_api_says_each_side_whose_answer_a_request_waits_for(client, planned):
    # given a request from a shopper reading English to a planner reading Chinese
    planner = planned["open"]
    planner.preferred_language = "zh-hans"
    planner.save(update_fields=["preferred_language"])
    asker = make_user(preferred_language="en")
    # when the asker sends it and each side lists their requests
    asked = _ask(client, asker, planned)
    [theirs] = client.get("/api/pooling/contacts", headers=auth(planner)).json()[
        "items"
    ]
    # then each reads whose answer it waits for, in their own language
    assert asked["state_label"] == "Waiting for their answer"
    with translation.override("zh-hans"):
        assert theirs["state_label"] == _("Waiting for your answer")
    # and once the planner accepts, both read it, each in their language
    answered = _answer(client, planner, asked["id"], True)
    [mine] = client.get("/api/pooling/contacts", headers=auth(asker)).json()["items"]
    assert (answered.json()["state"], answered.json()["state_label"]) == (
        "accepted",
        "已接受",
    )
    assert mine["state_label"] == "Accepted"
