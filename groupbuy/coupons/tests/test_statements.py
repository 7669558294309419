"""Settlement statements list every redemption and conflict of the period."""

import csv
import io

import pytest
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from groupbuy.accounts.services import api_token_create
from groupbuy.core.money import format_fen, format_fen_for_spreadsheet
from groupbuy.coupons.models import RedemptionConflict
from groupbuy.coupons.services import (
    coupon_redeem_online,
    coupon_refund_by_merchant,
    coupon_refund_unused,
)
from groupbuy.coupons.statements import month_bounds
from groupbuy.coupons.tests.factories import (
    balance_of,
    confirmed_orders,
    coupon_for,
    make_station,
)
from groupbuy.coupons.tests.test_api import auth

pytestmark = pytest.mark.django_db


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_the_statement_totals_redemptions_less_the_fee(client):
    station = make_station()
    one, two = confirmed_orders(station.merchant, quantities=(1, 2))
    one.deal.title = "=HYPERLINK(1)"  # a formula to a spreadsheet
    one.deal.save(update_fields=["title"])
    for order in (one, two):
        coupon_redeem_online(
            actor=station.owner,
            merchant=station.merchant,
            code=coupon_for(order).code,
            quantity=coupon_for(order).quantity,
        )
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    page = client.get(url)
    assert page.status_code == 200
    assert coupon_for(two).serial.encode() in page.content
    spreadsheet = client.get(url + "?format=csv").content.decode()
    rows = list(csv.reader(io.StringIO(spreadsheet)))
    # a byte-order mark first, as the orders' CSV: Excel reads the Chinese right
    assert spreadsheet.startswith("\ufeffkind,redeemed_at,")
    assert {row[3] for row in rows[1:-1]} == {"'=HYPERLINK(1)"}
    # times in the site's zone (Asia/Shanghai), as the orders' export
    assert {row[1][-6:] for row in rows[1:-1]} == {"+08:00"}
    total = 3 * 9_900
    fee = 297 + 594  # 3 % of 99.00 and of 198.00
    assert rows[-1][1:7] == ["", "", "", "", "297.00", "8.91"]
    assert len(rows) == 4  # header, two redemptions, total
    _token, secret = api_token_create(actor=station.owner)
    body = client.get(
        f"/api/coupons/merchants/{station.merchant.public_id}/statement",
        headers={"Authorization": f"Bearer {secret}"},
    ).json()
    assert (body["redeemed_fen"], body["fee_fen"], body["net_fen"]) == (
        total,
        fee,
        total - fee,
    )


def _one_settled_and_one_paid_at_close_redeemed():
    """A station whose merchant's coupons are redeemed today: one unit of a deal
    settled on redemption, two of a deal that paid the merchant at close."""
    station = make_station()
    (settles,) = confirmed_orders(station.merchant, quantities=(1,))
    (paid,) = confirmed_orders(
        station.merchant, quantities=(2,), settlement_mode="on_close"
    )
    for order in (settles, paid):
        coupon_redeem_online(
            actor=station.owner,
            merchant=station.merchant,
            code=coupon_for(order).code,
            quantity=coupon_for(order).quantity,
        )
    return station, settles, paid


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_the_statement_csv_writes_yuan_and_words_as_the_orders_export(client):
    # given one coupon settled on redemption and one of a deal paid at close,
    # redeemed today, and an owner reading English
    station, settles, paid = _one_settled_and_one_paid_at_close_redeemed()
    station.owner.preferred_language = "en"
    station.owner.save(update_fields=["preferred_language"])
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/?format=csv"
    # when they download the statement
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))
    # then money is yuan with two decimals, as the orders' export writes it,
    # and the values are words the owner reads (until 2026-12-05: fen,
    # "redemption", "online", "paid at close 19800" and "net 9603")
    assert [row[:1] + row[2:] for row in rows] == [
        [
            "\ufeffkind",
            "serial",
            "deal",
            "quantity",
            "amount_yuan",
            "fee_yuan",
            "channel",
            "branch",
            "note",
        ],
        [
            "Redemption",
            coupon_for(settles).serial,
            settles.deal.title,
            "1",
            "99.00",
            "2.97",
            "Console (online)",
            "Main",  # the shop's only open branch, none being named
            "",
        ],
        [
            "Redemption",
            coupon_for(paid).serial,
            paid.deal.title,
            "2",
            "0.00",
            "0.00",
            "Console (online)",
            "Main",
            "Paid when the deal closed: ¥198.00",
        ],
        ["Total", "", "", "", "99.00", "2.97", "", "", "Net: ¥96.03"],
    ]


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_redemptions_of_a_deal_paid_at_close_are_listed_but_in_no_total(client):
    # given one deal settled on redemption and one that paid the merchant at close,
    # when both coupons are redeemed
    station, _settles, paid = _one_settled_and_one_paid_at_close_redeemed()
    # then only the first counts; the second is listed as paid at close
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    page = client.get(url).content.decode()
    assert coupon_for(paid).serial in page
    assert 'id="statement-paid-at-close">¥198.00<' in page
    rows = list(
        csv.reader(io.StringIO(client.get(url + "?format=csv").content.decode()))
    )
    by_serial = {row[2]: row for row in rows[1:-1]}
    assert by_serial[coupon_for(paid).serial][5:7] == ["0.00", "0.00"]
    assert by_serial[coupon_for(paid).serial][9].endswith("¥198.00")
    assert rows[-1][5:7] == ["99.00", "2.97"]
    _token, secret = api_token_create(actor=station.owner)
    body = client.get(
        f"/api/coupons/merchants/{station.merchant.public_id}/statement",
        headers={"Authorization": f"Bearer {secret}"},
    ).json()
    assert (body["redeemed_fen"], body["paid_at_close_fen"], body["net_fen"]) == (
        9_900,
        19_800,
        9_900 - 297,
    )
    assert len(body["redemptions"]) == 2


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_the_statement_charts_what_was_redeemed_each_day(client):
    # given one coupon of a deal settled on redemption and one paid at close,
    # redeemed today
    station, _settles, _paid = _one_settled_and_one_paid_at_close_redeemed()
    # when the owner reads this month's statement
    client.force_login(station.owner)
    response = client.get(f"/coupons/merchant/{station.merchant.public_id}/statement/")
    money, units = response.context["charts"]
    today = timezone.localdate().strftime("%m-%d")
    # then every day of the month has a point; today's holds what it settled
    # (the deal paid at close settled nothing now) and the units redeemed
    start, end = month_bounds(timezone.localdate())
    assert len(money.labels) == (end - start).days + 1
    day = money.labels.index(today)
    assert [series.values[day] for series in money.series] == [9_900, 297]
    assert sum(money.series[0].values) == 9_900
    assert units.series[0].values[day] == 3
    assert 'id="statement-money-chart"' in response.content.decode()
    # and the API gives the same days
    _token, secret = api_token_create(actor=station.owner)
    body = client.get(
        f"/api/coupons/merchants/{station.merchant.public_id}/statement",
        headers={"Authorization": f"Bearer {secret}"},
    ).json()
    assert len(body["days"]) == len(money.labels)
    assert body["days"][day] == {
        "day": timezone.localdate().isoformat(),
        "units": 3,
        "settled_fen": 9_900,
        "fee_fen": 297,
    }


def test_a_statement_with_no_redemption_or_of_years_draws_no_chart(client):
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    response = client.get(url)
    assert response.context["charts"] == []
    assert 'id="statement-charts"' not in response.content.decode()
    # a period of a thousand years is listed and totalled, not drawn by day
    coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(order).code,
        quantity=coupon_for(order).quantity,
    )
    response = client.get(url, {"start": "1970-01-01", "end": "2970-01-01"})
    assert response.status_code == 200
    assert response.context["charts"] == []
    assert coupon_for(order).serial in response.content.decode()


@pytest.mark.parametrize(
    "asked",
    [
        {},
        # days that cannot be read tell them nothing more (until 2026-12-06
        # the API answered them 422 before asking whose statement it was)
        {"start": "nope"},
        {"start": "2026-12-31", "end": "2026-12-01"},
    ],
)
def test_other_merchants_cannot_read_the_statement(client, asked):
    station, other = make_station(), make_station(name="Other shop")
    client.force_login(other.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    assert client.get(url, asked).status_code == 403
    api = f"/api/coupons/merchants/{station.merchant.public_id}/statement"
    response = client.get(api, asked, headers=auth(other.owner))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    # and a merchant there is none of is not found, whatever the days
    nobody = "/api/coupons/merchants/mer_nope/statement"
    assert client.get(nobody, asked, headers=auth(other.owner)).status_code == 404


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_expiries_and_superseded_redemptions_are_adjustments_on_the_statement(
    client, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from groupbuy.coupons import batchfile
    from groupbuy.coupons.services import (
        batch_import,
        coupons_expire_due,
    )

    # given a paid expiry (2 units), and a coupon redeemed offline twice
    station = make_station()
    unused, twice = confirmed_orders(
        station.merchant, quantities=(2, 1), expiry_rule="pay_merchant"
    )
    coupon = coupon_for(twice)
    for device, seconds in (("till-b", 60), ("till-a", 10)):
        body = {
            "merchant_id": station.merchant.public_id,
            "device": device,
            "exported_at": 0,
            "redemptions": [
                {
                    "nonce": device,
                    "serial": coupon.serial,
                    "code": coupon.code,
                    "quantity": 1,
                    "redeemed_at": int(coupon.issued_at.timestamp()) + seconds,
                    "branch": "",
                    "cashier": "",
                }
            ],
        }
        batch_import(
            actor=station.owner,
            merchant=station.merchant,
            data=batchfile.write(body, bytes(station.signing)),
        )
    with django_capture_on_commit_callbacks(execute=True):
        coupons_expire_due(now=coupon_for(unused).expires_at + timedelta(seconds=1))
    # when the merchant reads the statement of the period
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    end = coupon_for(unused).expires_at.date() + timedelta(days=1)
    query = f"?start={coupon.issued_at.date()}&end={end}"
    page = client.get(url + query).content.decode()
    spreadsheet = client.get(url + query + "&format=csv").content.decode()
    rows = list(csv.reader(io.StringIO(spreadsheet)))
    # then the paid expiry counts, the superseded redemption is only listed
    with translation.override("zh-hans"):  # the page's language
        kinds = [row[0] for row in rows[1:]]
        assert kinds == [
            str(_(kind))
            for kind in ("Redemption", "Conflict", "Expired unredeemed", "Total")
        ]
        assert rows[2][9].startswith(str(RedemptionConflict.Reason.SUPERSEDED.label))
    # 297.00 in all, 8.91 of fee: 288.09 net
    assert rows[-1][5:7] == ["297.00", "8.91"]
    assert rows[-1][9].endswith("¥288.09")
    assert 'id="statement-expiries"' in page
    with translation.override("zh-hans"):  # the page's language
        assert str(RedemptionConflict.Reason.SUPERSEDED.label) in page
    assert client.get(url + query + "&format=pdf").status_code == 200


@pytest.mark.parametrize(
    ("start", "end", "fields"),
    [
        ("0001-01-01", "0001-01-31", ["end", "start"]),
        ("2026-12-01", "9999-12-31", ["end"]),
    ],
)
def test_a_statement_at_the_edge_of_the_calendar_is_a_400_not_a_500(
    client, start, end, fields
):
    station = make_station()
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    for format in ("", "csv", "pdf"):
        response = client.get(url, {"start": start, "end": end, "format": format})
        assert response.status_code == 400
    _token, secret = api_token_create(actor=station.owner)
    response = client.get(
        f"/api/coupons/merchants/{station.merchant.public_id}/statement",
        {"start": start, "end": end},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_date"
    assert sorted(response.json()["fields"]) == fields


def test_a_statement_ending_before_it_starts_is_refused_as_the_sales_page_does(
    client,
):
    # given an owner reading the site in English
    station = make_station()
    station.owner.preferred_language = "en"
    station.owner.save(update_fields=["preferred_language"])
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    reversed_days = {"start": "2026-12-31", "end": "2026-12-01"}
    # when the end is before the start, on the page, its files and the API
    page = client.get(url, reversed_days)
    files = [client.get(url, {**reversed_days, "format": f}) for f in ("csv", "pdf")]
    _token, secret = api_token_create(actor=station.owner)
    api = client.get(
        f"/api/coupons/merchants/{station.merchant.public_id}/statement",
        reversed_days,
        headers={"Authorization": f"Bearer {secret}"},
    )
    # then each is refused with the sales page's words (until 2026-12-06 a 200
    # of zeros headed "2026-12-31 – 2026-12-01"); the page shows this month
    assert page.status_code == 400
    html = page.content.decode()
    assert "The end date is before the start date." in html
    assert "2026-12-31 – 2026-12-01" not in html
    first, last = month_bounds(timezone.localdate())
    assert (page.context["statement"].start, page.context["statement"].end) == (
        first,
        last,
    )
    assert [response.status_code for response in files] == [400, 400]
    assert api.status_code == 400
    assert api.json()["code"] == "invalid_date"
    assert api.json()["fields"] == {"end": ["The end date is before the start date."]}


def test_a_conflicts_station_is_named_as_a_station_not_bare_in_brackets():
    # (the statement and its CSV read "已核销 (station)": the station's own
    # name, "station" unless the merchant named it, bare in brackets)
    conflict = RedemptionConflict(reason="already_redeemed", device="station")
    with translation.override("en"):
        assert conflict.reason_and_device == ("Already redeemed, at station “station”")
        conflict.device = ""
        assert conflict.reason_and_device == "Already redeemed"


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_coupons_refunded_unused_are_deducted_on_the_statement(client):
    # given a coupon of 3 units of a deal that paid the merchant at close, one
    # redeemed, the other two then refunded by the shop (taken back from its
    # payable), and a coupon of a deal settled on redemption refunded by its
    # shopper (from merchant-pending: the merchant had not been paid for it)
    station = make_station()
    (paid,) = confirmed_orders(
        station.merchant, quantities=(3,), settlement_mode="on_close"
    )
    (pending,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(paid).code,
        quantity=1,
    )
    payable = balance_of("merchant_payable", merchant=station.merchant)
    coupon_refund_by_merchant(
        actor=station.owner, coupon=coupon_for(paid), reason="Closed for works"
    )
    coupon_refund_unused(actor=pending.shopper, coupon=coupon_for(pending))
    taken = payable - balance_of("merchant_payable", merchant=station.merchant)
    amount = 2 * paid.final_unit_price_fen
    assert 0 < taken < amount  # the rest is the platform's fee returned
    # when the owner reads this month's statement: API, CSV, page and PDF
    _token, secret = api_token_create(actor=station.owner)
    merchant_id = station.merchant.public_id
    body = client.get(
        f"/api/coupons/merchants/{merchant_id}/statement",
        headers={"Authorization": f"Bearer {secret}"},
    ).json()
    client.force_login(station.owner)
    url = f"/coupons/merchant/{merchant_id}/statement/"
    rows = list(
        csv.reader(io.StringIO(client.get(url + "?format=csv").content.decode()))
    )
    page = client.get(url).content.decode()
    pdf = client.get(url + "?format=pdf")
    # then the take-back is deducted, as the ledger moved it (until 2026-12-06
    # the statement said nothing of refunds: taken_back_fen 0, net 0)
    assert (body["taken_back_fen"], body["net_fen"]) == (taken, -taken)
    # no fee charged: the fee returned is not in the take-back (2026-12-06:
    # it was taken off both, the fee read -(amount - taken))
    assert body["fee_fen"] == 0
    assert [
        (r["serial"], r["outcome"], r["amount_fen"], r["taken_back_fen"])
        for r in body["refunds"]
    ] == [
        (coupon_for(paid).serial, "taken_back", amount, taken),
        (coupon_for(pending).serial, "refunded", pending.final_unit_price_fen, 0),
    ]
    _header, _redemption, *refunded, _total = rows
    assert [(row[2], row[4], row[5], row[6]) for row in refunded] == [
        (
            coupon_for(paid).serial,
            "2",
            format_fen_for_spreadsheet(-taken),
            format_fen_for_spreadsheet(0),
        ),
        (
            coupon_for(pending).serial,
            "1",
            format_fen_for_spreadsheet(0),
            format_fen_for_spreadsheet(0),
        ),
    ]
    assert rows[-1][5] == format_fen_for_spreadsheet(-taken)
    assert rows[-1][-1].endswith(format_fen(-taken))
    assert 'id="statement-refunds"' in page
    assert page.count(coupon_for(paid).serial) == 2  # redeemed, then refunded
    assert pdf.status_code == 200


@pytest.mark.parametrize(
    "asked, field",
    [
        # a day that does not exist: until 2026-12-06 a 200 headed
        # "2026-11-01 – 2026-12-31" (the end fell back to this month's)
        ({"start": "2026-11-01", "end": "2026-11-31"}, "end"),
        # a day written in another order: until then this month, unsaid
        ({"start": "2026/11/01", "end": "2026-11-30"}, "start"),
        ({"start": "yesterday"}, "start"),
    ],
)
def test_a_statement_of_days_that_cannot_be_read_is_refused_never_replaced(
    client, asked, field
):
    # given an owner reading English
    station = make_station()
    station.owner.preferred_language = "en"
    station.owner.save(update_fields=["preferred_language"])
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    # when they ask for the page and its files
    page = client.get(url, asked)
    files = [client.get(url, {**asked, "format": f}) for f in ("csv", "pdf")]
    # then the page is a 400 saying so on the field, above this month's
    # statement (as the sales page)
    assert page.status_code == 400
    form = page.context["form"]
    assert list(form.errors) == [field]
    assert form.errors[field] == [
        "Enter a day that exists, as YYYY-MM-DD (2026-11-30)."
    ]
    html = page.content.decode()
    assert 'id="statement-period-error"' in html
    assert "This month's statement is shown instead." in html
    first, last = month_bounds(timezone.localdate())
    assert (page.context["statement"].start, page.context["statement"].end) == (
        first,
        last,
    )
    # and no file is made: a 400 naming the day that could not be read
    for response in files:
        assert response.status_code == 400
        assert "Content-Disposition" not in response
        message = response.content.decode()
        assert "The days asked for could not be read." in message
        assert asked[field] in message
    # and the API refuses it alike, naming the parameter as sent (until
    # 2026-12-06 a 422 of its own query parsing, "Input should be a valid date")
    api = client.get(
        f"/api/coupons/merchants/{station.merchant.public_id}/statement",
        asked,
        headers=auth(station.owner),
    )
    assert api.status_code == 400
    assert api.json() == {
        "code": "invalid_date",
        "message": f"{field}: Enter a day that exists, as YYYY-MM-DD (2026-11-30).",
        "fields": {field: ["Enter a day that exists, as YYYY-MM-DD (2026-11-30)."]},
    }


def test_a_statement_day_that_cannot_be_read_is_refused_in_chinese(client):
    # given an owner reading Chinese
    station = make_station()
    station.owner.preferred_language = "zh-hans"
    station.owner.save(update_fields=["preferred_language"])
    client.force_login(station.owner)
    asked = {"start": "2026-11-01", "end": "2026-11-31"}
    # when they ask for the page and the API
    page = client.get(
        f"/coupons/merchant/{station.merchant.public_id}/statement/", asked
    )
    api = client.get(
        f"/api/coupons/merchants/{station.merchant.public_id}/statement",
        asked,
        headers={**auth(station.owner), "Accept-Language": "zh-hans"},
    )
    # then the refusal and the month shown instead read as Chinese is written:
    # no space after 。, a full-width colon after the field
    reason = "请输入存在的日期，格式为 YYYY-MM-DD（如 2026-11-30）。"
    html = page.content.decode()
    assert f"至“2026-11-31”：{reason}下面显示的是本月的结算单。" in html
    assert api.json()["message"] == f"end：{reason}"


def test_a_lone_day_asks_for_the_statement_of_its_month(client):
    # given an owner
    station = make_station()
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    _token, secret = api_token_create(actor=station.owner)
    api = f"/api/coupons/merchants/{station.merchant.public_id}/statement"
    headers = {"Authorization": f"Bearer {secret}"}
    cases = [
        # a lone end: its month up to it (until 2026-12-06 refused as "before
        # the start", the start being this month's first day)
        ({"end": "2026-11-30"}, ("2026-11-01", "2026-11-30")),
        ({"end": "2026-11-15"}, ("2026-11-01", "2026-11-15")),
        # a lone start, or an empty end: to the end of its month (until then
        # to the end of this month, under a heading of several months)
        ({"start": "2026-11-01", "end": ""}, ("2026-11-01", "2026-11-30")),
        ({"start": "2026-02-10"}, ("2026-02-10", "2026-02-28")),
        # a day not padded with zeros is still read as the day it names (by
        # the API too: until 2026-12-06 it was a 422 there)
        ({"start": "2026-1-1", "end": "2026-1-31"}, ("2026-01-01", "2026-01-31")),
        ({"start": "2026-1-1", "end": ""}, ("2026-01-01", "2026-01-31")),
    ]
    for asked, (start, end) in cases:
        # when it asks for the page, the CSV and (without empties) the API
        page = client.get(url, asked)
        spreadsheet = client.get(url, {**asked, "format": "csv"})
        # then each is the statement of those days
        assert page.status_code == 200, asked
        statement = page.context["statement"]
        assert (statement.start.isoformat(), statement.end.isoformat()) == (
            start,
            end,
        )
        assert f"{start} – {end}" in page.content.decode()
        assert spreadsheet["Content-Disposition"].endswith(f'-{start}-{end}.csv"')
        body = client.get(api, asked, headers=headers).json()
        assert (body["start"], body["end"]) == (start, end), asked


def _redeemed_by_two_stations(station, coupon) -> None:
    """till-b's later redemption arrives first, then till-a's earlier one
    supersedes it."""
    from groupbuy.coupons import batchfile
    from groupbuy.coupons.services import batch_import

    for device, seconds in (("till-b", 60), ("till-a", 10)):
        entry = {
            "nonce": f"{device}-{coupon.serial}",
            "serial": coupon.serial,
            "code": coupon.code,
            "quantity": 1,
            "redeemed_at": int(coupon.issued_at.timestamp()) + seconds,
            "branch": "",
            "cashier": "",
        }
        body = {
            "merchant_id": station.merchant.public_id,
            "device": device,
            "exported_at": 0,
            "redemptions": [entry],
        }
        batch_import(
            actor=station.owner,
            merchant=station.merchant,
            data=batchfile.write(body, bytes(station.signing)),
        )


def test_a_superseded_redemption_of_a_deal_paid_at_close_reverses_no_settlement(
    client, monkeypatch
):
    # given a coupon of a deal paid at close and one of a deal settled on
    # redemption, each redeemed by two stations, the later upload superseded
    from groupbuy.coupons import pdfs

    station = make_station()
    station.owner.preferred_language = "en"
    station.owner.save(update_fields=["preferred_language"])
    (at_close,) = confirmed_orders(
        station.merchant, quantities=(1,), settlement_mode="on_close"
    )
    (on_redemption,) = confirmed_orders(station.merchant, quantities=(1,))
    for order in (at_close, on_redemption):
        _redeemed_by_two_stations(station, coupon_for(order))
    # when the owner reads the statement: page, CSV and PDF
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    page = client.get(url).content.decode()
    rows = list(
        csv.reader(io.StringIO(client.get(url + "?format=csv").content.decode()))
    )
    lines = []
    monkeypatch.setattr(pdfs, "_small", lambda pdf, text: lines.append(text))
    assert client.get(url + "?format=pdf").status_code == 200
    # then the deal paid at close says no settlement was reversed, the other
    # that its settlement was reversed, and the CSV names each conflict's deal
    superseded = {
        c.coupon.order_id: c
        for c in RedemptionConflict.objects.select_related("coupon")
    }
    when = {
        order.pk: timezone.localtime(superseded[order.pk].superseded_at)
        for order in (at_close, on_redemption)
    }
    at_close_note = (
        f"superseded {when[at_close.pk]:%Y-%m-%d %H:%M}; no settlement to "
        "reverse (the deal paid the shop when it closed)"
    )
    reversed_note = f"settlement reversed {when[on_redemption.pk]:%Y-%m-%d %H:%M}"
    assert at_close_note in page and reversed_note in page
    assert page.count("settlement reversed") == 1
    conflicts = {row[2]: row for row in rows if row[0] == "Conflict"}
    for order, note in ((at_close, at_close_note), (on_redemption, reversed_note)):
        row = conflicts[coupon_for(order).serial]
        assert row[3] == order.deal.title
        assert row[9] == (
            f"Superseded by an earlier redemption, at station “till-b”; {note}"
        )
        assert any(line.endswith(note) for line in lines)


def test_the_csvs_outcome_and_amount_are_joined_as_the_language_writes_them(
    client, monkeypatch
):
    # given a coupon refunded unused, and a translation using full-width colons
    from groupbuy.coupons import statements

    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon_refund_unused(actor=order.shopper, coupon=coupon_for(order))
    full_width = {"%(outcome)s: %(amount)s": "%(outcome)s：%(amount)s"}
    monkeypatch.setattr(statements.export, "_", lambda text: full_width.get(text, text))
    # when the statement is written as CSV
    start, end = month_bounds(timezone.localdate())
    result = statements.statement_for(merchant=station.merchant, start=start, end=end)
    with translation.override("en"):
        rows = list(csv.reader(io.StringIO(statements.statement_csv(result))))
    # then the refund's note is joined by the translation's colon
    (refund,) = [row for row in rows if row[0] == "Refunded unused"]
    assert refund[9] == f"Refunded to the shopper：{format_fen(9_900)}"


def test_the_statement_csv_names_the_branch_in_the_readers_language(client):
    # given a redemption at a branch named in Chinese and in English
    station, _settles, _paid = _one_settled_and_one_paid_at_close_redeemed()
    station.merchant.branches.update(name="东门店", name_en="East gate")
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/?format=csv"
    client.force_login(station.owner)

    def branch_column(language: str) -> set[str]:
        station.owner.preferred_language = language
        station.owner.save(update_fields=["preferred_language"])
        rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))
        branch = rows[0].index("branch")
        return {row[branch] for row in rows[1:-1]}

    # when an owner reading English, then one reading Chinese, downloads it
    # then each reads the branch in their language, as the page and PDF name it
    assert branch_column("en") == {"East gate"}
    assert branch_column("zh-hans") == {"东门店"}
