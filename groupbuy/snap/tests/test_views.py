"""The snap page and the operator pages, through Django's test client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from groupbuy.catalog.models import Branch, ProductImage
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_category,
    make_gtin13,
    make_listing,
    make_merchant,
    make_merchant_member,
    make_operator,
    make_product,
    make_user,
)
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.notify.models import Notification
from groupbuy.snap.models import DemandSignal, Snap
from groupbuy.snap.services import demand_record
from groupbuy.snap.tests.helpers import barcode_jpeg, blank_jpeg, make_open_deal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_recogniser")]

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def signed_in(user, **defaults) -> Client:
    client = Client(**defaults)
    client.force_login(user)
    return client


def snap_page_post(client: Client, data: bytes, **headers):
    upload = SimpleUploadedFile("photo.jpg", data, "image/jpeg")
    return client.post("/snap/", {"photo": upload}, **headers)


# --- The shopper's page ----------------------------------------------------------


def test_the_snap_page_opens_the_camera_with_preview_and_progress():
    # when
    response = Client().get("/snap/")
    # then
    assert response.status_code == 200
    html = response.content.decode()
    camera = re.search(r"<input[^>]*id=\"snap-photo\"[^>]*>", html).group(0)
    assert 'type="file"' in camera
    assert 'accept="image/*"' in camera
    assert 'capture="environment"' in camera
    assert 'id="snap-preview"' in html
    assert '<progress id="snap-progress"' in html
    assert "snap/snap.js" in html
    assert 'id="snap-signin-invite"' in html
    assert 'data-max-bytes="10485760"' in html


def test_the_nav_links_to_the_snap_page():
    # when
    html = Client().get("/").content.decode()
    # then
    assert 'id="nav-snap"' in html
    assert 'href="/snap/"' in html


def test_a_signed_in_shopper_is_not_invited_to_sign_in():
    # when
    html = signed_in(make_user()).get("/snap/").content.decode()
    # then
    assert 'id="snap-signin-invite"' not in html


def test_a_snap_shows_the_product_its_deals_and_a_one_tap_join():
    # given
    product = make_product(name_en="Oolong tea")
    deal = make_open_deal(product)
    # when
    response = snap_page_post(
        signed_in(make_user(preferred_language="en")), barcode_jpeg(product.gtin), **XHR
    )
    # then: the fragment snap.js swaps in
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="snap-product-name">Oolong tea<' in html
    assert 'data-method="barcode"' in html
    assert f'id="snap-deal-{deal.public_id}"' in html
    assert f'action="/deals/{deal.public_id}/join/"' in html
    assert 'name="quantity" value="1"' in html
    assert f'data-deadline-ms="{int(deal.deadline_at.timestamp() * 1000)}"' in html


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [
        ("en", "FreshNeighbour Market", "鲜邻超市"),
        ("zh-hans", "鲜邻超市", "FreshNeighbour"),
    ],
)
def test_a_snaps_deal_names_the_shop_in_the_readers_language(
    language, shown, not_shown
):
    # given a deal of a shop with a Chinese and an English name
    product = make_product(name_en="Oolong tea")
    merchant = make_merchant(name="鲜邻超市", name_en="FreshNeighbour Market")
    deal = make_open_deal(product, merchant=merchant)
    # when a shopper reading that language snaps its barcode
    response = snap_page_post(
        signed_in(make_user(preferred_language=language)),
        barcode_jpeg(product.gtin),
        **XHR,
    )
    # then the deal's line names the shop as the deal page does
    html = response.content.decode()
    card = re.search(
        rf'<li class="snap-deal" id="snap-deal-{deal.public_id}".*?</li>', html, re.S
    ).group(0)
    assert shown in card
    assert not_shown not in card


def test_a_snaps_deal_says_its_time_left_once_to_a_screen_reader():
    # given
    product = make_product()
    make_open_deal(product)
    # when
    html = snap_page_post(
        signed_in(make_user(preferred_language="en")), barcode_jpeg(product.gtin), **XHR
    ).content.decode()
    # then the "ends in" before the digits is not read before the countdown's
    # own words ("Less than 2 hours left"), as "Starts in" is not on deal cards
    assert '<span aria-hidden="true">ends in</span>' in html


def test_the_one_tap_join_lands_on_the_pay_page():
    # given
    product = make_product()
    deal = make_open_deal(product)
    shopper = make_user()
    client = signed_in(shopper)
    snap_page_post(client, barcode_jpeg(product.gtin), **XHR)
    # when
    response = client.post(f"/deals/{deal.public_id}/join/", {"quantity": "1"})
    # then
    order = DealOrder.objects.get(deal=deal, shopper=shopper)
    assert response.status_code == 302
    assert order.payment_intent.public_id in response["Location"]


def test_a_deal_card_shows_the_price_a_join_pays_now():
    # given tiers of ¥99 (2 buyers) and ¥89 (4), nobody joined: ¥99 now
    product = make_product()
    make_open_deal(product, list_price_fen=12_900)
    # when
    html = snap_page_post(
        signed_in(make_user(preferred_language="en")), barcode_jpeg(product.gtin), **XHR
    ).content.decode()
    # then the card's price is the button's, the best tier a promise beside it
    assert '<span class="price">¥99.00</span>' in html
    assert "Join for ¥99.00" in html
    assert "as low as ¥89.00" in html
    assert '<span class="price">¥89.00</span>' not in html


def test_a_shop_with_several_branches_asks_where_to_collect_on_the_card():
    # given a deal of a shop with two branches
    product = make_product()
    deal = make_open_deal(product)
    east = Branch.objects.create(merchant=deal.merchant, name="East", address="1 Rd")
    Branch.objects.create(merchant=deal.merchant, name="West", address="2 Rd")
    shopper = make_user(preferred_language="en")
    client = signed_in(shopper)
    # when the shopper snaps it
    response = snap_page_post(client, barcode_jpeg(product.gtin), **XHR)
    # then the card asks where to collect, and the API names the branches
    html = response.content.decode()
    assert f'id="snap-branch-{deal.public_id}" required' in html
    assert f'<option value="{east.public_id}">East</option>' in html
    # and joining with the branch chosen on the card reserves a unit there
    joined = client.post(
        f"/deals/{deal.public_id}/join/",
        {"quantity": "1", "pickup_branch": east.public_id},
    )
    assert joined.status_code == 302
    assert DealOrder.objects.get(deal=deal, shopper=shopper).pickup_branch == east


def test_the_cards_branches_read_in_english_with_their_hours():
    # given a deal of a shop with two branches, one with an English name and hours
    # (until 2026-12-06 the card named 东门店 on English pages, with no times)
    product = make_product()
    deal = make_open_deal(product)
    east = Branch.objects.create(
        merchant=deal.merchant,
        name="东门店",
        name_en="East gate",
        address="1 Rd",
        opening_hours=[{"day": "sat", "opens": "10:00", "closes": "16:00"}],
    )
    Branch.objects.create(merchant=deal.merchant, name="West", address="2 Rd")
    client = signed_in(make_user(preferred_language="en"))
    # when an English reader snaps it, on the page and over the API
    html = snap_page_post(client, barcode_jpeg(product.gtin), **XHR).content.decode()
    upload = SimpleUploadedFile("photo.jpg", barcode_jpeg(product.gtin), "image/jpeg")
    answer = client.post("/api/snap", {"photo": upload}).json()
    # then the card names East gate with its hours, and the API gives both names
    assert (
        f'<option value="{east.public_id}">East gate · Mon–Fri closed; '
        "Sat 10:00–16:00; Sun closed</option>"
    ) in html
    [branch] = [
        b for b in answer["deals"][0]["pickup_branches"] if b["id"] == east.public_id
    ]
    assert (branch["name"], branch["name_en"]) == ("东门店", "East gate")
    assert branch["opening_hours_summary"] == (
        "Mon–Fri closed; Sat 10:00–16:00; Sun closed"
    )


def test_without_javascript_the_form_posts_and_shows_the_whole_page():
    # given
    product = make_product(name_en="Oolong tea")
    # when
    response = snap_page_post(
        signed_in(make_user(preferred_language="en")), barcode_jpeg(product.gtin)
    )
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert 'id="snap-product-name">Oolong tea<' in html


def test_a_product_without_a_deal_promises_a_notice_to_the_signed_in():
    # given
    product = make_product()
    # when
    signed = snap_page_post(signed_in(make_user()), barcode_jpeg(product.gtin), **XHR)
    anonymous = snap_page_post(Client(), barcode_jpeg(product.gtin), **XHR)
    # then
    assert 'id="snap-will-notify"' in signed.content.decode()
    assert 'id="snap-sign-in"' in anonymous.content.decode()
    assert "next=/snap/" in anonymous.content.decode()


def test_a_visitor_is_asked_to_log_in_in_the_headers_words():
    # given a visitor reading English, and a product without a deal
    product = make_product()
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    # when they open the snap page and snap the product
    page = Client().get("/snap/", **english).content.decode()
    answer = snap_page_post(
        Client(), barcode_jpeg(product.gtin), **english, **XHR
    ).content.decode()
    # then both ask them to "Log in", as the header's link says (they said
    # "Sign in" beside the header's "Log in")
    assert re.search(r'id="nav-login">Log in<', page)
    assert re.search(r'<a href="[^"]*next=/snap/">Log in</a> and we will tell', page)
    assert re.search(r'id="snap-sign-in"[^>]*>Log in to be told<', answer)
    assert "No group buy for this yet. Log in and snap it again" in answer
    assert "Sign in" not in page + answer


def test_nothing_recognisable_shows_the_hint():
    # when
    response = snap_page_post(
        signed_in(make_user(preferred_language="en")), blank_jpeg(), **XHR
    )
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="snap-not-recognised"' in html
    assert "Move closer" in html


def test_a_barcode_not_in_the_catalog_links_to_ask_for_the_product():
    # given
    unknown = make_gtin13()
    # when
    response = snap_page_post(
        signed_in(make_user(preferred_language="en")), barcode_jpeg(unknown), **XHR
    )
    # then
    html = response.content.decode()
    assert 'id="snap-ask-for-product"' in html
    assert f'href="/demands/new/?barcode={unknown}"' in html
    assert "Ask for this product" in html


def _snap_suggesting(client, product, method: str) -> str:
    """Take a snap and make its stored answer suggest ``product`` by ``method``."""
    snap_id = re.search(
        r'data-snap-id="([^"]+)"',
        snap_page_post(client, blank_jpeg(), **XHR).content.decode(),
    ).group(1)
    snap = Snap.objects.get(public_id=snap_id)
    snap.result = {
        "candidates": [
            {
                "kind": "product",
                "value": product.public_id,
                "confidence": 0.3,
                "method": method,
                "detail": {},
            }
        ]
    }
    snap.save(update_fields=["result"])
    return snap_id


@pytest.mark.parametrize(
    "language, expected, bare",
    [
        ("en", "Looks like Bananas", "Bananas appearance"),
        # (the phrase's Chinese, 看起来像 海南香蕉, comes with the translations)
        ("zh-hans", "海南香蕉", "海南香蕉 外观"),
    ],
)
def test_a_suggestion_says_how_it_was_found_in_a_phrase(language, expected, bare):
    # given
    from django.template.loader import render_to_string
    from django.utils import translation

    from groupbuy.snap.answers import answer_for_snap

    user = make_user(preferred_language=language)
    bananas = make_product(name_zh="海南香蕉", name_en="Bananas")
    snap = Snap.objects.get(
        public_id=_snap_suggesting(signed_in(user), bananas, "appearance")
    )
    # when
    with translation.override(language):
        answer = answer_for_snap(snap, user=user)
        html = render_to_string("snap/_result.html", {"answer": answer})
    # then
    reason = answer["alternatives"][0]["reason"]
    assert expected in reason[:1].upper() + reason[1:]
    assert expected in html
    assert bare not in " ".join(html.split())


def test_a_photo_of_a_kind_says_what_it_looks_like_not_not_recognised():
    # given a snap the category model took for bananas, a kind the catalog has
    from django.template.loader import render_to_string
    from django.utils import translation

    from groupbuy.snap.answers import answer_for_snap

    user = make_user(preferred_language="en")
    kind = make_category(slug="banana", name_en="Bananas", name_zh="香蕉")
    deal = make_open_deal(make_product(category=kind))
    snap_id = _snap_suggesting(signed_in(user), make_product(), "appearance")
    snap = Snap.objects.get(public_id=snap_id)
    snap.result = {
        "candidates": [
            {
                "kind": "category",
                "value": "banana",
                "confidence": 0.7,
                "method": "appearance",
                "detail": {"is_leaf": True},
            }
        ]
    }
    snap.save(update_fields=["result"])
    # when
    with translation.override("en"):
        html = render_to_string(
            "snap/_result.html", {"answer": answer_for_snap(snap, user=user)}
        )
    # then
    assert "It looks like Bananas" in html
    assert f'id="snap-deal-{deal.public_id}"' in html
    assert "Not recognised" not in html


def test_a_bad_file_shows_the_refusal_with_its_status():
    # when
    response = snap_page_post(Client(), b"not a photo at all, just text", **XHR)
    # then
    assert response.status_code == 415
    html = response.content.decode()
    assert 'id="snap-error"' in html
    assert 'data-code="unsupported_format"' in html
    assert not Snap.objects.exists()


def test_a_too_large_upload_is_refused_before_parsing(settings):
    # given
    settings.GROUPBUY_SNAP_MAX_UPLOAD_BYTES = 1024
    # when
    response = snap_page_post(Client(), b"\xff\xd8\xff" + bytes(40_000), **XHR)
    # then
    assert response.status_code == 413
    assert 'data-code="too_large"' in response.content.decode()
    assert not Snap.objects.exists()


def test_the_page_checks_csrf():
    # given
    client = Client(enforce_csrf_checks=True)
    # when
    response = snap_page_post(client, blank_jpeg(), **XHR)
    # then
    assert response.status_code == 403
    assert not Snap.objects.exists()


def test_choosing_an_alternative_shows_its_deals():
    # given
    owner = make_user()
    lamp = make_product()
    deal = make_open_deal(lamp)
    client = signed_in(owner)
    snap_id = re.search(
        r'data-snap-id="([^"]+)"',
        snap_page_post(client, blank_jpeg(), **XHR).content.decode(),
    ).group(1)
    snap = Snap.objects.get(public_id=snap_id)
    snap.result = {
        "candidates": [
            {
                "kind": "product",
                "value": lamp.public_id,
                "confidence": 0.3,
                "method": "name",
                "detail": {},
            }
        ]
    }
    snap.save(update_fields=["result"])
    # when
    response = client.post(
        f"/snap/{snap_id}/choose/", {"product": lamp.public_id}, **XHR
    )
    # then
    assert response.status_code == 200
    assert f'id="snap-deal-{deal.public_id}"' in response.content.decode()
    assert Snap.objects.get(pk=snap.pk).product == lamp


# --- Operator pages --------------------------------------------------------------


def test_operator_pages_are_for_operators():
    # given
    product = make_product()
    urls = [
        "/snap/operator/",
        "/snap/operator/demand/fragment/",
        f"/snap/operator/launch/{product.public_id}/",
        "/snap/operator/queue/",
        "/snap/operator/products/?q=x",
    ]
    shopper = signed_in(make_user())
    # then
    for url in urls:
        assert Client().get(url).status_code == 302, url
        assert shopper.get(url).status_code == 403, url


def test_the_operators_product_search_finds_a_chinese_name_typed_as_pinyin():
    # given
    lamp = make_product(name_zh="台灯", name_en="")
    make_product(name_zh="香蕉", name_en="")
    client = signed_in(make_operator(preferred_language="en"))
    # when
    html = client.get("/snap/operator/products/?q=taideng").content.decode()
    # then
    assert f'value="{lamp.public_id}"' in html
    assert "香蕉" not in html


def test_the_demand_page_ranks_products_with_sparklines(settings):
    # given
    settings.GROUPBUY_DEMAND_THRESHOLD = 1
    popular, quiet = make_product(), make_product()
    for _ in range(3):
        demand_record(actor=make_user(), product=popular)
    demand_record(actor=make_user(), product=quiet)
    # when
    response = signed_in(make_operator()).get("/snap/operator/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(f'id="demand-{popular.public_id}"') < html.index(
        f'id="demand-{quiet.public_id}"'
    )
    assert html.count('<svg class="sparkline"') == 2
    assert f'href="/snap/operator/launch/{popular.public_id}/"' in html
    # and each product's details can be corrected from its row
    assert f'href="/operator/products/{popular.public_id}/correct/"' in html


def test_the_dashboard_loads_the_demand_alerts():
    # given
    settings_threshold_product = make_product()
    # when
    dashboard = signed_in(make_operator()).get("/operator/").content.decode()
    # then
    assert 'hx-get="/snap/operator/demand/fragment/"' in dashboard
    assert settings_threshold_product.public_id not in dashboard


def test_the_alerts_fragment_lists_products_past_their_threshold(settings):
    # given
    settings.GROUPBUY_DEMAND_THRESHOLD = 1
    wanted, waiting = make_product(), make_product()
    demand_record(actor=make_user(), product=wanted)
    demand_record(actor=make_user(), product=wanted)
    demand_record(actor=make_user(), product=waiting)
    # when
    response = signed_in(make_operator()).get("/snap/operator/demand/fragment/")
    # then
    html = response.content.decode()
    assert f"/snap/operator/launch/{wanted.public_id}/" in html
    assert f"/snap/operator/launch/{waiting.public_id}/" not in html
    assert "<html" not in html


def _listing_at_a_shop(**overrides):
    """A listing by a merchant with a branch: one that can sell in a deal."""
    listing = make_listing(**overrides)
    make_branch(merchant=listing.merchant)
    return listing


def test_the_launch_form_is_prefilled_from_demand():
    # given
    product = make_product(name_en="Desk lamp")
    listing = _listing_at_a_shop(product=product, price_fen=5000)
    for _ in range(3):
        demand_record(actor=make_user(), product=product)
    operator = make_operator(preferred_language="en")
    # when
    response = signed_in(operator).get(f"/snap/operator/launch/{product.public_id}/")
    # then
    form = response.context["form"]
    assert form.initial["title"] == "Group buy: Desk lamp"
    assert form.initial["merchant"] == listing.merchant.public_id
    assert form.initial["tier1_buyers"] == 3
    assert (form.initial["list_price"], form.initial["tier1_price"]) == (5000, 4500)
    assert 'name="list_price" value="50.00"' in response.content.decode()
    assert 'id="launch-demand"' in response.content.decode()
    correct = f'href="/operator/products/{product.public_id}/correct/"'
    assert correct in response.content.decode()


@pytest.mark.parametrize(
    "language, shown, not_shown",
    [("en", "Fresh Fruit Shop", "鲜果铺"), ("zh-hans", "鲜果铺", "Fresh Fruit Shop")],
)
def test_the_launch_form_names_the_shops_in_the_operators_language(
    language, shown, not_shown
):
    # given a shop with a Chinese and an English name that can sell the product
    product = make_product(name_en="Desk lamp")
    shop = make_merchant(name="鲜果铺", name_en="Fresh Fruit Shop")
    _listing_at_a_shop(product=product, price_fen=5000, merchant=shop)
    operator = make_operator(preferred_language=language)
    # when
    response = signed_in(operator).get(
        f"/snap/operator/launch/{product.public_id}/", HTTP_ACCEPT_LANGUAGE=language
    )
    # then the everyday prices and the shop chooser name it in that language
    html = response.content.decode()
    assert re.search(rf'<option value="{shop.public_id}"[^>]*>{shown}</option>', html)
    assert f"{shown} ¥50.00" in html
    assert not_shown not in html


def _launch_data(merchant, **overrides):
    now = timezone.localtime()
    data = {
        "merchant": merchant.public_id,
        "title": "Desk lamp group buy",
        "list_price": "50.00",
        "tier1_buyers": "3",
        "tier1_price": "45.00",
        "tier2_buyers": "10",
        "tier2_price": "39.90",
        "stock": "50",
        "max_quantity_per_order": "5",
        "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
        "deadline_at": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "description": "",
    }
    data.update(overrides)
    return data


def test_launching_opens_the_deal_and_tells_the_requesters():
    # given
    product = make_product()
    listing = _listing_at_a_shop(product=product, price_fen=5000)
    requesters = [make_user(), make_user()]
    for person in requesters:
        demand_record(actor=person, product=product)
    client = signed_in(make_operator())
    # when
    response = client.post(
        f"/snap/operator/launch/{product.public_id}/", _launch_data(listing.merchant)
    )
    # then
    assert response.status_code == 302
    deal = Deal.objects.get(product=product)
    assert deal.state == Deal.State.OPEN
    assert [(t.min_participants, t.price_fen) for t in deal.tiers.all()] == [
        (3, 4500),
        (10, 3990),
    ]
    assert deal.list_price_fen == 5000
    told = Notification.objects.filter(kind="snap.demand.deal_launched")
    assert sorted(n.recipient_id for n in told) == sorted(p.pk for p in requesters)
    assert DemandSignal.objects.get().fulfilled_deal == deal


def test_a_launch_starting_in_the_past_is_refused_as_by_the_deal_api():
    # given
    product = make_product()
    listing = _listing_at_a_shop(product=product, price_fen=5000)
    operator = make_operator(preferred_language="en")
    # when
    response = signed_in(operator).post(
        f"/snap/operator/launch/{product.public_id}/",
        _launch_data(listing.merchant, starts_at="2020-01-01T00:00"),
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"] == [
        "The start has passed: choose a time from now on, or leave it empty to "
        "start now."
    ]
    assert not Deal.objects.exists()


def test_a_launch_with_no_start_opens_now():
    # given
    product = make_product()
    listing = _listing_at_a_shop(product=product, price_fen=5000)
    before = timezone.now()
    # when
    response = signed_in(make_operator()).post(
        f"/snap/operator/launch/{product.public_id}/",
        _launch_data(listing.merchant, starts_at=""),
    )
    # then
    assert response.status_code == 302
    deal = Deal.objects.get()
    assert deal.state == Deal.State.OPEN
    assert before <= deal.starts_at <= timezone.now()


def _form_key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def test_the_launch_form_sent_twice_opens_one_deal():
    # given the form, as shown
    product = make_product()
    listing = _listing_at_a_shop(product=product, price_fen=5000)
    demand_record(actor=make_user(), product=product)
    client = signed_in(make_operator())
    url = f"/snap/operator/launch/{product.public_id}/"
    key = _form_key(client.get(url).content.decode())
    data = _launch_data(listing.merchant, idempotency_key=key)
    # when it is sent, then sent again (the back button, submit again)
    first = client.post(url, data)
    second = client.post(url, data)
    # then one deal is open, and both answers lead where the first did
    deal = Deal.objects.get()
    assert deal.state == Deal.State.OPEN
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"]
    told = Notification.objects.filter(kind="snap.demand.deal_launched")
    assert told.count() == 1
    # and the form shown again carries a new key, which opens another deal
    again = _form_key(client.get(url).content.decode())
    assert again != key
    client.post(url, _launch_data(listing.merchant, idempotency_key=again))
    assert Deal.objects.count() == 2


def test_another_operators_launch_with_the_same_key_is_their_own():
    # given a deal launched by one operator with a key
    product = make_product()
    listing = _listing_at_a_shop(product=product, price_fen=5000)
    url = f"/snap/operator/launch/{product.public_id}/"
    data = _launch_data(listing.merchant, idempotency_key="k" * 22)
    first = make_operator()
    signed_in(first).post(url, data)
    # when another operator sends the same key
    other = make_operator()
    response = signed_in(other).post(url, data)
    # then theirs is a deal of its own, not an answer with the first one's
    assert response.status_code == 302
    assert sorted(Deal.objects.values_list("created_by", flat=True)) == sorted(
        [first.pk, other.pk]
    )


def test_a_merchant_owner_or_shopper_cannot_launch():
    # given the owner of another merchant, and a shopper
    product = make_product()
    listing = _listing_at_a_shop(product=product, price_fen=5000)
    owner = make_user()
    make_merchant_member(user=owner)
    url = f"/snap/operator/launch/{product.public_id}/"
    data = _launch_data(listing.merchant, idempotency_key="k" * 22)
    # when
    answers = [signed_in(person).post(url, data) for person in (owner, make_user())]
    # then
    assert [answer.status_code for answer in answers] == [403, 403]
    assert not Deal.objects.exists()


def test_the_launch_form_offers_only_merchants_that_can_sell_the_product():
    # given a shop with no branch, one with a branch but no listing, and two
    # that list the product and have a branch
    product = make_product()
    empty = make_merchant(name="空店")
    unlisted = make_merchant(name="Aardvark Mart")
    make_branch(merchant=unlisted)
    dear = make_listing(product=product, price_fen=5000, merchant=make_merchant())
    cheap = make_listing(product=product, price_fen=4800, merchant=make_merchant())
    for listing in (dear, cheap):
        make_branch(merchant=listing.merchant)
    Branch.objects.create(merchant=empty, name="Closed", address="x", is_active=False)
    make_listing(product=product, price_fen=3000, merchant=empty)
    # when
    response = signed_in(make_operator()).get(
        f"/snap/operator/launch/{product.public_id}/"
    )
    # then the cheapest shop that can sell it is chosen, the others are not offered
    form = response.context["form"]
    assert [m.public_id for m in form.fields["merchant"].queryset] == [
        cheap.merchant.public_id,
        dear.merchant.public_id,
    ]
    assert form.initial["merchant"] == cheap.merchant.public_id
    html = response.content.decode()
    assert empty.public_id not in html
    assert unlisted.public_id not in html


def test_with_no_merchant_able_to_sell_it_the_launch_form_chooses_none():
    # given only a listing at a shop with no branch
    product = make_product()
    listing = make_listing(product=product, merchant=make_merchant(name="空店"))
    make_branch(merchant=make_merchant(name="Another"))
    operator = make_operator(preferred_language="en")
    # when
    response = signed_in(operator).get(f"/snap/operator/launch/{product.public_id}/")
    # then
    form = response.context["form"]
    assert list(form.fields["merchant"].queryset) == []
    assert "merchant" not in form.initial
    assert "No merchant can sell this product yet" in response.content.decode()
    # and posting that shop anyway opens nothing
    response = signed_in(operator).post(
        f"/snap/operator/launch/{product.public_id}/", _launch_data(listing.merchant)
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["merchant"]
    assert not Deal.objects.exists()


def test_a_refused_launch_shows_the_error_and_opens_nothing():
    # given
    product = make_product()
    listing = _listing_at_a_shop(product=product)
    demand_record(actor=make_user(), product=product)
    # when: a group price above the list price
    response = signed_in(make_operator()).post(
        f"/snap/operator/launch/{product.public_id}/",
        _launch_data(listing.merchant, tier1_price="60.00"),
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Deal.objects.exists()
    assert not Notification.objects.filter(kind="snap.demand.deal_launched").exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"stock": "99999999999999999999"},
        {"max_quantity_per_order": "99999999999999999999"},
        {"tier2_buyers": "99999999999999999999"},
    ],
)
def test_a_huge_number_in_the_launch_form_is_a_field_error(overrides):
    # given
    product = make_product()
    listing = _listing_at_a_shop(product=product, price_fen=5000)
    # when
    response = signed_in(make_operator()).post(
        f"/snap/operator/launch/{product.public_id}/",
        _launch_data(listing.merchant, **overrides),
    )
    # then
    assert response.status_code == 200
    assert set(response.context["form"].errors) == set(overrides)
    assert not Deal.objects.exists()


def test_a_launch_price_with_three_decimals_is_refused_as_on_the_deal_forms():
    # given
    product = make_product()
    listing = _listing_at_a_shop(product=product, price_fen=5000)
    # when
    response = signed_in(make_operator(preferred_language="zh-hans")).post(
        f"/snap/operator/launch/{product.public_id}/",
        _launch_data(listing.merchant, tier1_price="45.005"),
    )
    # then: the words of every price field (web.forms.YuanField)
    assert response.context["form"].errors["tier1_price"] == [
        "最多保留两位小数（分）。"
    ]
    assert not Deal.objects.exists()


def test_the_queue_shows_photos_with_what_ocr_read():
    # given
    snap_page_post(signed_in(make_user()), blank_jpeg(), **XHR)
    snap = Snap.objects.get()
    Snap.objects.filter(pk=snap.pk).update(ocr_text="青花瓷\nBlue bowl")
    # when
    response = signed_in(make_operator()).get("/snap/operator/queue/")
    # then
    html = response.content.decode()
    assert f'id="queue-{snap.public_id}"' in html
    assert snap.photo.url in html
    assert "青花瓷\nBlue bowl" in html


def test_labelling_from_the_queue_with_an_existing_product():
    # given
    snap_page_post(signed_in(make_user()), blank_jpeg(), **XHR)
    snap = Snap.objects.get()
    product = make_product(name_en="Blue bowl")
    client = signed_in(make_operator())
    search = client.get(f"/snap/operator/products/?q=Blue&snap={snap.public_id}")
    assert f'value="{product.public_id}"' in search.content.decode()
    # when
    response = client.post(
        f"/snap/operator/queue/{snap.public_id}/label/", {"product": product.public_id}
    )
    # then
    assert response.status_code == 302
    snap.refresh_from_db()
    assert (snap.status, snap.product) == (Snap.Status.LABELLED, product)
    assert ProductImage.objects.get(product=product).is_reference is True


def test_labelling_from_the_queue_with_a_new_product():
    # given
    snap_page_post(Client(), blank_jpeg(), **XHR)
    snap = Snap.objects.get()
    # when
    response = signed_in(make_operator()).post(
        f"/snap/operator/queue/{snap.public_id}/label/",
        {"mode": "new", "name_zh": "竹编篮", "name_en": "Bamboo basket"},
    )
    # then
    assert response.status_code == 302
    snap.refresh_from_db()
    assert snap.product.name_en == "Bamboo basket"
    assert snap.status == Snap.Status.LABELLED


def test_a_chinese_speaking_shopper_reads_the_answer_in_chinese():
    # when
    response = snap_page_post(
        signed_in(make_user(preferred_language="zh-hans")), blank_jpeg(), **XHR
    )
    # then
    assert "无法识别" in response.content.decode()


def test_the_admin_shows_snaps_and_demand():
    # given
    product = make_product()
    demand_record(actor=make_user(), product=product)
    snap_page_post(signed_in(make_user()), blank_jpeg(), **XHR)
    admin = signed_in(make_operator(is_superuser=True))
    signal = DemandSignal.objects.get()
    snap = Snap.objects.get()
    # when
    pages = [
        admin.get("/admin/snap/snap/"),
        admin.get(f"/admin/snap/snap/{snap.pk}/change/"),
        admin.get("/admin/snap/demandsignal/"),
        admin.get(f"/admin/snap/demandsignal/{signal.pk}/change/"),
    ]
    # then
    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    assert snap.photo.url in pages[1].content.decode()
