"""The shop's money page over a period: balances, lines and its CSV."""

import csv
import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from groupbuy.catalog.tests.factories import make_merchant_member, make_user
from groupbuy.core.money import format_fen
from groupbuy.escrow.tests.test_merchant_money import _local, _post

pytestmark = pytest.mark.django_db


def _owner_and_activity():
    """An owner reading English whose shop was paid 100.00 on Oct 31 and 50.00
    on Nov 2, then paid out 30.00 on Nov 3 (Shanghai days)."""
    membership = make_merchant_member(user=make_user(preferred_language="en"))
    merchant = membership.merchant
    _post(merchant, 10_000, _local(date(2026, 10, 31), 86_399))
    _post(merchant, 5_000, _local(date(2026, 11, 2), 0))
    _post(merchant, -3_000, _local(date(2026, 11, 3), 3600))
    client = Client()
    client.force_login(membership.user)
    return client, merchant


def _url(merchant) -> str:
    return reverse("web:merchant_money", args=[merchant.public_id])


def test_the_money_page_shows_a_periods_opening_lines_and_closing():
    # given
    client, merchant = _owner_and_activity()
    # when the owner asks for November
    page = client.get(
        _url(merchant), {"date_from": "2026-11-01", "date_to": "2026-11-30"}
    )
    # then it opens at what was owed on Nov 1 and closes at what was owed at
    # the end of Nov 30, November's two lines between (until 2026-12-06 the
    # page had no period, no balances but the current one, and no CSV)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<div class="value" id="money-opening">¥100.00</div>' in html
    assert '<div class="value" id="money-closing">¥120.00</div>' in html
    assert [line.amount_fen for line in page.context["lines"].items] == [-3_000, 5_000]
    assert "?date_from=2026-11-01&date_to=2026-11-30&format=csv" in html


def test_the_money_csv_is_the_periods_lines_between_its_balances():
    client, merchant = _owner_and_activity()
    response = client.get(
        _url(merchant),
        {"date_from": "2026-11-01", "date_to": "2026-11-30", "format": "csv"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(
        f'money-{merchant.public_id}-2026-11-01-2026-11-30.csv"'
    )
    text = response.content.decode()
    # a byte-order mark first, as the other CSVs: Excel reads the Chinese right
    assert text.startswith("\ufeffcreated_at,entry,description,amount_yuan")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert [(row[0], row[1], row[3]) for row in rows] == [
        ("2026-11-01T00:00:00+08:00", "Opening balance", "100.00"),
        ("2026-11-02T00:00:00+08:00", "test.money", "50.00"),
        ("2026-11-03T01:00:00+08:00", "test.money", "-30.00"),
        ("2026-11-30T23:59:59+08:00", "Closing balance", "120.00"),
    ]


@pytest.mark.parametrize(
    "asked, field, message",
    [
        (
            {"date_from": "2026-11-30", "date_to": "2026-11-01"},
            "date_to",
            "The end date is before the start date.",
        ),
        (
            {"date_from": "2025-01-01", "date_to": "2026-11-30"},
            "date_from",
            "Choose a period of at most 366 days (this one has 699).",
        ),
        ({"date_from": "2026-11-31"}, "date_from", "Enter a valid date."),
    ],
)
def test_a_period_the_money_page_cannot_show_is_refused_never_replaced(
    asked, field, message
):
    # given
    client, merchant = _owner_and_activity()
    # when the owner asks for days it cannot have, on the page and as CSV
    page = client.get(_url(merchant), asked)
    spreadsheet = client.get(_url(merchant), {**asked, "format": "csv"})
    # then the page says why on the field, showing no lines nor balances
    # (until 2026-12-06 the whole history, under the days typed)
    assert page.status_code == 400
    assert page.context["form"].errors[field] == [message]
    assert page.context["period"] is None
    html = page.content.decode()
    assert 'id="money-no-period"' in html
    assert 'id="money-opening"' not in html and 'id="ledger-' not in html
    assert 'id="money-csv"' not in html
    # and no file is made: a 400 page saying why
    assert spreadsheet.status_code == 400
    assert "Content-Disposition" not in spreadsheet
    assert message in spreadsheet.content.decode()


def test_the_money_pages_keep_the_period_and_the_csv_is_the_owners():
    # given 25 lines in November (20 a page)
    client, merchant = _owner_and_activity()
    for hour in range(22):
        _post(merchant, 100, _local(date(2026, 11, 10), hour * 3600))
    asked = {"date_from": "2026-11-01", "date_to": "2026-11-30"}
    # when the owner turns the page
    first = client.get(_url(merchant), asked)
    second = client.get(_url(merchant), {**asked, "page": 2})
    # then the next link keeps the days, and page 2 is the rest of November
    assert "date_from=2026-11-01&amp;date_to=2026-11-30&amp;page=2" in (
        first.content.decode()
    )
    assert len(first.context["lines"].items) == 20
    assert len(second.context["lines"].items) == 4
    assert second.context["period"].closing_fen == 12_000 + 2_200
    # and a cashier, another shop's owner and a shopper get neither
    cashier = make_merchant_member(merchant=merchant, role="cashier").user
    for user in (cashier, make_merchant_member().user, make_user()):
        other = Client()
        other.force_login(user)
        for params in (asked, {**asked, "format": "csv"}):
            assert other.get(_url(merchant), params).status_code == 403


def _sale_taken_back():
    """A shop paid at close for 2 units of Jasmine tea bought by Lan Wei, then
    one unit's money taken back for her; its owner and she read English."""
    from django.utils import timezone

    from groupbuy.deals.models import DealOrder
    from groupbuy.deals.services import deal_close_now, deal_settle
    from groupbuy.deals.tests.factories import join_and_pay, make_deal
    from groupbuy.escrow.takeback import escrow_take_back_released

    membership = make_merchant_member(user=make_user(preferred_language="en"))
    owner, merchant = membership.user, membership.merchant
    deal = make_deal(merchant=merchant, tiers=[(1, 5_000)])
    deal.settlement_mode = "on_close"
    deal.save(update_fields=["settlement_mode"])
    shopper = make_user(display_name="Lan Wei", preferred_language="en")
    order = join_and_pay(deal, quantity=2, shopper=shopper)
    deal = deal_close_now(actor=owner, deal=deal)
    deal_settle(deal=deal)
    order = DealOrder.objects.get(pk=order.pk)
    escrow_take_back_released(
        actor=owner, order=order, amount_fen=5_000, idempotency_key="t:1"
    )
    day = timezone.localtime(order.joined_at).strftime("%Y-%m-%d")
    return owner, shopper, merchant, order, day


def test_a_take_back_line_says_what_was_sold_to_whom_with_a_minus_sign():
    # given one unit's money taken back from the shop for its shopper
    owner, _shopper, merchant, order, day = _sale_taken_back()
    client = Client()
    client.force_login(owner)
    # when the owner reads the money page
    page = client.get(_url(merchant), headers={"accept-language": "en"})
    # then the line names the product, the day and the shopper, masked, beside
    # the order's number (until 2026-12-06 the number alone, and "-¥48.50")
    html = page.content.decode()
    (line,) = [
        item
        for item in page.context["lines"].items
        if item.kind == "escrow.released.returned"
    ]
    assert line.description == f"Jasmine tea, ordered {day} by L*** · {order.public_id}"
    assert line.description in html
    assert f">\u2212{format_fen(-line.amount_fen)}</span>" in html
    assert "Lan Wei" not in html


def test_a_take_back_line_reads_to_its_shopper_without_their_name():
    # given
    _owner, shopper, _merchant, order, day = _sale_taken_back()
    client = Client()
    client.force_login(shopper)
    # when the shopper reads their money page
    page = client.get(reverse("web:money"), headers={"accept-language": "en"})
    # then the money coming back names what it was for
    assert f"Jasmine tea, ordered {day} · {order.public_id}" in page.content.decode()


def test_the_money_page_charts_what_was_owed_at_the_end_of_each_day():
    client, merchant = _owner_and_activity()
    # when the owner asks for Nov 1-3
    page = client.get(
        _url(merchant), {"date_from": "2026-11-01", "date_to": "2026-11-03"}
    )
    # then a chart of the balance each day ends on, its figures in a table
    chart = page.context["balance_chart"]
    assert chart.labels == ["11-01", "11-02", "11-03"]
    assert chart.series[0].values == [10_000, 15_000, 12_000]
    html = page.content.decode()
    assert 'id="money-balance-chart"' in html
    assert "<td>¥120.00</td>" in html
    # and the whole history, which has no days to count, has none
    whole = client.get(_url(merchant))
    assert whole.context["balance_chart"] is None
    assert 'id="money-balance-chart"' not in whole.content.decode()
