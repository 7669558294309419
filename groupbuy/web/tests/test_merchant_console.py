"""The merchant console's order list and CSV, deal actions, sales and staff
pages, with who may open them."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.phones import mask_phone
from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.models import Branch, StaffInvitation
from groupbuy.catalog.services.staff import branch_closed_message
from groupbuy.catalog.tests.factories import (
    make_listing,
    make_merchant_member,
    make_phone,
    make_user,
)
from groupbuy.core.tests.paging import assert_lists_paged
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services import deal_join
from groupbuy.deals.tests.factories import join_and_pay, make_deal

pytestmark = pytest.mark.django_db
Role = MerchantMembership.Role
# The paging tests' page size: page 2 needs four rows, not 21 (each a join).
PAGE = 3


@pytest.fixture
def small_pages(settings):
    settings.GROUPBUY_PAGE_SIZE = PAGE


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _member(role=Role.OWNER, merchant=None):
    fields = {"merchant": merchant} if merchant is not None else {}
    membership = make_merchant_member(
        user=make_user(preferred_language="en"), role=role, **fields
    )
    return membership.merchant, _login(membership.user)


def _outsiders() -> dict[str, Client]:
    """Another merchant's owner and a shopper: refused on every console page."""
    _other, other_owner = _member()
    return {
        "other owner": other_owner,
        "shopper": _login(make_user(preferred_language="en")),
    }


def _url(name, merchant, *args) -> str:
    return reverse(f"web:{name}", args=[merchant.public_id, *args])


# --- Orders ------------------------------------------------------------------


def test_the_order_list_spans_deals_masks_phones_and_filters_by_status():
    # given a paid order on one deal and an unpaid one on another
    merchant, owner = _member()
    tea = make_deal(merchant=merchant, title="Tea")
    rice = make_deal(merchant=merchant, title="Rice")
    paid = join_and_pay(tea, quantity=2)
    unpaid = deal_join(actor=make_user(), deal=rice, quantity=1)
    # when
    html = owner.get(_url("merchant_orders", merchant)).content.decode()
    filtered = owner.get(
        _url("merchant_orders", merchant), {"status": "pending_payment"}
    ).content.decode()
    # then
    assert f'id="merchant-order-{paid.public_id}"' in html
    assert f'id="merchant-order-{unpaid.public_id}"' in html
    assert paid.shopper.phone not in html
    assert paid.shopper.phone[-4:] in html
    assert 'data-label="Buyer"' in html
    assert f'id="merchant-order-refund-{paid.public_id}"' in html
    assert f'id="merchant-order-{paid.public_id}"' not in filtered
    assert f'id="merchant-order-{unpaid.public_id}"' in filtered
    assert "export.csv?status=pending_payment" in filtered


def test_a_buyers_number_copied_from_the_list_finds_their_orders():
    # given a paid order, its buyer's number shown masked (mask_phone)
    merchant, owner = _member()
    paid = join_and_pay(make_deal(merchant=merchant, title="Tea"))
    join_and_pay(make_deal(merchant=merchant, title="Rice"))
    shown = mask_phone(paid.shopper.phone)
    html = owner.get(_url("merchant_orders", merchant)).content.decode()
    assert shown in html
    # when the owner searches for it as the list shows it
    found = owner.get(_url("merchant_orders", merchant), {"q": shown})
    # then the search offers that form, and finds that buyer's order only
    assert 'placeholder="e.g. +86138****1234"' in html
    assert list(found.context["orders"].items) == [paid]


def test_the_order_list_pages_through_many_orders(small_pages):
    merchant, owner = _member()
    deal = make_deal(merchant=merchant, stock=30)
    for _ in range(PAGE + 1):
        deal_join(actor=make_user(), deal=deal, quantity=1)
    first = owner.get(_url("merchant_orders", merchant)).content.decode()
    second = owner.get(_url("merchant_orders", merchant), {"page": 2})
    assert "Page 1 of 2" in first
    assert first.count('id="merchant-order-ord') == PAGE
    assert second.content.decode().count('id="merchant-order-ord') == 1


def test_the_csv_holds_the_filtered_orders_with_masked_phones_and_yuan():
    merchant, owner = _member()
    deal = make_deal(merchant=merchant, title="=HYPERLINK(1)")
    paid = join_and_pay(deal, quantity=2)
    deal_join(actor=make_user(), deal=deal, quantity=1)
    response = owner.get(_url("merchant_order_export", merchant), {"status": "paid"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    # served under ASGI as it is read, not read whole into memory first
    assert response.is_async
    text = b"".join(response).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("order,group_buy,buyer,phone_masked,quantity,status")
    assert len(lines) == 2
    row = lines[1].split(",")
    assert row[0] == paid.public_id
    assert row[1] == "'=HYPERLINK(1)"  # not a formula in a spreadsheet
    assert row[3] == "'" + paid.shopper.phone[:-8] + "****" + paid.shopper.phone[-4:]
    assert (row[4], row[5], row[6], row[7]) == ("2", "Paid", "198.00", "0.00")
    assert paid.shopper.phone not in text


def test_order_pages_refuse_outsiders_and_a_cashier_sees_no_refund():
    merchant, _owner = _member()
    order = join_and_pay(make_deal(merchant=merchant))
    _same, cashier = _member(role=Role.CASHIER, merchant=merchant)
    for url in (
        _url("merchant_orders", merchant),
        _url("merchant_order_export", merchant),
    ):
        for who, client in _outsiders().items():
            assert client.get(url).status_code == 403, who
        assert Client().get(url).status_code == 302  # to the sign-in page
    # the list is the till's; the export, every order with its shoppers'
    # details, is the owners'
    assert cashier.get(_url("merchant_orders", merchant)).status_code == 200
    assert cashier.get(_url("merchant_order_export", merchant)).status_code == 403
    html = cashier.get(_url("merchant_orders", merchant)).content.decode()
    assert f'id="merchant-order-{order.public_id}"' in html
    assert "merchant-order-refund-" not in html


def test_a_refund_from_the_order_list_returns_to_it_with_the_reason_shown():
    merchant, owner = _member()
    deal = make_deal(merchant=merchant)
    order = join_and_pay(deal)
    back = _url("merchant_orders", merchant) + "?status=paid"
    response = owner.post(
        _url("merchant_order_refund", merchant, deal.public_id, order.public_id),
        {"reason": "Sold out in the shop", "next": back},
        follow=True,
    )
    assert response.redirect_chain == [(back, 302)]
    order.refresh_from_db()
    assert order.status == DealOrder.Status.REFUNDED
    listed = owner.get(_url("merchant_orders", merchant)).content.decode()
    assert "Sold out in the shop" in listed


# --- Deal actions ---------------------------------------------------------------


def test_an_owner_adds_stock_moves_the_deadline_and_stops_a_deal():
    merchant, owner = _member()
    deal = make_deal(merchant=merchant, stock=10)
    order = join_and_pay(deal)
    detail = _url("merchant_deal_detail", merchant, deal.public_id)
    assert 'id="merchant-deal-actions"' in owner.get(detail).content.decode()
    # add stock
    response = owner.post(
        _url("merchant_deal_add_stock", merchant, deal.public_id),
        {"units": "5"},
        follow=True,
    )
    assert "The stock is added." in response.content.decode()
    deal.refresh_from_db()
    assert deal.stock == 15
    # a bad number changes nothing and says why
    response = owner.post(
        _url("merchant_deal_add_stock", merchant, deal.public_id),
        {"units": "0"},
        follow=True,
    )
    assert "greater than or equal to 1" in response.content.decode()
    # move the deadline
    later = timezone.localtime(deal.deadline_at + timedelta(days=2))
    owner.post(
        _url("merchant_deal_extend", merchant, deal.public_id),
        {"deadline_at": later.strftime("%Y-%m-%dT%H:%M")},
    )
    deal.refresh_from_db()
    assert deal.deadline_at == later.replace(second=0, microsecond=0)
    # stop it
    response = owner.post(
        _url("merchant_deal_stop", merchant, deal.public_id),
        {"reason": "Supplier failed"},
        follow=True,
    )
    assert "every buyer is refunded in full" in response.content.decode()
    deal.refresh_from_db()
    order.refresh_from_db()
    assert deal.has_failed
    assert order.status == DealOrder.Status.REFUNDED


def test_close_now_says_whether_the_deal_succeeded_or_failed_and_refunded():
    # given two deals whose first tier needs 2 buyers: one with a single paid
    # buyer, one with two; an owner reading English
    merchant, owner = _member()
    below = make_deal(merchant=merchant)
    reached = make_deal(merchant=merchant)
    order = join_and_pay(below)
    join_and_pay(reached)
    join_and_pay(reached)
    # when the owner closes both now
    failed = owner.post(
        _url("merchant_deal_close", merchant, below.public_id), follow=True
    ).content.decode()
    succeeded = owner.post(
        _url("merchant_deal_close", merchant, reached.public_id), follow=True
    ).content.decode()
    # then each message says what happened (until 2026-12-06 both read "The
    # group buy is closed at the tier it reached.", the failed one too)
    assert (
        "The group buy is closed below its first tier, so it failed: "
        "1 buyer is refunded in full."
    ) in failed
    order.refresh_from_db()
    assert order.status == DealOrder.Status.REFUNDED
    assert (
        "The group buy is closed and succeeded: each unit costs ¥99.00, the "
        "price of the tier it reached."
    ) in succeeded
    assert "closed at the tier it reached" not in failed + succeeded


def test_close_now_of_a_deal_nobody_paid_for_says_nobody_is_refunded():
    merchant, owner = _member()
    deal = make_deal(merchant=merchant)
    page = owner.post(
        _url("merchant_deal_close", merchant, deal.public_id), follow=True
    ).content.decode()
    assert "so it failed; nobody had paid, so nobody is refunded." in page


def test_a_stopped_deals_order_page_says_the_shop_stopped_it_and_quotes_why():
    # given a paid order of the shop's open deal
    merchant, owner = _member()
    deal = make_deal(merchant=merchant)
    shopper = make_user(preferred_language="en")
    order = join_and_pay(deal, shopper=shopper)
    stop_url = _url("merchant_deal_stop", merchant, deal.public_id)
    # when the owner stops it with a reason, then presses stop again
    owner.post(stop_url, {"reason": "Supplier <b>out</b> of stock"})
    again = owner.post(stop_url, {"reason": "again"}, follow=True).content.decode()
    # then the shopper's order page says who stopped it and quotes them, escaped
    page = _login(shopper).get(reverse("web:order_detail", args=[order.public_id]))
    html = page.content.decode()
    assert "The shop stopped this group buy: ¥99.00 is refunded to you." in html
    assert "The shop says: “Supplier &lt;b&gt;out&lt;/b&gt; of stock”" in html
    assert "did not reach its target" not in html
    # and the second stop is refused, the first reason kept
    assert "This group buy has already closed." in again
    deal.refresh_from_db()
    assert deal.stop_reason == "Supplier <b>out</b> of stock"


def test_a_cashier_sees_a_draft_but_cannot_edit_or_open_it():
    merchant, _owner = _member()
    deal = make_deal(merchant=merchant, is_open=False)
    _same, cashier = _member(role=Role.CASHIER, merchant=merchant)
    html = cashier.get(
        _url("merchant_deal_detail", merchant, deal.public_id)
    ).content.decode()
    assert 'id="merchant-deal-edit"' not in html
    assert 'id="merchant-deal-open"' not in html
    assert (
        cashier.get(_url("merchant_deal_edit", merchant, deal.public_id)).status_code
        == 403
    )
    assert cashier.post(
        _url("merchant_deal_open", merchant, deal.public_id)
    ).status_code in (302, 403)
    deal.refresh_from_db()
    assert deal.state == Deal.State.DRAFT


def test_deal_actions_are_refused_to_cashiers_and_outsiders():
    merchant, _owner = _member()
    deal = make_deal(merchant=merchant, stock=10)
    _same, cashier = _member(role=Role.CASHIER, merchant=merchant)
    detail = _url("merchant_deal_detail", merchant, deal.public_id)
    assert 'id="merchant-deal-actions"' not in cashier.get(detail).content.decode()
    clients = {"cashier": cashier, **_outsiders()}
    for name, data in (
        ("merchant_deal_add_stock", {"units": "5"}),
        ("merchant_deal_stop", {"reason": ""}),
        ("merchant_deal_close", {}),
    ):
        for who, client in clients.items():
            response = client.post(_url(name, merchant, deal.public_id), data)
            assert response.status_code in (403, 404), (name, who)
    deal.refresh_from_db()
    assert (deal.stock, deal.state) == (10, Deal.State.OPEN)


# --- Sales -----------------------------------------------------------------------


def test_the_sales_page_shows_charts_and_the_figures_per_deal():
    merchant, owner = _member()
    deal = make_deal(merchant=merchant, title="Tea")
    join_and_pay(deal, quantity=2)
    response = owner.get(_url("merchant_sales", merchant))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="sales-money-chart"' in html
    assert 'id="sales-orders-chart"' in html
    assert f'id="sales-deal-{deal.public_id}"' in html
    assert '<div class="value" id="sales-total-units">2</div>' in html
    assert '<div class="value" id="sales-total-revenue">¥198.00</div>' in html
    charts = response.context["charts"]
    assert charts[1].series[0].values[-1] == 1  # today's one order


def test_the_sales_page_is_for_the_merchants_owners_only():
    merchant, owner = _member()
    _same, cashier = _member(role=Role.CASHIER, merchant=merchant)
    url = _url("merchant_sales", merchant)
    assert owner.get(url).status_code == 200
    assert cashier.get(url).status_code == 403
    for who, client in _outsiders().items():
        assert client.get(url).status_code == 403, who


def test_the_sales_page_pages_its_deals_keeping_the_period_and_totals_whole(
    small_pages,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given 4 of the shop's deals sold today, one more than a page
    merchant, owner = _member()
    deals = [make_deal(merchant=merchant) for _n in range(PAGE + 1)]
    for deal in deals:
        join_and_pay(deal, quantity=1)
    url = _url("merchant_sales", merchant)
    today = timezone.localdate().isoformat()
    period = {"date_from": today, "date_to": today}
    # when the owner reads the day's sales and follows "Next"
    first = owner.get(url, period).content.decode()
    with CaptureQueriesContext(connection) as first_queries:
        owner.get(url, period)
    with CaptureQueriesContext(connection) as second_queries:
        second = owner.get(url, {**period, "page": 2}).content.decode()
    # then the first page lists 3 deals, the second the last, its link keeping
    # the period, and both give the whole day's 4 orders in as many queries
    assert first.count('<tr id="sales-deal-') == PAGE
    assert second.count('<tr id="sales-deal-') == 1
    assert f'href="?date_from={today}&amp;date_to={today}&amp;page=2"' in first
    assert f'<div class="value" id="sales-total-orders">{PAGE + 1}</div>' in second
    assert len(second_queries) == len(first_queries)


def test_a_sales_period_too_long_is_said_on_its_field_not_cut_unsaid():
    # given an owner asking for the sales of most of a year
    merchant, owner = _member()
    url = _url("merchant_sales", merchant)
    # when
    response = owner.get(url, {"date_from": "2026-01-01", "date_to": "2026-12-06"})
    # then the page says the period is too long, on its start, and shows the
    # default two weeks as such, not 2026-09-06 to 2026-12-06 as if asked for
    html = response.content.decode()
    assert "Choose a period of at most 92 days (this one has 340)." in html
    sales = response.context["sales"]
    assert (sales.date_to - sales.date_from).days == 13
    assert "from 2026-09-06 to 2026-12-06" not in html


# --- Staff and branches ----------------------------------------------------------


def test_an_owner_invites_a_number_and_sees_the_invitation_masked():
    merchant, owner = _member()
    phone = make_phone()
    response = owner.post(
        _url("merchant_staff", merchant),
        {"phone": phone[3:], "role": "cashier", "branch": ""},
        follow=True,
    )
    html = response.content.decode()
    assert "The invitation is sent. They join your staff when they accept it" in html
    invitation = StaffInvitation.objects.get()
    assert (invitation.phone_masked, invitation.role) == (
        phone[:-8] + "****" + phone[-4:],
        "cashier",
    )
    assert f'id="staff-invitation-{invitation.public_id}"' in html
    assert phone not in html
    # withdraw it
    owner.post(
        _url("merchant_staff_remove", merchant, invitation.public_id), follow=True
    )
    assert not StaffInvitation.objects.exists()


def test_the_staff_page_pages_its_members_and_invitations_each_on_its_own(
    small_pages,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given a shop with 4 people on its staff and 4 open invitations (3 a page)
    merchant, owner = _member()
    for _n in range(PAGE):
        make_merchant_member(merchant=merchant, role=Role.CASHIER)
    expires_at = timezone.now() + timedelta(days=7)
    for number in range(PAGE + 1):
        StaffInvitation.objects.create(
            merchant=merchant,
            phone_hash=f"hash-{number}",
            phone_masked="+86139****0000",
            role="cashier",
            expires_at=expires_at,
        )
    url = _url("merchant_staff", merchant)
    # when the owner opens the page, then each list's second page
    first = owner.get(url).content.decode()
    with CaptureQueriesContext(connection) as first_queries:
        owner.get(url)
    with CaptureQueriesContext(connection) as second_queries:
        second = owner.get(url, {"invitations_page": 2, "staff_page": 2})
    second = second.content.decode()
    # then each list shows 3, its own "Next" keeping the other's page, and the
    # second pages the one left of each, in as many queries
    lists = {
        "staff_page": '<tr id="staff-usr',
        "invitations_page": '<tr id="staff-invitation-',
    }
    assert_lists_paged(first, second, lists)
    kept = owner.get(url, {"invitations_page": 2}).content.decode()
    assert 'href="?invitations_page=2&amp;staff_page=2"' in kept
    assert len(second_queries) == len(first_queries)


def test_a_role_refused_on_the_staff_pages_second_page_is_shown_there(small_pages):
    # given a shop's only owner, listed after its 3 cashiers, on the second page
    merchant, owner = _member()
    for _n in range(PAGE):
        make_merchant_member(merchant=merchant, role=Role.CASHIER)
    me = MerchantMembership.objects.get(merchant=merchant, role=Role.OWNER).user
    page = owner.get(_url("merchant_staff", merchant), {"staff_page": 2})
    # when they send their own row's form to make themselves a cashier
    action = page.content.decode().split(f'id="staff-role-form-{me.public_id}"')
    action = action[0].rsplit('action="', 1)[1].split('"')[0]
    prefix = f"role-{me.public_id}"
    refused = owner.post(
        action.replace("&amp;", "&"),
        {f"{prefix}-role": "cashier", f"{prefix}-branch": ""},
    )
    # then the second page comes back with their row's form open on the refusal
    html = refused.content.decode()
    assert "make someone else an owner first" in html
    assert html.count('<details class="confirm" open>') == 1


def test_a_member_removed_from_the_staff_pages_second_page_comes_back_to_it(
    small_pages,
):
    # given a shop with 4 cashiers, the last ones on the second page (3 a page)
    merchant, owner = _member()
    cashiers = [
        make_merchant_member(merchant=merchant, role=Role.CASHIER)
        for _n in range(PAGE + 1)
    ]
    page = owner.get(_url("merchant_staff", merchant), {"staff_page": 2})
    html = page.content.decode()
    # when the owner removes a cashier listed there
    listed = next(c for c in cashiers if f"staff-role-form-{c.user.public_id}" in html)
    action = html.split(f'id="staff-role-form-{listed.user.public_id}"')[1]
    action = action.split('action="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert "/remove/" in action
    removed = owner.post(action)
    # then the owner is back on the second page, not the first
    assert removed.status_code == 302
    assert removed.url.endswith("?staff_page=2")


def test_my_staff_invitations_are_paged_and_shown_to_no_one_else(small_pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given 4 shops inviting 小王 to their staff, one more than a page
    me = make_user(preferred_language="en")
    expires_at = timezone.now() + timedelta(days=7)
    invitations = [
        StaffInvitation.objects.create(
            merchant=make_merchant_member().merchant,
            invitee=me,
            phone_hash="hash",
            phone_masked="+86139****0000",
            role="cashier",
            expires_at=expires_at + timedelta(minutes=number),
        )
        for number in range(PAGE + 1)
    ]
    url = reverse("web:staff_invitations")
    client = _login(me)
    # when they open their invitations and follow "Next"
    first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as first_queries:
        client.get(url)
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(url, {"page": 2}).content.decode()
    # then the first page lists the 3 ending soonest, the second the last one,
    # in as many queries
    assert first.count('<li class="row" id="staff-invitation-') == PAGE
    assert 'id="page-next" href="?page=2"' in first
    assert second.count('<li class="row" id="staff-invitation-') == 1
    assert f'id="staff-invitation-{invitations[-1].public_id}"' in second
    assert len(second_queries) == len(first_queries)
    # and neither another person nor an inviting shop's owner sees them
    owner = invitations[-1].merchant.memberships.get().user
    for other in (make_user(preferred_language="en"), owner):
        page = _login(other).get(url, {"page": 2}).content.decode()
        assert 'id="staff-invitations-empty"' in page


def test_an_owner_at_one_branch_is_refused_on_the_form():
    merchant, owner = _member()
    branch = Branch.objects.create(merchant=merchant, name="人民广场店", address="1 Rd")
    response = owner.post(
        _url("merchant_staff", merchant),
        {"phone": make_phone(), "role": "owner", "branch": branch.public_id},
    )
    assert response.status_code == 200
    assert (
        "a branch is for a cashier only" in response.context["form"].errors["branch"][0]
    )
    assert not StaffInvitation.objects.exists()


def test_a_registered_person_joins_the_staff_only_by_accepting():
    # given an owner who invites 小王, who has an account
    merchant, owner = _member()
    xiaowang = make_user(preferred_language="en", display_name="小王")
    response = owner.post(
        _url("merchant_staff", merchant),
        {"phone": xiaowang.phone, "role": "cashier", "branch": ""},
        follow=True,
    )
    # then the owner reads the same words as for any number, and sees it pending
    html = response.content.decode()
    assert "The invitation is sent. They join your staff when they accept it" in html
    assert "小王" not in html
    invitation = StaffInvitation.objects.get()
    assert f'id="staff-invitation-{invitation.public_id}"' in html
    # and 小王 is not staff: no console
    me = _login(xiaowang)
    dashboard = _url("merchant_dashboard", merchant)
    assert me.get(dashboard).status_code == 403
    # another person cannot answer it
    accept = reverse("web:staff_invitation_accept", args=[invitation.public_id])
    stranger = _login(make_user(preferred_language="en"))
    assert stranger.post(accept).status_code == 404
    assert (
        invitation.public_id
        not in stranger.get(reverse("web:staff_invitations")).content.decode()
    )
    # when 小王 opens their invitations and accepts
    page = me.get(reverse("web:staff_invitations")).content.decode()
    assert f'id="staff-invitation-accept-{invitation.public_id}"' in page
    response = me.post(accept, follow=True)
    # then the console opens
    assert response.redirect_chain[-1][0] == dashboard
    assert "You are now on the staff of" in response.content.decode()
    assert MerchantMembership.objects.get(user=xiaowang).role == Role.CASHIER


def test_a_registered_person_declines_an_invitation():
    merchant, owner = _member()
    person = make_user(preferred_language="en")
    owner.post(
        _url("merchant_staff", merchant),
        {"phone": person.phone, "role": "owner", "branch": ""},
    )
    invitation = StaffInvitation.objects.get()
    response = _login(person).post(
        reverse("web:staff_invitation_decline", args=[invitation.public_id]),
        follow=True,
    )
    assert "You declined to join the staff of" in response.content.decode()
    assert 'id="staff-invitations-empty"' in response.content.decode()
    assert not StaffInvitation.objects.exists()
    assert not MerchantMembership.objects.filter(user=person).exists()


@pytest.mark.parametrize(
    ("language", "declined"),
    [("en", "You declined to join the staff of"), ("zh-hans", "您已谢绝加入")],
)
def test_an_invitation_to_a_branch_closed_since_is_not_accepted(language, declined):
    # given a person invited as a cashier at 人民广场店, which has closed since
    merchant, owner = _member()
    branch = Branch.objects.create(merchant=merchant, name="人民广场店", address="1 Rd")
    person = make_user(preferred_language=language)
    owner.post(
        _url("merchant_staff", merchant),
        {"phone": person.phone, "role": "cashier", "branch": branch.public_id},
    )
    invitation = StaffInvitation.objects.get()
    Branch.objects.filter(pk=branch.pk).update(is_active=False)
    me = _login(person)
    # when they open their invitations: it is there, not to be accepted
    page = me.get(reverse("web:staff_invitations")).content.decode()
    assert f'id="staff-invitation-{invitation.public_id}"' in page
    assert f'id="staff-invitation-closed-{invitation.public_id}"' in page
    assert f'id="staff-invitation-accept-{invitation.public_id}"' not in page
    assert f'id="staff-invitation-decline-{invitation.public_id}"' in page
    if language == "en":
        assert (
            "The branch 人民广场店 has closed since this invitation was sent: "
            "ask the shop for a new invitation."
        ) in page
    # when they accept it all the same (a page loaded before it closed)
    accept = reverse("web:staff_invitation_accept", args=[invitation.public_id])
    response = me.post(accept, follow=True)
    # then they are told on their invitations page, and nothing is written
    assert response.redirect_chain[-1][0] == reverse("web:staff_invitations")
    messages = [str(m) for m in response.context["messages"]]
    with translation.override(language):
        assert messages == [branch_closed_message(invitation)]
    assert not MerchantMembership.objects.filter(user=person).exists()
    assert StaffInvitation.objects.get().accepted_at is None
    assert _login(person).get(_url("merchant_dashboard", merchant)).status_code == 403
    # and they may decline it
    response = me.post(
        reverse("web:staff_invitation_decline", args=[invitation.public_id]),
        follow=True,
    )
    assert declined in response.content.decode()
    assert not StaffInvitation.objects.exists()


def test_a_bad_number_is_explained_on_the_form():
    merchant, owner = _member()
    response = owner.post(
        _url("merchant_staff", merchant), {"phone": "12", "role": "cashier"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert not StaffInvitation.objects.exists()


def test_inviting_someone_already_on_the_staff_says_so_on_the_form():
    # given a shop with a cashier 鲜邻收银员
    merchant, owner = _member()
    cashier = make_merchant_member(
        merchant=merchant, role=Role.CASHIER, user=make_user(display_name="鲜邻收银员")
    )
    # when the owner invites them again as an owner
    response = owner.post(
        _url("merchant_staff", merchant),
        {"phone": cashier.user.phone[3:], "role": "owner", "branch": ""},
    )
    # then the form says they already are, and with which role; nothing changes
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == [
        "鲜邻收银员 is already on your staff (Cashier). Nothing was changed."
    ]
    cashier.refresh_from_db()
    assert cashier.role == Role.CASHIER


def test_staff_pages_are_hidden_from_and_refused_to_cashiers_and_outsiders():
    merchant, owner = _member()
    branch = Branch.objects.create(merchant=merchant, name="East", address="1 Rd")
    _same, cashier = _member(role=Role.CASHIER, merchant=merchant)
    dashboard = _url("merchant_dashboard", merchant)
    assert 'id="merchant-nav-staff"' in owner.get(dashboard).content.decode()
    assert 'id="merchant-nav-staff"' not in cashier.get(dashboard).content.decode()
    assert 'id="merchant-nav-orders"' in cashier.get(dashboard).content.decode()
    urls = [
        _url("merchant_staff", merchant),
        _url("merchant_branch_create", merchant),
        _url("merchant_branch_edit", merchant, branch.public_id),
    ]
    for url in urls:
        assert owner.get(url).status_code == 200
        for who, client in {"cashier": cashier, **_outsiders()}.items():
            assert client.get(url).status_code == 403, (url, who)
            assert client.post(url, {"phone": make_phone()}).status_code == 403
    assert not StaffInvitation.objects.exists()


def test_an_owner_adds_and_edits_a_branch_with_its_map_position():
    merchant, owner = _member()
    owner.post(
        _url("merchant_branch_create", merchant),
        {"name": "East", "address": "1 Road", "latitude": "31.2", "longitude": "121.5"},
    )
    branch = Branch.objects.get(merchant=merchant)
    assert (float(branch.latitude), float(branch.longitude)) == (31.2, 121.5)
    response = owner.post(
        _url("merchant_branch_edit", merchant, branch.public_id),
        {"name": "East gate", "address": "1 Road", "latitude": "", "longitude": ""},
        follow=True,
    )
    assert "The branch is saved." in response.content.decode()
    branch.refresh_from_db()
    assert (branch.name, branch.latitude) == ("East gate", None)
    # another merchant's branch is not found under this merchant
    other_merchant, other_owner = _member()
    url = _url("merchant_branch_edit", other_merchant, branch.public_id)
    assert other_owner.get(url).status_code in (403, 404)


def test_a_second_branch_of_the_same_name_is_refused_on_the_form():
    # given a shop with 人民广场店
    merchant, owner = _member()
    Branch.objects.create(merchant=merchant, name="人民广场店", address="1 Road")
    # when the owner adds 人民广场店 again
    response = owner.post(
        _url("merchant_branch_create", merchant),
        {"name": " 人民广场店", "address": "2 Road"},
    )
    # then the form says so on the name and nothing is added
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "There is already a branch named 人民广场店."
    ]
    assert Branch.objects.filter(merchant=merchant).count() == 1


# --- Deal form -------------------------------------------------------------------


def test_the_deal_form_offers_listing_prices_and_saves_the_settlement_mode():
    merchant, owner = _member()
    listing = make_listing(merchant=merchant, price_fen=12_950)
    url = _url("merchant_deal_create", merchant)
    html = owner.get(url).content.decode()
    assert f'"{listing.product.public_id}": "129.50"' in html
    assert 'data-module="deal-form"' in html
    assert "Pay me as coupons are redeemed" in html
    now = timezone.now()
    owner.post(
        url,
        {
            "product": listing.product.public_id,
            "title": "Tea",
            "list_price_fen": "129.50",
            "stock": "10",
            "max_quantity_per_order": "2",
            "starts_at": timezone.localtime(now).strftime("%Y-%m-%dT%H:%M"),
            "deadline_at": timezone.localtime(now + timedelta(days=1)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "tier_1_buyers": "2",
            "tier_1_price": "99",
            "settlement_mode": "on_redemption",
        },
    )
    deal = Deal.objects.get()
    assert deal.settlement_mode == Deal.SettlementMode.ON_REDEMPTION


def test_the_console_speaks_chinese():
    membership = make_merchant_member(
        user=make_user(preferred_language="zh-hans"), role=Role.OWNER
    )
    merchant, owner = membership.merchant, _login(membership.user)
    orders = owner.get(_url("merchant_orders", merchant)).content.decode()
    assert "订单号或手机号" in orders
    assert "下载 CSV" in orders
    assert "0 个订单" in orders
    staff = owner.get(_url("merchant_staff", merchant)).content.decode()
    assert "邀请员工" in staff
    assert "员工和门店" in staff
    sales = owner.get(_url("merchant_sales", merchant)).content.decode()
    assert "每日金额" in sales


# --- Days at the edge of the calendar, and a filter that does not read ---------


EDGE_DAYS = [
    ("merchant_orders", {"date_to": "9999-12-31"}, "date_to"),
    ("merchant_orders", {"date_from": "0001-01-01"}, "date_from"),
    ("merchant_sales", {"date_from": "0001-01-01", "date_to": "0001-01-02"}, None),
    ("merchant_sales", {"date_from": "9999-12-30", "date_to": "9999-12-31"}, None),
]


@pytest.mark.parametrize(("page", "query", "field"), EDGE_DAYS)
def test_a_day_at_the_edge_of_the_calendar_is_a_field_error_not_a_500(
    page, query, field
):
    # given
    merchant, owner = _member()
    join_and_pay(make_deal(merchant=merchant))
    # when
    response = owner.get(_url(page, merchant), query)
    # then
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == ({field} if field else set(query))


def test_a_csv_asked_for_a_day_at_the_edge_of_the_calendar_is_a_400():
    merchant, owner = _member()
    join_and_pay(make_deal(merchant=merchant))
    response = owner.get(
        _url("merchant_order_export", merchant), {"date_to": "9999-12-31"}
    )
    assert response.status_code == 400
    assert 'id="error-message"' in response.content.decode()


def _orders_of_two_buyers(merchant):
    deal = make_deal(merchant=merchant)
    wanted = join_and_pay(deal)
    join_and_pay(deal)
    return wanted


def test_an_invalid_filter_keeps_the_others_and_the_csv_link_exports_the_list():
    # given two paid orders, and a search for one of them with days the wrong way
    merchant, owner = _member()
    wanted = _orders_of_two_buyers(merchant)
    phone = wanted.shopper.phone
    query = {
        "q": phone[-4:],
        "date_from": timezone.localdate().isoformat(),
        "date_to": (timezone.localdate() - timedelta(days=5)).isoformat(),
    }
    # when
    response = owner.get(_url("merchant_orders", merchant), query)
    # then the days are refused on their field and the search still applies
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["date_to"]
    assert [view.order.public_id for view in response.context["views"]] == [
        wanted.public_id
    ]
    # and the CSV link carries what the list applied, and exports just that
    export_query = response.context["export_query"]
    assert "date_to" not in export_query
    csv = owner.get(_url("merchant_order_export", merchant) + "?" + export_query)
    lines = b"".join(csv).decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [wanted.public_id]


def test_a_csv_asked_with_a_filter_that_does_not_read_is_a_400_not_everything():
    merchant, owner = _member()
    wanted = _orders_of_two_buyers(merchant)
    response = owner.get(
        _url("merchant_order_export", merchant),
        {
            "q": wanted.shopper.phone[-4:],
            "date_from": "2026-12-06",
            "date_to": "2026-12-01",
        },
    )
    assert response.status_code == 400
    assert not response.get("Content-Disposition")


def _cancelled_and_refunded(merchant):
    """A paid order its shopper cancelled (status refunded, shown cancelled)
    and a paid order the shop refunded, on one deal of ``merchant``."""
    from groupbuy.deals.services import deal_order_cancel, deal_order_refund

    deal = make_deal(merchant=merchant, title="Tea")
    cancelled = join_and_pay(deal)
    deal_order_cancel(actor=cancelled.shopper, order=cancelled)
    refunded = join_and_pay(deal)
    owner = merchant.memberships.get(role=Role.OWNER).user
    deal_order_refund(
        actor=owner, deal=deal, order_id=refunded.public_id, reason="Out of stock"
    )
    return deal, cancelled, refunded


def _listed(html: str, *orders) -> list[bool]:
    return [f'id="merchant-order-{order.public_id}"' in html for order in orders]


def test_the_status_filters_put_a_shopper_cancelled_order_under_cancelled():
    # It sat under "Refunded" (the stored status) while its pill and the
    # shopper's My orders said "Cancelled, ¥99.00 refunded".
    # given an order its shopper cancelled after paying, one the shop refunded
    merchant, owner = _member()
    deal, cancelled, refunded = _cancelled_and_refunded(merchant)
    orders_url = _url("merchant_orders", merchant)
    deal_url = _url("merchant_deal_detail", merchant, deal.public_id)
    # when the console filters by status, then each is under its shown status
    for url in (orders_url, deal_url):
        under_cancelled = owner.get(url, {"status": "cancelled"}).content.decode()
        under_refunded = owner.get(url, {"status": "refunded"}).content.decode()
        assert _listed(under_cancelled, cancelled, refunded) == [True, False], url
        assert _listed(under_refunded, cancelled, refunded) == [False, True], url
    assert (
        ">Cancelled, ¥99.00 refunded</span>"
        in owner.get(orders_url, {"status": "cancelled"}).content.decode()
    )
    # and the CSV of the Cancelled filter holds it, reading Cancelled
    csv = owner.get(_url("merchant_order_export", merchant), {"status": "cancelled"})
    lines = b"".join(csv).decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    row = lines[1].split(",")
    assert (row[0], row[5], row[7]) == (cancelled.public_id, "Cancelled", "99.00")


def test_the_order_apis_filter_by_shown_status_and_keep_status():
    # given the same two orders
    merchant, owner = _member()
    deal, cancelled, refunded = _cancelled_and_refunded(merchant)
    merchant_api = f"/api/deals/merchants/{merchant.public_id}/orders"
    deal_api = f"/api/deals/{deal.public_id}/orders"
    for url in (merchant_api, deal_api):
        # when asked by shown_status, then by the pages' categories
        by_shown = owner.get(url, {"shown_status": "cancelled"}).json()["items"]
        assert [item["id"] for item in by_shown] == [cancelled.public_id], url
        assert (by_shown[0]["status"], by_shown[0]["shown_status"]) == (
            "refunded",
            "cancelled",
        )
        refunded_shown = owner.get(url, {"shown_status": "refunded"}).json()
        assert [i["id"] for i in refunded_shown["items"]] == [refunded.public_id]
        # and status keeps following the money: both are refunded
        by_status = owner.get(url, {"status": "refunded"}).json()["items"]
        assert {item["id"] for item in by_status} == {
            cancelled.public_id,
            refunded.public_id,
        }, url


def test_a_stopped_deals_unpaid_order_page_and_answer_say_who_stopped_it_and_why():
    # given an unpaid order of the shop's open deal
    merchant, owner = _member()
    deal = make_deal(merchant=merchant)
    shopper = make_user(preferred_language="en")
    order = deal_join(actor=shopper, deal=deal, quantity=1)
    # when the owner stops it with a reason
    owner.post(
        _url("merchant_deal_stop", merchant, deal.public_id),
        {"reason": "Supplier <b>out</b> of stock"},
    )
    # then the shopper's order page says the shop stopped it and quotes them
    page = _login(shopper).get(reverse("web:order_detail", args=[order.public_id]))
    html = page.content.decode()
    assert (
        "The shop stopped this group buy before you paid, so this order is "
        "cancelled; nothing was charged."
    ) in html
    assert "The shop says: “Supplier &lt;b&gt;out&lt;/b&gt; of stock”" in html
    assert "not paid before the group buy closed" not in html
    # and so does the order's answer
    _token, secret = api_token_create(actor=shopper)
    answer = Client().get(
        f"/api/deals/orders/{order.public_id}",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 200
    body = answer.json()
    assert (body["status"], body["cancel_reason"], body["refund_reason"]) == (
        "cancelled",
        "deal_stopped",
        "Supplier <b>out</b> of stock",
    )


def _csv(owner: Client, merchant, query=None) -> list[dict]:
    import csv as csv_module

    answer = owner.get(_url("merchant_order_export", merchant), query or {})
    assert answer.status_code == 200
    text = b"".join(answer).decode("utf-8-sig")
    return list(csv_module.DictReader(text.splitlines()))


def test_the_csv_filters_by_the_day_paid_as_sales_counts_and_gives_paid_at():
    from groupbuy.core.days import day_start

    # given an order joined at 23:30 on 12-01 (the site's time) and paid at
    # 00:30 on 12-02
    merchant, owner = _member()
    order = join_and_pay(make_deal(merchant=merchant))
    paid_day = timezone.localdate() - timedelta(days=3)
    paid_at = day_start(paid_day) + timedelta(minutes=30)
    DealOrder.objects.filter(pk=order.pk).update(
        joined_at=paid_at - timedelta(hours=1), paid_at=paid_at
    )
    day = {"date_from": paid_day.isoformat(), "date_to": paid_day.isoformat()}
    # when Sales and the CSV are asked for the day it was paid
    sales = owner.get(f"/api/deals/merchants/{merchant.public_id}/sales", day).json()
    by_paid = _csv(owner, merchant, {**day, "date_by": "paid"})
    by_joined = _csv(owner, merchant, day)
    api = owner.get(
        f"/api/deals/merchants/{merchant.public_id}/orders",
        {**day, "date_by": "paid"},
    ).json()
    # then the CSV by day paid holds the order Sales counts, with its paid_at
    assert sales["total"]["orders"] == 1
    assert [row["order"] for row in by_paid] == [order.public_id]
    assert by_paid[0]["paid_at"] == timezone.localtime(paid_at).isoformat(
        timespec="seconds"
    )
    assert by_paid[0]["refunded_yuan"] == "0.00"
    assert [item["id"] for item in api["items"]] == [order.public_id]
    # and by the day joined (the default, said on the form) it is not that day's
    assert by_joined == []
    page = owner.get(_url("merchant_orders", merchant), {**day, "date_by": "paid"})
    assert "date_by=paid" in page.context["export_query"]
    assert order.public_id in page.content.decode()


def test_the_orders_api_refuses_a_reversed_period_as_sales_does():
    merchant, owner = _member()
    join_and_pay(make_deal(merchant=merchant))
    reversed_period = {"date_from": "2026-12-31", "date_to": "2026-12-01"}
    answers = [
        owner.get(f"/api/deals/merchants/{merchant.public_id}/{path}", reversed_period)
        for path in ("orders", "sales")
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json() == answers[1].json()
    assert answers[0].json()["fields"] == {
        "date_to": ["The end date is before the start date."]
    }


def test_an_erased_buyer_reads_deleted_user_with_no_phone():
    # given an order whose buyer's account was erased (kept under a pseudonym)
    merchant, owner = _member()
    order = join_and_pay(make_deal(merchant=merchant))
    shopper = order.shopper
    shopper.phone, shopper.display_name = "del_af36e5b4ce1e4d14", ""
    shopper.save(update_fields=["phone", "display_name"])
    # when the shop reads its CSV, its list, the deal's page and its orders API
    (row,) = _csv(owner, merchant)
    page = owner.get(_url("merchant_orders", merchant)).content.decode()
    deal_page = owner.get(
        _url("merchant_deal_detail", merchant, order.deal.public_id)
    ).content.decode()
    (item,) = owner.get(f"/api/deals/merchants/{merchant.public_id}/orders").json()[
        "items"
    ]
    # then each names a deleted user, and no pseudonym dressed as a phone
    assert (row["buyer"], row["phone_masked"]) == ("Deleted user", "")
    assert "Deleted user" in page and "del_af36" not in page
    assert "Deleted user" in deal_page and "del_af36" not in deal_page
    assert (item["shopper_name"], item["shopper_phone"]) == ("Deleted user", "")
