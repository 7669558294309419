from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.tests.factories import (
    make_listing,
    make_merchant,
    make_merchant_member,
    make_user,
)
from groupbuy.deals.models import Deal
from groupbuy.deals.services import deal_close, deal_join, deal_settle, deal_stop
from groupbuy.deals.tests.factories import join_and_pay, make_deal, pass_deadline


def _owner(role=MerchantMembership.Role.OWNER):
    membership = make_merchant_member(
        user=make_user(preferred_language="en"), role=role
    )
    client = Client()
    client.force_login(membership.user)
    return membership.merchant, client


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _deal_post(product, **overrides) -> dict:
    now = timezone.now()
    data = {
        "product": product.public_id,
        "title": "Jasmine tea for the neighbourhood",
        "description": "Fresh from Fujian.",
        "list_price_fen": "129",
        "stock": "50",
        "max_quantity_per_order": "5",
        "starts_at": _local(now),
        "deadline_at": _local(now + timedelta(days=2)),
        "tier_1_buyers": "2",
        "tier_1_price": "99",
        "tier_2_buyers": "10",
        "tier_2_price": "89.50",
    }
    data.update(overrides)
    return data


def test_create_deal_saves_draft_with_tiers(db):
    # given
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=12_900)
    url = reverse("web:merchant_deal_create", args=[merchant.public_id])
    assert client.get(url).status_code == 200
    # when
    response = client.post(url, _deal_post(listing.product))
    # then
    deal = Deal.objects.get()
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"/merchant/{merchant.public_id}/deals/{deal.public_id}/?step=created"
    )
    assert (deal.state, deal.list_price_fen, deal.stock) == ("draft", 12_900, 50)
    assert [(t.min_participants, t.price_fen) for t in deal.tiers.all()] == [
        (2, 9_900),
        (10, 8_950),
    ]


def test_deal_prices_typed_full_width_are_read_as_yuan(db):
    # given a merchant typing with a Chinese input method's default full width
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=12_900)
    url = reverse("web:merchant_deal_create", args=[merchant.public_id])
    # when the prices are sent as it types them
    typed = {
        "list_price_fen": "１２９．００",
        "tier_1_price": "９９",
        "tier_2_price": "８９．５０",
    }
    response = client.post(url, _deal_post(listing.product, **typed))
    # then the draft has them, as typed in ASCII
    assert response.status_code == 302
    deal = Deal.objects.get()
    assert deal.list_price_fen == 12_900
    assert [t.price_fen for t in deal.tiers.all()] == [9_900, 8_950]


def test_the_new_deal_form_sent_twice_saves_one_draft(db):
    # given the new-deal form as shown, with its one-time key
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=12_900)
    url = reverse("web:merchant_deal_create", args=[merchant.public_id])
    key = client.get(url).context["form"].initial["idempotency_key"]
    assert len(key) >= 16

    # when it is sent twice (a double click, the back button, a retry)
    first = client.post(url, _deal_post(listing.product, idempotency_key=key))
    second = client.post(url, _deal_post(listing.product, idempotency_key=key))

    # then one draft is saved and both land on it
    deal = Deal.objects.get()
    assert first["Location"] == second["Location"]
    assert first["Location"].endswith(f"/deals/{deal.public_id}/?step=created")
    # and a form shown again carries a new key: a second deal is a new one
    assert client.get(url).context["form"].initial["idempotency_key"] != key


def test_a_deadline_past_the_calendar_is_shown_on_its_field(db):
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=12_900)
    url = reverse("web:merchant_deal_create", args=[merchant.public_id])
    response = client.post(
        url, _deal_post(listing.product, deadline_at="9999-12-31T23:59")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["deadline_at"] == [
        "Choose a moment from 2000-01-01 to 2099-12-31."
    ]
    assert not Deal.objects.exists()


def test_create_deal_with_rising_tier_prices_shows_service_error(db):
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=12_900)
    url = reverse("web:merchant_deal_create", args=[merchant.public_id])
    response = client.post(url, _deal_post(listing.product, tier_2_price="100"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Each tier with more buyers must be cheaper than the one before."
    ]
    assert Deal.objects.count() == 0


def test_a_list_price_above_the_shops_everyday_price_is_refused(db):
    # given a product the shop sells for ¥19.90 every day
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=1_990)
    url = reverse("web:merchant_deal_create", args=[merchant.public_id])
    # when the owner crosses out ¥129 as its price
    response = client.post(
        url, _deal_post(listing.product, tier_1_price="15", tier_2_price="12")
    )
    # then nothing is saved, and the form says why
    assert Deal.objects.count() == 0
    assert response.context["form"].errors["list_price_fen"] == [
        "The list price cannot be above ¥19.90, what you sell this product for "
        "every day: buyers would see a discount that is not there."
    ]
    # and the shop's own price is accepted
    client.post(
        url,
        _deal_post(
            listing.product,
            list_price_fen="19.90",
            tier_1_price="15",
            tier_2_price="12",
        ),
    )
    assert Deal.objects.get().list_price_fen == 1_990


def test_create_deal_with_half_tier_row_and_past_deadline_shows_errors(db):
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=12_900)
    url = reverse("web:merchant_deal_create", args=[merchant.public_id])
    past = _local(timezone.now() - timedelta(days=1))
    response = client.post(
        url,
        _deal_post(listing.product, tier_2_price="", deadline_at=past),
    )
    errors = response.context["form"].errors
    assert errors["tier_2_price"] == ["Give both the number of buyers and the price."]
    assert Deal.objects.count() == 0


HUGE = "99999999999999999999"


def test_huge_numbers_in_the_deal_form_are_field_errors_not_a_500(db):
    # given
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=12_900)
    url = reverse("web:merchant_deal_create", args=[merchant.public_id])
    # when the stock, the order limit and a tier's buyers are huge
    response = client.post(
        url,
        _deal_post(
            listing.product,
            stock=HUGE,
            max_quantity_per_order=HUGE,
            tier_2_buyers=HUGE,
        ),
    )
    # then each is refused on its field (and the browser is told the most)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"stock", "max_quantity_per_order", "tier_2_buyers"}
    assert len(form.errors["tier_2_buyers"]) == 1
    assert 'max="1000000"' in str(form["stock"])
    assert Deal.objects.count() == 0


def test_a_price_past_the_most_a_deal_takes_is_refused_on_its_field(db):
    # given a shop whose everyday price would not stop it
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=99_999_999)
    url = reverse("web:merchant_deal_create", args=[merchant.public_id])
    # when
    response = client.post(
        url, _deal_post(listing.product, list_price_fen="1000000000")
    )
    # then
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["list_price_fen"]
    assert Deal.objects.count() == 0


def test_a_huge_stock_in_a_draft_edit_is_a_field_error(db):
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=12_900)
    deal = make_deal(merchant=merchant, product=listing.product, is_open=False)
    url = reverse("web:merchant_deal_edit", args=[merchant.public_id, deal.public_id])
    response = client.post(url, _deal_post(listing.product, stock=HUGE))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["stock"]
    deal.refresh_from_db()
    assert deal.stock == 10


def test_a_cashier_sees_no_new_deal_link_and_the_form_is_refused(db):
    # given a cashier (the link used to lead to a form that refused on saving)
    merchant, client = _owner(role=MerchantMembership.Role.CASHIER)
    listing = make_listing(merchant=merchant, price_fen=12_900)
    url = reverse("web:merchant_deal_create", args=[merchant.public_id])
    # when / then
    for page in ("web:merchant_deals", "web:merchant_dashboard"):
        html = client.get(reverse(page, args=[merchant.public_id])).content.decode()
        assert 'id="merchant-new-deal"' not in html
    assert client.get(url).status_code == 403
    assert client.post(url, _deal_post(listing.product)).status_code == 403
    assert Deal.objects.count() == 0


def test_edit_draft_then_open_it(db):
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=12_900)
    deal = make_deal(merchant=merchant, product=listing.product, is_open=False)
    edit_url = reverse(
        "web:merchant_deal_edit", args=[merchant.public_id, deal.public_id]
    )
    form = client.get(edit_url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {
        name: (
            value.strftime("%Y-%m-%dT%H:%M")
            if hasattr(value, "strftime")
            else ("" if value is None else value)
        )
        for name, value in data.items()
    }
    data["list_price_fen"] = "120.00"
    data["tier_1_price"], data["tier_2_price"] = "99.00", "89.00"
    response = client.post(edit_url, {**data, "title": "Renamed"})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.title, deal.list_price_fen) == ("Renamed", 12_000)
    open_url = reverse(
        "web:merchant_deal_open", args=[merchant.public_id, deal.public_id]
    )
    assert client.post(open_url).status_code == 302
    deal.refresh_from_db()
    assert deal.state == "open"
    # an open deal can no longer be edited
    response = client.get(edit_url)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/deals/{deal.public_id}/")


def test_a_shop_with_no_branch_is_told_to_add_one_before_opening(db):
    # given a draft made with the merchant's deal form, at a shop with no branch
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=12_900)
    client.post(
        reverse("web:merchant_deal_create", args=[merchant.public_id]),
        _deal_post(listing.product),
    )
    deal = Deal.objects.get()
    open_url = reverse(
        "web:merchant_deal_open", args=[merchant.public_id, deal.public_id]
    )
    # when
    response = client.post(open_url, follow=True)
    # then
    assert (
        "This shop has no open branch for buyers to collect from: add one first."
        in response.content.decode()
    )
    deal.refresh_from_db()
    assert deal.state == Deal.State.DRAFT


def test_deal_detail_lists_orders_for_staff_only(db):
    merchant, client = _owner()
    deal = make_deal(merchant=merchant)
    order = deal_join(actor=make_user(), deal=deal, quantity=2)
    url = reverse("web:merchant_deal_detail", args=[merchant.public_id, deal.public_id])
    response = client.get(url)
    assert response.status_code == 200
    assert [view.order.pk for view in response.context["views"]] == [order.pk]
    outsider = Client()
    outsider.force_login(make_user())
    assert outsider.get(url).status_code == 403


def test_deal_of_another_merchant_is_404_in_my_console(db):
    merchant, client = _owner()
    other_deal = make_deal(merchant=make_merchant())
    url = reverse(
        "web:merchant_deal_detail", args=[merchant.public_id, other_deal.public_id]
    )
    assert client.get(url).status_code == 404


def test_merchant_deal_list_paginates_and_filters(db):
    merchant, client = _owner()
    open_deal = make_deal(merchant=merchant)
    make_deal(merchant=merchant, is_open=False)
    url = reverse("web:merchant_deals", args=[merchant.public_id])
    everything = client.get(url)
    only_open = client.get(url, {"state": "open"})
    assert len(everything.context["cards"]) == 2
    assert [card.deal.pk for card in only_open.context["cards"]] == [open_deal.pk]


def test_merchant_money_shows_what_is_owed_after_a_successful_deal(db):
    # given: two buyers pay 99.00 each; the deal succeeds and settles
    merchant, client = _owner()
    deal = make_deal(merchant=merchant)
    join_and_pay(deal)
    join_and_pay(deal)
    deal_settle(deal=deal_close(deal=pass_deadline(deal)))
    # when
    response = client.get(reverse("web:merchant_money", args=[merchant.public_id]))
    # then: 198.00 less the 3% platform fee
    assert response.status_code == 200
    assert 'id="merchant-payable">¥192.06<' in response.content.decode()
    assert len(response.context["lines"].items) == 2


def test_merchant_money_says_the_deals_money_is_in_the_balance_not_paid_out(db):
    # given: a deal succeeds and settles; no payout has been made
    merchant, client = _owner()
    deal = make_deal(merchant=merchant)
    order = join_and_pay(deal)
    join_and_pay(deal)
    deal_settle(deal=deal_close(deal=pass_deadline(deal)))
    order.shopper.preferred_language = "en"
    order.shopper.save(update_fields=["preferred_language"])
    shopper = Client()
    shopper.force_login(order.shopper)
    # when the owner and the buyer open their money pages
    page = client.get(reverse("web:merchant_money", args=[merchant.public_id]))
    mine = shopper.get(reverse("web:money")).content.decode()
    # then the owner's row says the money reached the balance it counts in
    # (until 2026-12-05 it read "Paid to merchant" while still owed to them)
    html = page.content.decode()
    assert [(line.kind, line.label) for line in page.context["lines"].items] == [
        ("escrow.hold.released", "Settled to your balance")
    ] * 2
    assert 'id="merchant-payable">¥192.06<' in html
    assert "Settled to your balance" in html
    assert "Paid to merchant" not in html
    assert "until a payout sends it to your account" in html
    # and for the buyer, whose money went to the merchant, it still says so
    assert "Paid to merchant" in mine


def test_merchant_money_forbidden_for_others(db):
    merchant = make_merchant()
    client = Client()
    client.force_login(make_user())
    response = client.get(reverse("web:merchant_money", args=[merchant.public_id]))
    assert response.status_code == 403


def test_a_deal_that_has_not_started_reads_scheduled_in_the_console(db):
    # given: an open deal starting in two hours, and one already running
    merchant, client = _owner()
    later = make_deal(merchant=merchant, title="Later", starts_in=timedelta(hours=2))
    running = make_deal(merchant=merchant, title="Running")
    # when
    rows = client.get(reverse("web:merchant_deals", args=[merchant.public_id]))
    detail = client.get(
        reverse("web:merchant_deal_detail", args=[merchant.public_id, later.public_id])
    )
    # then: the list and the page say it has not started, as buyers read it
    html = rows.content.decode()
    row = html[html.index(f'id="merchant-deal-{later.public_id}"') :]
    assert '<span class="pill">Scheduled</span>' in row.split("</tr>")[0]
    row = html[html.index(f'id="merchant-deal-{running.public_id}"') :]
    assert '<span class="pill">Open</span>' in row.split("</tr>")[0]
    assert '<span class="pill" id="merchant-deal-state">Scheduled</span>' in (
        detail.content.decode()
    )


def test_opening_a_deal_that_starts_later_says_when_it_starts(db):
    # given a draft starting in an hour
    merchant, client = _owner()
    deal = make_deal(merchant=merchant, is_open=False, starts_in=timedelta(hours=1))
    open_url = reverse(
        "web:merchant_deal_open", args=[merchant.public_id, deal.public_id]
    )
    # when
    response = client.post(open_url, follow=True)
    # then
    starts = timezone.localtime(deal.starts_at).strftime("%Y-%m-%d %H:%M")
    assert [str(m) for m in response.context["messages"]] == [
        f"The group buy is scheduled: it starts at {starts}."
    ]
    assert 'id="merchant-deal-state">Scheduled<' in response.content.decode()


PASSED_START = (
    "The start has passed: choose a time from now on, or leave it empty to start now."
)


def test_a_new_deal_starting_in_the_past_is_refused_on_its_start(db):
    # given an owner on the new deal form
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=12_900)
    url = reverse("web:merchant_deal_create", args=[merchant.public_id])
    # when they set a start in 2020, then one six minutes ago
    for start in ("2020-01-01T00:00", _local(timezone.now() - timedelta(minutes=6))):
        response = client.post(url, _deal_post(listing.product, starts_at=start))
        # then it is refused on the start, and nothing is saved
        assert response.status_code == 200
        assert response.context["form"].errors == {"starts_at": [PASSED_START]}
    assert not Deal.objects.exists()


def test_a_start_a_few_minutes_ago_is_a_start_now(db):
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=12_900)
    url = reverse("web:merchant_deal_create", args=[merchant.public_id])
    start = timezone.now() - timedelta(minutes=3)
    response = client.post(url, _deal_post(listing.product, starts_at=_local(start)))
    assert response.status_code == 302
    assert Deal.objects.get().starts_at == start.replace(second=0, microsecond=0)


def test_the_new_deal_form_leaves_the_start_empty_and_empty_is_now(db):
    # given the new deal form, loaded and sent (say) ten minutes later
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=12_900)
    url = reverse("web:merchant_deal_create", args=[merchant.public_id])
    form = client.get(url).context["form"]
    assert form["starts_at"].value() is None
    # when it is sent with the start left empty
    before = timezone.now()
    response = client.post(url, _deal_post(listing.product, starts_at=""))
    # then the deal starts when it was saved
    assert response.status_code == 302
    assert before <= Deal.objects.get().starts_at <= timezone.now()


def test_editing_a_draft_keeps_its_passed_start_but_refuses_a_new_one(db):
    # given a draft whose start passed an hour ago
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=12_900)
    deal = make_deal(merchant=merchant, product=listing.product, is_open=False)
    started = deal.starts_at
    url = reverse("web:merchant_deal_edit", args=[merchant.public_id, deal.public_id])
    # when the start is moved to two hours ago
    moved = _deal_post(listing.product, starts_at=_local(started - timedelta(hours=1)))
    response = client.post(url, moved)
    # then it is refused on the start
    assert response.status_code == 200
    assert response.context["form"].errors == {"starts_at": [PASSED_START]}
    deal.refresh_from_db()
    assert deal.starts_at == started
    # when it is sent back as the form shows it (to the minute), renamed
    kept = _deal_post(listing.product, starts_at=_local(started), title="Renamed")
    response = client.post(url, kept)
    # then the draft is saved with its start as it was
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.title, deal.starts_at) == ("Renamed", started)


def test_merchant_money_names_the_deal_of_a_coupon_settlement(db):
    # given a deal settled on redemption, one of its coupons redeemed
    # (until 2026-12-06 its line read only the order's id)
    from groupbuy.coupons.services import coupon_redeem_online
    from groupbuy.coupons.tests.factories import (
        confirmed_orders,
        coupon_for,
        make_station,
    )

    station = make_station(owner=make_user(preferred_language="en"))
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon_for(order).code
    )
    client = Client()
    client.force_login(station.owner)
    # when the owner opens the money page
    page = client.get(reverse("web:merchant_money", args=[station.merchant.public_id]))
    # then the settlement names the deal, and the order beside it
    (line,) = page.context["lines"].items
    assert line.label == "Coupon redemption settled to your balance"
    assert line.description == f"{order.deal.title} · {order.public_id}"
    assert line.description in page.content.decode()


def test_a_tier_at_the_list_price_is_refused_on_its_row(db):
    # given a product the shop sells for ¥12.50 every day
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=1_250)
    url = reverse("web:merchant_deal_create", args=[merchant.public_id])
    # when the owner crosses out ¥12.50 and offers the first tier at ¥12.50
    response = client.post(
        url,
        _deal_post(
            listing.product,
            list_price_fen="12.5",
            tier_1_price="12.5",
            tier_2_price="11",
        ),
    )
    # then nothing is saved, and the row with no discount says why
    assert response.status_code == 200
    assert response.context["form"].errors["tier_1_price"] == [
        "Every group price must be below the list price (¥12.50): a tier at the "
        "list price offers buyers no discount."
    ]
    assert Deal.objects.count() == 0


def test_a_past_deadline_with_no_start_says_it_has_passed(db):
    # given a draft
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=12_900)
    deal = make_deal(merchant=merchant, product=listing.product, is_open=False)
    url = reverse("web:merchant_deal_edit", args=[merchant.public_id, deal.public_id])
    # when the owner leaves the start empty and gives yesterday as the deadline
    past = _local(timezone.now() - timedelta(days=1))
    response = client.post(
        url, _deal_post(listing.product, starts_at="", deadline_at=past)
    )
    # then the form says the deadline has passed, not that it is before a start
    assert response.context["form"].errors["deadline_at"] == [
        "This deadline has passed: choose a time in the future."
    ]


def test_a_stopped_deal_is_under_the_failed_tab_as_its_row_reads(db):
    # given a deal that succeeded and settled, and one the owner stopped
    merchant, client = _owner()
    succeeded, stopped = make_deal(merchant=merchant), make_deal(merchant=merchant)
    for _ in range(2):
        join_and_pay(succeeded)
    pass_deadline(succeeded)
    deal_settle(deal=deal_close(deal=succeeded))
    join_and_pay(stopped)
    deal_stop(actor=None, deal=stopped, reason="Supplier out of stock")
    url = reverse("web:merchant_deals", args=[merchant.public_id])

    def rows(state):
        html = client.get(url, {"state": state}).content.decode()
        return {
            deal.public_id
            for deal in (succeeded, stopped)
            if f'id="merchant-deal-{deal.public_id}"' in html
        }

    # when the owner opens the Failed and Settled tabs
    # then the stopped deal (its row reads Failed) is under Failed, not Settled
    assert rows("failed") == {stopped.public_id}
    assert rows("settled") == {succeeded.public_id}
    html = client.get(url, {"state": "failed"}).content.decode()
    assert '<span class="pill">Failed</span>' in html


def test_a_scheduled_deal_is_under_its_own_tab_not_under_open(db):
    # given an open deal starting in two hours, one already running, a draft
    merchant, client = _owner()
    later = make_deal(merchant=merchant, title="Later", starts_in=timedelta(hours=2))
    running = make_deal(merchant=merchant, title="Running")
    draft = make_deal(merchant=merchant, title="Draft", is_open=False)
    url = reverse("web:merchant_deals", args=[merchant.public_id])

    def listed(**query):
        html = client.get(url, query).content.decode()
        return {
            deal.public_id
            for deal in (later, running, draft)
            if f'id="merchant-deal-{deal.public_id}"' in html
        }

    # when the owner opens each tab, then the scheduled deal is under
    # Scheduled alone, the running one under Open, all under All
    assert listed(state="scheduled") == {later.public_id}
    assert listed(state="open") == {running.public_id}
    assert listed() == {later.public_id, running.public_id, draft.public_id}
    html = client.get(url, {"state": "scheduled"}).content.decode()
    assert '<a href="?state=scheduled" aria-current="page">Scheduled</a>' in html
    # and the API's filter goes by the same rule (its shown_state "scheduled")
    from groupbuy.deals.selectors import deal_list_for_merchant

    owner = MerchantMembership.objects.get(merchant=merchant).user
    assert {
        state: {
            deal.public_id
            for deal in deal_list_for_merchant(
                user=owner, merchant=merchant, state=state
            ).items
        }
        for state in ("open", "scheduled")
    } == {"open": {running.public_id}, "scheduled": {later.public_id}}


def test_an_unknown_deal_filter_lists_every_deal_and_says_so(db):
    # given two deals
    merchant, client = _owner()
    deals = [make_deal(merchant=merchant, title=t) for t in ("One", "Two")]
    url = reverse("web:merchant_deals", args=[merchant.public_id])
    # when a link asks for a filter there is none of
    response = client.get(url, {"state": "bogus"})
    # then every deal is listed, a note says the filter is unknown, and All is
    # the tab shown as current
    assert response.status_code == 200
    html = response.content.decode()
    for deal in deals:
        assert f'id="merchant-deal-{deal.public_id}"' in html
    assert "There is no “bogus” filter, so every group buy is listed." in html
    assert '<a href="?" aria-current="page">All</a>' in html
    # and a known filter shows no such note
    html = client.get(url, {"state": "open"}).content.decode()
    assert 'id="merchant-deals-unknown-filter"' not in html


def test_the_new_deal_form_names_its_clock_and_shows_no_label_for_its_hidden_key(db):
    # given an owner opening the new deal form (display zone Asia/Shanghai)
    merchant, client = _owner()
    url = reverse("web:merchant_deal_create", args=[merchant.public_id])
    # when the page is read
    page = client.get(url).content.decode()
    # then its one-time key is a bare hidden input, with no label or box of its own
    assert 'type="hidden" name="idempotency_key"' in page
    assert 'for="id_idempotency_key"' not in page
    assert "Idempotency key" not in page
    # and its times are said to be Beijing time, not a database's zone name
    assert "Time zone: Beijing time." in page
    assert "Asia/Shanghai" not in page


def test_a_shop_with_nothing_listed_is_told_before_the_form_not_after_it(db):
    # given a shop that lists no product yet
    merchant, client = _owner()
    # when its owner opens the new group buy form
    html = client.get(
        reverse("web:merchant_deal_create", args=[merchant.public_id])
    ).content.decode()
    # then what to do first comes before the form (whose product list is
    # empty), not under its Save button, which an owner reaches having filled
    # every field in (until 2026-12-07)
    assert html.index('id="deal-form-no-products"') < html.index('id="deal-form"')
    assert 'role="status"' in html.split('id="deal-form-no-products"')[0][-200:]


def test_the_deal_page_says_when_the_shop_is_paid_in_the_shops_words(db):
    # given a deal paid at its close and one paid coupon by coupon
    merchant, client = _owner()
    at_close = make_deal(merchant=merchant)
    by_coupon = make_deal(merchant=merchant)
    Deal.objects.filter(pk=by_coupon.pk).update(settlement_mode="on_redemption")

    # when the owner opens each one's page
    def paid_when(deal) -> str:
        url = reverse(
            "web:merchant_deal_detail", args=[merchant.public_id, deal.public_id]
        )
        page = client.get(url).content.decode()
        return page.split('id="merchant-deal-settlement">')[1].split("</span>")[0]

    # then "You are paid" reads when, not the platform's "Pay the merchant …"
    assert paid_when(at_close) == "When the deal closes"
    assert paid_when(by_coupon) == "As each coupon is redeemed"


def test_a_closed_deal_reads_its_final_price_not_a_price_now(db):
    # given a deal that closed at its first tier, and one still open
    merchant, client = _owner()
    closed = make_deal(merchant=merchant, tiers=[(1, 9_900), (5, 8_900)])
    join_and_pay(closed)
    pass_deadline(closed)
    deal_close(deal=closed)
    still_open = make_deal(merchant=merchant, tiers=[(1, 9_900)])

    # when the owner opens each one's page
    def price_line(deal) -> str:
        url = reverse(
            "web:merchant_deal_detail", args=[merchant.public_id, deal.public_id]
        )
        page = client.get(url).content.decode()
        return page.split('id="merchant-deal-price">')[0].rsplit("<span>", 1)[1]

    # then the closed one says the price it closed at, the open one its price now
    assert price_line(closed).startswith("Final price")
    assert price_line(still_open).startswith("Price now")


def test_the_deal_list_and_dashboard_read_a_closed_deals_final_price(db):
    # given a deal that closed at its first tier, and one still open
    merchant, client = _owner()
    closed = make_deal(merchant=merchant, tiers=[(1, 9_900), (5, 8_900)])
    join_and_pay(closed)
    pass_deadline(closed)
    deal_close(deal=closed)
    still_open = make_deal(merchant=merchant, tiers=[(1, 7_900)])

    # when the owner opens the deal list and the dashboard
    def price_cell(page: str, deal) -> str:
        row = page.split(f'id="merchant-deal-{deal.public_id}"')[1].split("</tr>")[0]
        return row.split('<td class="num"')[-1]

    for name in ("web:merchant_deals", "web:merchant_dashboard"):
        page = client.get(reverse(name, args=[merchant.public_id])).content.decode()

        # then the closed deal's row says the price it closed at, and the open
        # one its price now
        assert 'data-label="Final price"' in price_cell(page, closed)
        assert "99.00" in price_cell(page, closed)
        assert 'data-label="Price now"' in price_cell(page, still_open)
        assert "79.00" in price_cell(page, still_open)


def test_a_cashier_refused_an_owners_page_is_offered_the_way_back_to_the_till(db):
    # given a cashier, and someone of another shop
    merchant, cashier = _owner(role=MerchantMembership.Role.CASHIER)
    _other_shop, outsider = _owner()
    owners_pages = [
        reverse("web:merchant_deal_create", args=[merchant.public_id]),
        reverse("coupons:merchant_statement", args=[merchant.public_id]),
    ]
    till = reverse("coupons:merchant_console", args=[merchant.public_id])
    console = reverse("web:merchant_dashboard", args=[merchant.public_id])

    for url in owners_pages:
        # when the cashier opens an owners' page
        refused = cashier.get(url)

        # then it is still refused, with the way back to their till and console
        assert refused.status_code == 403
        page = refused.content.decode()
        assert f'href="{till}" id="error-403-till">Redeem coupons</a>' in page
        assert f'href="{console}" id="error-403-console"' in page

        # while someone not on the shop's staff is offered no way into it
        page = outsider.get(url).content.decode()
        assert 'id="error-403-till"' not in page and "Back to deals" in page
