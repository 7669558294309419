"""The shopper's pages tell the truth and their flows finish (issue 14, 1–5)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from groupbuy.catalog.models import Branch, Merchant, ProductImage
from groupbuy.catalog.tests.factories import make_user
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_close, deal_join, deal_settle
from groupbuy.deals.tests.factories import (
    decline,
    join_and_pay,
    make_deal,
    make_merchant,
    pass_deadline,
)
from groupbuy.escrow.models import PaymentIntent
from groupbuy.web.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _page(client, deal) -> str:
    response = client.get(reverse("web:deal_detail", args=[deal.public_id]))
    assert response.status_code == 200
    return response.content.decode()


# --- 1. State shown truthfully -------------------------------------------------


def test_a_deal_not_started_shows_starts_in_with_its_own_countdown_not_open():
    # given
    deal = make_deal(starts_in=timedelta(hours=2))
    starts_ms = int(deal.starts_at.timestamp() * 1000)
    # when
    html = _page(Client(), deal)
    listing = Client().get("/").content.decode()
    # then each countdown counts to the start and says so in its own words
    # ("Starts in less than 2 hours"), the label beside it not read twice
    assert 'data-phase="upcoming">Starting soon</span>' in html
    countdown = (
        'id="deal-starts-countdown" data-module="countdown" data-counts-to="start"'
        " data-deadline-ms="
    )
    assert f'{countdown}"{starts_ms}"' in html
    label = '<span aria-hidden="true" data-starts-label>Starts in</span>'
    assert f'<p id="deal-starts">{label}' in html
    assert 'id="join-form"' not in html
    assert f'data-phase="upcoming">{label}' in listing
    assert f'data-counts-to="start" data-deadline-ms="{starts_ms}"' in listing


def test_a_deal_whose_units_are_all_taken_asks_its_buyers_to_pay_not_others_to_join():
    # given a one-tier deal whose every unit a shopper reserved, unpaid (as the
    # deal a demand's accepted offer opens)
    deal = make_deal(stock=2, tiers=[(1, 9_900)])
    deal_join(actor=make_user(), deal=deal, quantity=2)
    # when anyone opens it
    html = _page(Client(), deal)
    # then it does not ask for one more buyer, whom nothing is left for
    said = re.search(r'id="deal-next-tier">\s*(.*?)\s*</p>', html, re.S).group(1)
    assert said == (
        "Every unit is taken: 1 more buyer must pay for this group buy to go ahead."
    )


def test_a_succeeded_deal_shows_its_outcome_instead_of_the_next_tier():
    # given two buyers reach the first tier (¥99.00) and the deal settles
    deal = make_deal()
    join_and_pay(deal)
    join_and_pay(deal)
    deal_settle(deal=deal_close(deal=pass_deadline(deal)))
    # when
    html = _page(Client(), deal)
    # then
    outcome = "Succeeded at ¥99.00 each with 2 buyers."
    assert f'<p class="outcome ok" id="deal-outcome">{outcome}</p>' in html
    assert "bring the price to" not in html
    assert 'id="deal-next-tier"' not in html


def test_a_failed_deal_says_it_failed_and_everyone_is_refunded():
    deal = make_deal()
    join_and_pay(deal)
    deal_settle(deal=deal_close(deal=pass_deadline(deal)))
    html = _page(Client(), deal)
    assert 'data-phase="failed">Failed</span>' in html
    assert "Everyone who paid is refunded in full." in html
    assert "more buyer is needed" not in html


def test_the_order_page_follows_its_payment_on_the_shoppers_socket():
    # given
    shopper = make_user()
    order = deal_join(actor=shopper, deal=make_deal(), quantity=1)
    client = Client()
    client.force_login(shopper)
    # when
    html = client.get(
        reverse("web:order_detail", args=[order.public_id])
    ).content.decode()
    # then: order-live.js refetches the fragment on the payment's push
    assert f'data-module="order-live" data-order-id="{order.public_id}"' in html
    assert 'hx-trigger="order-changed"' in html


# --- 2. Flows that finish ------------------------------------------------------


def test_signing_in_from_the_join_button_comes_back_and_completes_the_join():
    # given a visitor who chose 3 units and pressed Join
    deal = make_deal()
    user = make_user(password=PASSWORD)
    client = Client()
    response = client.post(
        reverse("web:deal_join", args=[deal.public_id]), {"quantity": "3"}
    )
    resume_url = f"/deals/{deal.public_id}/join/resume/"
    assert response["Location"] == f"/login/?next={resume_url}"
    # when they sign in on the login page
    response = client.post(
        "/login/", {"phone": user.phone, "password": PASSWORD, "next": resume_url}
    )
    assert response["Location"] == resume_url
    response = client.get(resume_url)
    # then the join is done with their quantity, and they go on to pay
    order = DealOrder.objects.get(shopper=user)
    assert order.quantity == 3
    assert response.status_code == 302
    assert order.payment_intent.public_id in response["Location"]
    # and coming back there again joins nothing more
    assert client.get(resume_url)["Location"] == f"/deals/{deal.public_id}/"
    assert DealOrder.objects.count() == 1


def test_a_resumed_join_that_is_refused_shows_the_form_filled_in_with_the_reason():
    deal = make_deal(stock=3)
    user = make_user(password=PASSWORD, preferred_language="en")
    client = Client()
    client.post(reverse("web:deal_join", args=[deal.public_id]), {"quantity": "3"})
    client.force_login(user)
    response = client.get(f"/deals/{deal.public_id}/join/resume/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="3"' in html
    assert "Only 2 units are left for you" in html
    assert DealOrder.objects.count() == 0


def test_another_persons_session_has_no_pending_join_to_resume():
    deal = make_deal()
    Client().post(reverse("web:deal_join", args=[deal.public_id]), {"quantity": "2"})
    other = Client()
    other.force_login(make_user())
    response = other.get(f"/deals/{deal.public_id}/join/resume/")
    assert response["Location"] == f"/deals/{deal.public_id}/"
    assert DealOrder.objects.count() == 0


def test_a_declined_payment_offers_to_pay_again_on_the_same_order():
    # given
    shopper = make_user(preferred_language="en")
    order = deal_join(actor=shopper, deal=make_deal(), quantity=2)
    decline(order)
    client = Client()
    client.force_login(shopper)
    url = reverse("web:order_detail", args=[order.public_id])
    # when
    html = client.get(url).content.decode()
    # then
    assert 'id="order-declined"' in html
    assert 'id="pay-again"' in html
    assert "Try again: pay ¥198.00" in html
    assert 'id="order-waiting"' not in html
    # when they try again
    response = client.post(reverse("web:order_pay_again", args=[order.public_id]))
    order.refresh_from_db()
    # then the order has a new open payment and they are sent to pay it
    assert order.payment_intent.status == PaymentIntent.Status.REQUIRES_PAYMENT
    assert order.payment_intent.public_id in response["Location"]
    assert PaymentIntent.objects.filter(reference=order.public_id).count() == 2


def test_pay_again_is_404_for_another_shopper_and_merchant_staff():
    shopper = make_user()
    deal = make_deal()
    order = deal_join(actor=shopper, deal=deal, quantity=1)
    decline(order)
    url = reverse("web:order_pay_again", args=[order.public_id])
    for other in (make_user(), make_user(is_staff=True)):
        client = Client()
        client.force_login(other)
        assert client.post(url).status_code == 404
    assert PaymentIntent.objects.filter(reference=order.public_id).count() == 1
    assert Client().post(url).status_code == 302  # to the login page


def test_pay_again_api_gives_a_new_payment_and_refuses_another_user():
    shopper = make_user()
    order = deal_join(actor=shopper, deal=make_deal(), quantity=1)
    decline(order)
    url = f"/api/deals/orders/{order.public_id}/pay-again"
    other = Client()
    other.force_login(make_user())
    assert other.post(url).status_code == 404
    client = Client()
    client.force_login(shopper)
    response = client.post(url)
    assert response.status_code == 200
    assert response.json()["payment"]["status"] == "requires_payment"
    again = client.post(url)
    assert again.status_code == 409
    assert again.json()["code"] == "payment_not_declined"


def test_the_quantity_has_a_stepper_that_stops_at_the_units_left_for_this_buyer():
    # given stock 3 and a first tier of 2 buyers: one unit is kept for the second
    deal = make_deal(stock=3, max_quantity_per_order=3)
    html = _page(Client(), deal)
    assert '<div class="stepper" data-module="stepper">' in html
    assert 'max="2"' in html
    assert 'id="join-units-left">Up to 2 units for you</small>' in html


# --- 3. Show who and what -------------------------------------------------------


def test_deal_page_shows_the_products_photos_main_first_then_in_the_shops_order():
    # given a product whose shop put its third photo before its second
    deal = make_deal()
    for name, position in (("main", 0), ("second", 2), ("third", 1)):
        ProductImage.objects.create(
            product=deal.product,
            image=f"products/{name}.png",
            is_primary=name == "main",
            position=position,
        )
    # when
    html = _page(Client(), deal)
    # then the main photo is the big one, and the others follow in that order
    shown = re.findall(r'src="/media/products/(\w+)\.png"', html)
    assert shown == ["main", "third", "second"]
    assert 'id="deal-photo" src="/media/products/main.png"' in html


def test_deal_page_without_a_photo_shows_a_placeholder_and_the_first_buyers():
    deal = make_deal()
    join_and_pay(deal, shopper=make_user(display_name="张三"))
    # (a name with a space: "bob" alone turned up inside the page's random
    # CSRF token one run in many)
    join_and_pay(deal, shopper=make_user(display_name="Bob W"))
    html = _page(Client(), deal)
    assert 'class="deal-hero placeholder" id="deal-photo" role="img"' in html
    assert 'id="deal-first-buyers"' in html
    assert "张**" in html and "B***" in html
    assert "张三" not in html and "Bob W" not in html


def test_pickup_branch_is_chosen_on_joining_and_shown_on_the_order():
    # given a merchant with two branches
    merchant = make_merchant()
    Branch.objects.create(merchant=merchant, name="East", address="1 East Road")
    west = Branch.objects.create(merchant=merchant, name="West", address="9 West Road")
    deal = make_deal(merchant=merchant)
    shopper = make_user()
    client = Client()
    client.force_login(shopper)
    # when: the page asks for a branch, a join without one is refused
    assert 'id="join-pickup-branch"' in _page(client, deal)
    url = reverse("web:deal_join", args=[deal.public_id])
    refused = client.post(url, {"quantity": "1"})
    assert refused.status_code == 200
    assert DealOrder.objects.count() == 0
    client.post(url, {"quantity": "1", "pickup_branch": west.public_id})
    # then
    order = DealOrder.objects.get()
    assert order.pickup_branch == west
    html = client.get(
        reverse("web:order_detail", args=[order.public_id])
    ).content.decode()
    assert (
        'id="order-pickup-branch">West<br><span class="muted small">9 West Road' in html
    )


def test_a_branch_refused_by_the_join_shows_on_the_pickup_branch_field(monkeypatch):
    # given a shop with two branches, and West closing while the shopper chose it
    from groupbuy.web.views import deals as deal_views

    merchant = make_merchant()
    Branch.objects.create(merchant=merchant, name="East", address="1 East Road")
    west = Branch.objects.create(merchant=merchant, name="West", address="9 West Road")
    deal = make_deal(merchant=merchant)

    def join_as_west_closes(**kwargs):
        kwargs["pickup_branch"].is_active = False
        Branch.objects.filter(pk=west.pk).update(is_active=False)
        return deal_join(**kwargs)

    monkeypatch.setattr(deal_views, "deal_join", join_as_west_closes)
    client = Client(headers={"accept-language": "en"})
    client.force_login(make_user(preferred_language="en"))
    # when the shopper joins with West
    response = client.post(
        reverse("web:deal_join", args=[deal.public_id]),
        {"quantity": "1", "pickup_branch": west.public_id},
    )
    # then the page says on its branch field that West has closed (until
    # 2026-12-06: "Not a branch of this shop."), and nothing is ordered
    assert response.status_code == 200
    assert response.context["join_form"].errors == {
        "pickup_branch": ["This branch has closed."],
        "__all__": ["The branch “West” has closed: choose another branch for pickup."],
    }
    assert 'id="field-pickup_branch"' in response.content.decode()
    assert DealOrder.objects.count() == 0


def test_a_branch_closed_since_the_page_was_opened_is_named_as_closed():
    # given a shop with three branches; West closes after the shopper's page
    # offered it
    merchant = make_merchant()
    for name in ("East", "North"):
        Branch.objects.create(merchant=merchant, name=name, address="1 Road")
    west = Branch.objects.create(merchant=merchant, name="West", address="9 West Road")
    deal = make_deal(merchant=merchant)
    Branch.objects.filter(pk=west.pk).update(is_active=False)
    client = Client(headers={"accept-language": "en"})
    client.force_login(make_user(preferred_language="en"))
    # when the shopper joins with West
    response = client.post(
        reverse("web:deal_join", args=[deal.public_id]),
        {"quantity": "1", "pickup_branch": west.public_id},
    )
    # then the branch field says it has closed (until 2026-12-06: Django's
    # "Select a valid choice. br_… is not one of the available choices.")
    assert response.status_code == 200
    assert response.context["join_form"].errors == {
        "pickup_branch": [
            "This branch has closed since the page was opened: choose another."
        ]
    }
    assert DealOrder.objects.count() == 0


def test_the_join_form_starts_on_the_branch_the_shopper_last_picked_up_from():
    # given a shopper who picked up a first order from West, and another who
    # has never ordered from this merchant
    merchant = make_merchant()
    Branch.objects.create(merchant=merchant, name="East", address="1 East Road")
    west = Branch.objects.create(merchant=merchant, name="West", address="9 West Road")
    regular, newcomer = make_user(), make_user()
    client = Client()
    client.force_login(regular)
    client.post(
        reverse("web:deal_join", args=[make_deal(merchant=merchant).public_id]),
        {"quantity": "1", "pickup_branch": west.public_id},
    )
    second = make_deal(merchant=merchant)
    # when each opens the merchant's next deal
    regulars_page = _page(client, second)
    client.force_login(newcomer)
    newcomers_page = _page(client, second)
    # then the regular's form starts on West, the newcomer's asks for a choice
    assert f'<option value="{west.public_id}" selected>' in regulars_page
    assert re.search(r'<option value="br_\w+" selected>', newcomers_page) is None
    # and a join without a branch says which field is missing
    refused = client.post(
        reverse("web:deal_join", args=[second.public_id]), {"quantity": "1"}
    ).content.decode()
    assert "请选择您要自提的门店。" in refused


# --- 4. Language -----------------------------------------------------------------


def test_english_names_on_english_pages_chinese_on_chinese_ones():
    merchant = Merchant.objects.create(name="鲜果超市", name_en="Fresh Fruit Mart")
    deal = make_deal(merchant=merchant)  # product 茉莉花茶 / Jasmine tea
    english = _page(Client(headers={"accept-language": "en"}), deal)
    chinese = _page(Client(headers={"accept-language": "zh-hans"}), deal)
    assert "Jasmine tea · Fresh Fruit Mart" in english
    assert "茉莉花茶 · 鲜果超市" in chinese


def test_django_validator_messages_are_chinese_with_chinese_punctuation():
    deal = make_deal()
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(make_user(preferred_language="zh-hans"))
    response = client.post(
        reverse("web:deal_join", args=[deal.public_id]), {"quantity": "x"}
    )
    html = response.content.decode()
    assert "输入整数。" in html
    assert "Enter a whole number." not in html


# --- 5. The tab bar and the More page ---------------------------------------------


def test_the_more_page_names_the_shopper_entries_in_both_languages():
    english = Client(headers={"accept-language": "en"}).get("/more/").content.decode()
    chinese = (
        Client(headers={"accept-language": "zh-hans"}).get("/more/").content.decode()
    )
    assert "My money" in english
    assert 'id="nav-more"' in english
    assert "更多" in chinese
