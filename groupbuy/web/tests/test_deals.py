import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse

from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_join
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_branch,
    make_category,
    make_deal,
    make_merchant,
    make_product,
    pass_deadline,
)


def _join_url(deal) -> str:
    return reverse("web:deal_join", args=[deal.public_id])


def test_deal_list_shows_open_deals_to_visitor_but_not_drafts(db):
    # given
    deal = make_deal(title="Jasmine tea 500 g")
    draft = make_deal(title="Secret draft", is_open=False)
    # when
    response = Client().get("/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="deal-card-{deal.public_id}"' in html
    assert f'id="deal-card-{draft.public_id}"' not in html
    assert "¥99.00" in html  # price before any tier is reached: the first tier
    assert "¥129.00" in html  # list price


def test_deal_list_search_and_category_filter(db):
    tea = make_category(slug="tea")
    tea_deal = make_deal(title="Oolong", product=make_product(category=tea))
    make_deal(title="Coffee beans", product=make_product(name_en="Coffee"))
    by_search = Client().get("/", {"q": "oolong"}).context["cards"]
    by_category = Client().get("/", {"category": "tea"}).context["cards"]
    assert [card.deal.pk for card in by_search] == [tea_deal.pk]
    assert [card.deal.pk for card in by_category] == [tea_deal.pk]


def test_the_home_page_finds_a_deal_by_pinyin_ranked_after_one_named_as_typed(db):
    # given a deal whose product is 香蕉 and one whose English name says "xiang"
    bananas = make_deal(
        title="香蕉团购", product=make_product(name_zh="香蕉", name_en="Bananas")
    )
    spelt = make_deal(
        title="Xiangjiao chips", product=make_product(name_zh="薯片", name_en="Chips")
    )
    # when a shopper types the pinyin
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/", {"q": "xiangjiao"})
    # then both are listed, the one whose name holds the word as typed first
    assert [card.deal.pk for card in response.context["cards"]] == [
        spelt.pk,
        bananas.pk,
    ]
    assert f'id="deal-card-{bananas.public_id}"' in response.content.decode()


def test_deal_list_search_too_long_says_so_and_lists_nothing(db):
    # It showed every open deal, the search silently dropped.
    deal = make_deal(title="Oolong")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/", {"q": "o" * 101})
    html = response.content.decode()
    assert response.status_code == 400
    assert response.context["cards"] == []
    assert f'id="deal-card-{deal.public_id}"' not in html
    assert 'id="deal-search-error"' in html
    assert "at most 100 characters (it has 101)" in html
    assert 'value="' + "o" * 101 + '"' in html  # the search is kept to shorten
    assert 'id="deal-list-empty"' not in html  # not "No group buys are open"
    # a search of 100 characters is still a search
    ok = client.get("/", {"q": "o" * 100})
    assert ok.status_code == 200
    assert 'id="deal-search-error"' not in ok.content.decode()


def test_deal_list_unknown_category_or_bad_location_is_ignored_not_500(db):
    deal = make_deal()
    response = Client().get("/", {"category": "nope", "lat": "999", "lng": "x"})
    assert response.status_code == 200
    assert [card.deal.pk for card in response.context["cards"]] == [deal.pk]
    assert response.context["is_nearest_first"] is False


def test_deal_list_nearest_branch_first_with_location(db):
    # given: the far deal closes first, so it leads without a location
    far_merchant, near_merchant = make_merchant(name="Far"), make_merchant(name="Near")
    make_branch(merchant=far_merchant, latitude=39.9, longitude=116.4)  # Beijing
    make_branch(merchant=near_merchant, latitude=31.23, longitude=121.47)  # Shanghai
    far = make_deal(merchant=far_merchant, deadline_in=timedelta(hours=5))
    near = make_deal(merchant=near_merchant, deadline_in=timedelta(days=2))
    # when
    plain = Client().get("/").context["cards"]
    located = Client().get("/", {"lat": "31.2304", "lng": "121.4737"})
    # then
    assert [card.deal.pk for card in plain] == [far.pk, near.pk]
    cards = located.context["cards"]
    assert [card.deal.pk for card in cards] == [near.pk, far.pk]
    assert cards[0].distance_m < 1000
    assert located.context["is_nearest_first"] is True


def test_deal_list_paginates(db, settings):
    settings.GROUPBUY_PAGE_SIZE = 3
    merchant, product = make_merchant(), make_product()
    for _number in range(4):
        make_deal(merchant=merchant, product=product)
    first = Client().get("/")
    second = Client().get("/", {"page": "2"})
    assert len(first.context["cards"]) == 3
    assert 'id="page-next"' in first.content.decode()
    assert len(second.context["cards"]) == 1
    assert Client().get("/", {"page": "abc"}).status_code == 200


def test_deal_page_renders_for_visitor_with_tiers_progress_and_join_form(db):
    deal = make_deal()
    response = Client().get(reverse("web:deal_detail", args=[deal.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    for element_id in ("deal-progress", "deal-tiers", "join-form", "join-quantity"):
        assert f'id="{element_id}"' in html
    assert 'id="join-submit"' in html
    assert 'data-module="deal-live"' in html
    assert [tier.min_participants for tier in response.context["card"].tiers] == [
        2,
        4,
    ]


def test_the_deal_page_carries_an_empty_polite_region_for_its_progress(db):
    # given an open deal (deal-live.js says there when buyers join, the price drops)
    deal = make_deal()
    # when its page is shown
    html = Client().get(reverse("web:deal_detail", args=[deal.public_id])).content
    # then the region is in the page from the start, empty: one the script
    # creates only once it runs may not be watched by a screen reader
    assert (
        b'<p class="visually-hidden" data-live="progress-announce" role="status" '
        b'aria-live="polite" aria-atomic="true"></p>'
    ) in html


def test_only_a_deal_whose_price_falls_promises_a_lower_price(db):
    falling = Client().get(reverse("web:deal_detail", args=[make_deal().public_id]))
    assert 'id="deal-as-low-as"' in falling.content.decode()
    # one price (a demand's accepted offer makes such a deal): nothing to refund
    flat = make_deal(tiers=((1, 3_650),))
    page = Client().get(reverse("web:deal_detail", args=[flat.public_id]))
    assert 'id="deal-as-low-as"' not in page.content.decode()


def test_draft_deal_page_is_404_for_visitor(db):
    deal = make_deal(is_open=False)
    response = Client().get(reverse("web:deal_detail", args=[deal.public_id]))
    assert response.status_code == 404


def test_unknown_deal_is_404(db):
    assert Client().get("/deals/deal_nope/").status_code == 404


def test_join_as_visitor_redirects_to_login_and_creates_nothing(db):
    deal = make_deal()
    response = Client().post(_join_url(deal), {"quantity": "1"})
    assert response.status_code == 302
    assert response["Location"] == (
        f"/login/?next=/deals/{deal.public_id}/join/resume/"
    )
    assert DealOrder.objects.count() == 0


def test_join_creates_order_and_redirects_to_sandbox_pay_page(shopper_client, shopper):
    # given
    deal = make_deal()
    # when
    response = shopper_client.post(_join_url(deal), {"quantity": "2"})
    # then
    order = DealOrder.objects.get()
    assert (order.shopper, order.quantity, order.amount_fen) == (shopper, 2, 19_800)
    assert response.status_code == 302
    intent_id = order.payment_intent.public_id
    assert response["Location"] == f"/escrow/sandbox/pay/{intent_id}/"
    assert order.payment_intent.return_url == f"/orders/{order.public_id}/"


def test_join_with_too_many_units_shows_error_and_creates_nothing(shopper_client):
    deal = make_deal(max_quantity_per_order=3)
    response = shopper_client.post(_join_url(deal), {"quantity": "4"})
    assert response.status_code == 200
    # In the shopper's words, not Django's "Ensure this value is less than or
    # equal to 3.", which a first-time buyer does not connect to the stepper.
    assert response.context["join_form"].errors["quantity"] == [
        "You can buy at most 3 in one order."
    ]
    assert DealOrder.objects.count() == 0


def test_join_with_no_units_says_to_buy_at_least_one(shopper_client):
    # given an open deal
    deal = make_deal()
    # when a shopper asks for 0 units
    response = shopper_client.post(_join_url(deal), {"quantity": "0"})
    # then they are told what to do, and nothing is ordered
    assert response.status_code == 200
    assert response.context["join_form"].errors["quantity"] == ["Buy at least 1."]
    assert DealOrder.objects.count() == 0


def test_a_refused_quantity_is_read_with_its_field(shopper_client):
    # given a deal a buyer may take 3 of
    deal = make_deal(max_quantity_per_order=3)
    # when they ask for 4
    html = shopper_client.post(_join_url(deal), {"quantity": "4"}).content.decode()
    # then the quantity field is invalid and points at its error as well as at
    # "Up to 3 units for you", so a screen reader reads the error with it
    field = re.search(r'<input[^>]*id="join-quantity"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="join-units-left join-quantity-errors"' in field
    assert '<ul class="errorlist" id="join-quantity-errors">' in html
    # and a page without an error points at the units left alone
    fresh = shopper_client.get(f"/deals/{deal.public_id}/").content.decode()
    field = re.search(r'<input[^>]*id="join-quantity"[^>]*>', fresh).group(0)
    assert 'aria-describedby="join-units-left"' in field


def test_join_with_non_number_shows_error(shopper_client):
    deal = make_deal()
    response = shopper_client.post(_join_url(deal), {"quantity": "lots"})
    assert response.context["join_form"].errors["quantity"] == ["Enter a whole number."]
    assert DealOrder.objects.count() == 0


def test_join_more_than_stock_shows_service_message(shopper_client):
    # (5 a buyer may take, 3 left once another bought 2: a limit above the
    # stock itself is refused when the deal is made)
    deal = make_deal(stock=5, max_quantity_per_order=5)
    join_and_pay(deal, quantity=2)
    response = shopper_client.post(_join_url(deal), {"quantity": "4"})
    assert response.status_code == 200
    assert response.context["join_form"].errors["quantity"] == [
        "Only 3 left; choose a smaller quantity."
    ]
    assert DealOrder.objects.count() == 1


def test_join_after_deadline_is_refused_with_message(shopper_client):
    deal = pass_deadline(make_deal())
    response = shopper_client.post(_join_url(deal), {"quantity": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The deadline for this group buy passed " in html
    assert "ms ago (by the server&#x27;s clock)." in html
    assert DealOrder.objects.count() == 0


def test_deal_page_shows_my_order_with_state_and_cancel(shopper_client, shopper):
    deal = make_deal()
    order = deal_join(actor=shopper, deal=deal, quantity=1)
    response = shopper_client.get(reverse("web:deal_detail", args=[deal.public_id]))
    html = response.content.decode()
    assert 'id="order-state"' in html
    assert 'data-status="pending_payment"' in html
    assert f'href="/orders/{order.public_id}/cancel/" id="order-cancel"' in html
    assert 'id="join-form"' not in html


def test_joining_twice_shows_already_joined(shopper_client, shopper):
    deal = make_deal()
    deal_join(actor=shopper, deal=deal, quantity=1)
    response = shopper_client.post(_join_url(deal), {"quantity": "1"})
    assert response.status_code == 200
    assert "You have already joined this group buy." in response.content.decode()
    assert DealOrder.objects.count() == 1


def test_after_cancelling_the_shopper_can_join_again(shopper_client, shopper):
    deal = make_deal()
    order = deal_join(actor=shopper, deal=deal, quantity=1)
    shopper_client.post(reverse("web:order_cancel", args=[order.public_id]))
    html = shopper_client.get(
        reverse("web:deal_detail", args=[deal.public_id])
    ).content.decode()
    assert 'id="join-form"' in html
    assert 'id="my-previous-order"' in html


def test_each_tier_says_in_words_whether_it_is_reached_or_next(shopper_client):
    # given tiers of 2 and 4 buyers, and 2 who paid
    deal = make_deal()
    join_and_pay(deal)
    join_and_pay(deal)
    # when a shopper reading English opens the deal
    html = shopper_client.get(f"/deals/{deal.public_id}/").content.decode()
    # then the first tier says it is reached and the second that it is next,
    # in words as well as by its colour
    first, second = re.findall(r'<li class="tier[^"]*".*?</li>', html, re.S)
    assert re.search(r"<span [^>]*data-tier-reached>Reached</span>", first)
    assert re.search(r"<span [^>]*data-tier-next hidden>Next</span>", first)
    assert re.search(r"<span [^>]*data-tier-reached hidden>Reached</span>", second)
    assert re.search(r"<span [^>]*data-tier-next>Next</span>", second)
