"""The operator's platform fees page, its CSV and its API: the same figures,
operators only, a bad period refused on its field."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.tests.factories import make_merchant_member, make_user
from groupbuy.escrow.tests.test_platform_fees import november_activity

pytestmark = pytest.mark.django_db

URL = "/payments/operator/fees/"
API = "/api/payments/operator/fees"
NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


def _someone(who: str):
    """A shopper, or a shop's owner or cashier (never an operator)."""
    if who == "shopper":
        return make_user()
    return make_merchant_member(role=who).user


def _operator_client() -> Client:
    client = Client()
    client.force_login(make_user(is_staff=True, preferred_language="en"))
    return client


def test_the_page_gives_novembers_fees_chart_and_merchants():
    # given
    fresh, corner = november_activity()
    # when an operator reading English asks for November
    page = _operator_client().get(URL, NOVEMBER)
    # then the totals are November's revenue lines, with a chart by day and
    # each shop's part (the deposit kept for the platform under no shop)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<div class="value" id="fees-earned">¥27.00</div>' in html
    assert '<div class="value" id="fees-returned">¥1.00</div>' in html
    assert '<div class="value" id="fees-net">¥26.00</div>' in html
    chart = page.context["chart"]
    assert chart.title == "Platform fees per day" and len(chart.labels) == 30
    assert 'id="fees-chart"' in html
    assert f'id="fees-merchant-{corner.public_id}"' in html
    assert f'id="fees-merchant-{fresh.public_id}"' in html
    assert "No merchant (deposits kept for the platform)" in html
    # and names each shop without its internal id, as the payouts page does
    # (until 2026-12-06 "mer_…" under each name)
    assert f">{corner.public_id}<" not in html
    assert "?date_from=2026-11-01&date_to=2026-11-30&format=csv" in html
    # and the operator console's menu links to it, marked as the page open
    assert f'href="{URL}" aria-current="page" id="operator-nav-fees"' in html


def test_the_console_menu_links_to_the_fees_page():
    html = _operator_client().get("/operator/").content.decode()
    assert f'href="{URL}"' in html and "Platform fees" in html


def test_the_page_reads_in_chinese():
    client = Client()
    client.force_login(make_user(is_staff=True, preferred_language="zh-hans"))
    with translation.override("zh-hans"):
        page = client.get(URL)
    assert page.status_code == 200
    assert '<html lang="zh-Hans">' in page.content.decode()


def test_the_csv_is_one_row_a_day_and_merchant_then_the_total():
    fresh, corner = november_activity()
    response = _operator_client().get(URL, {**NOVEMBER, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(
        'platform-fees-2026-11-01-2026-11-30.csv"'
    )
    text = response.content.decode()
    assert text.startswith(
        "\ufeffday,merchant_id,merchant,fees_earned_yuan,fees_returned_yuan,net_yuan"
    )
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert sorted(rows[:-1]) == sorted(
        [
            ["2026-11-01", fresh.public_id, "鲜邻超市", "4.00", "0.00", "4.00"],
            ["2026-11-01", corner.public_id, "Corner Shop", "2.00", "0.00", "2.00"],
            ["2026-11-03", fresh.public_id, "鲜邻超市", "0.00", "1.00", "-1.00"],
            ["2026-11-03", "", "No merchant", "15.00", "0.00", "15.00"],
            ["2026-11-30", corner.public_id, "Corner Shop", "6.00", "0.00", "6.00"],
        ]
    )
    assert rows[-1] == ["", "", "Total", "27.00", "1.00", "26.00"]


@pytest.mark.parametrize(
    "asked, field, message",
    [
        (
            {"date_from": "2026-11-30", "date_to": "2026-11-01"},
            "date_to",
            "The end date is before the start date.",
        ),
        ({"date_from": "2026-11-31"}, "date_from", "Enter a valid date."),
        (
            {"date_from": "2025-01-01", "date_to": "2026-11-30"},
            "date_from",
            "Choose a period of at most 366 days (this one has 699).",
        ),
        (
            {"date_from": "0001-01-01", "date_to": "2026-11-30"},
            "date_from",
            "Choose a day from 1900-01-01 to 9998-12-31.",
        ),
    ],
)
def test_a_bad_period_is_a_400_on_its_field_and_never_a_file(asked, field, message):
    client = _operator_client()
    page = client.get(URL, asked)
    assert page.status_code == 400
    assert page.context["form"].errors[field] == [message]
    # no figures, nor a CSV of other days, under the days typed (until
    # 2026-12-06 this month's figures and its CSV link were shown below)
    assert page.context["fees"] is None
    html = page.content.decode()
    assert 'id="fees-earned"' not in html and 'id="fees-csv"' not in html
    assert 'id="fees-per-merchant"' not in html
    assert 'id="fees-no-period"' in html
    download = client.get(URL, {**asked, "format": "csv"})
    assert download.status_code == 400
    assert "Content-Disposition" not in download
    assert message in download.content.decode()


@pytest.mark.parametrize("who", ["shopper", "owner", "cashier"])
def test_the_page_and_its_csv_are_404_to_anyone_but_operators(who):
    user = _someone(who)
    client = Client()
    client.force_login(user)
    assert client.get(URL, NOVEMBER).status_code == 404
    assert client.get(URL, {**NOVEMBER, "format": "csv"}).status_code == 404
    # a bad period tells them nothing either
    assert client.get(URL, {"date_from": "x"}).status_code == 404
    html = client.get("/").content.decode()
    assert URL not in html


def test_a_visitor_is_sent_to_sign_in():
    response = Client().get(URL, NOVEMBER)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def _api(user, **params):
    _token, secret = api_token_create(actor=user)
    return Client().get(API, params, headers={"Authorization": f"Bearer {secret}"})


def test_the_api_gives_the_pages_figures():
    fresh, corner = november_activity()
    operator = make_user(is_staff=True, preferred_language="en")
    answer = _api(operator, **NOVEMBER)
    assert answer.status_code == 200
    body = answer.json()
    assert {k: body[k] for k in ("earned_fen", "returned_fen", "net_fen", "by")} == {
        "earned_fen": 2_700,
        "returned_fen": 100,
        "net_fen": 2_600,
        "by": "day",
    }
    assert (body["date_from"], body["date_to"]) == ("2026-11-01", "2026-11-30")
    assert len(body["buckets"]) == 30
    assert body["buckets"][2] == {
        "start": "2026-11-03",
        "earned_fen": 1_500,
        "returned_fen": 100,
        "net_fen": 1_400,
    }
    assert body["merchants"] == [
        {
            "merchant_id": corner.public_id,
            "merchant_name": "Corner Shop",
            "earned_fen": 800,
            "returned_fen": 0,
            "net_fen": 800,
        },
        {
            "merchant_id": fresh.public_id,
            "merchant_name": "鲜邻超市",
            "earned_fen": 400,
            "returned_fen": 100,
            "net_fen": 300,
        },
        {
            "merchant_id": None,
            "merchant_name": "",
            "earned_fen": 1_500,
            "returned_fen": 0,
            "net_fen": 1_500,
        },
    ]


def test_the_api_refuses_a_bad_period_on_its_field():
    operator = make_user(is_staff=True, preferred_language="en")
    reversed_days = _api(operator, date_from="2026-11-30", date_to="2026-11-01")
    assert reversed_days.status_code == 400
    assert reversed_days.json() == {
        "code": "invalid_date",
        "message": "date_to: The end date is before the start date.",
        "fields": {"date_to": ["The end date is before the start date."]},
    }
    # a day it cannot read is a 400 on the field, as the page's (until
    # 2026-12-06 a 422 of the API's own query parsing)
    unreadable = _api(operator, date_from="2026-11-31")
    assert unreadable.status_code == 400
    assert unreadable.json() == {
        "code": "invalid_date",
        "message": "date_from: Enter a valid date.",
        "fields": {"date_from": ["Enter a valid date."]},
    }
    too_early = _api(operator, date_from="0001-01-01", date_to="2026-11-30")
    assert too_early.status_code == 400
    assert list(too_early.json()["fields"]) == ["date_from"]


@pytest.mark.parametrize(
    "asked",
    [
        # a day not padded with zeros (until 2026-12-06 the API's 422)
        {"date_from": "2026-11-1", "date_to": "2026-11-30"},
        {"date_to": "2026-11-3"},
        # an empty day is none, as on the page (until then a 422)
        {"date_from": "2026-11-01", "date_to": ""},
    ],
)
def test_the_api_reads_days_as_the_page_does(asked):
    # given an operator reading English
    november_activity()
    operator = make_user(is_staff=True, preferred_language="en")
    client = Client()
    client.force_login(operator)
    # when the page and the API are asked for the same days
    page = client.get(URL, asked)
    answer = _api(operator, **asked)
    # then both read the same period
    assert page.status_code == answer.status_code == 200
    fees = page.context["fees"]
    body = answer.json()
    assert (body["date_from"], body["date_to"]) == (
        fees.date_from.isoformat(),
        fees.date_to.isoformat(),
    )
    assert body["net_fen"] == fees.total.net_fen


@pytest.mark.parametrize("who", ["shopper", "owner", "cashier"])
def test_the_api_is_403_to_anyone_but_operators(who):
    november_activity()
    user = _someone(who)
    response = _api(user, **NOVEMBER)
    assert response.status_code == 403
    assert "earned_fen" not in response.json()
    # a period it cannot read tells them nothing either (until 2026-12-06 a
    # 422 naming the field, before it asked who was reading)
    for asked in ({"date_from": "x"}, {"date_from": "2026-11-30", "date_to": "1"}):
        response = _api(user, **asked)
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"


def test_the_api_is_401_without_a_token():
    assert Client().get(API, NOVEMBER).status_code == 401


def test_the_pages_merchants_are_paged_keeping_the_period():
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from groupbuy.catalog.tests.factories import make_merchant
    from groupbuy.escrow.tests.test_platform_fees import local, settle

    # given 21 shops that each earned the platform a fee in November, the
    # smallest fee the 21st's
    shops = [make_merchant(name=f"Shop {n:02}") for n in range(21)]
    for number, shop in enumerate(shops):
        settle(shop, 10_000, 500 - number, local(date(2026, 11, 2)))
    client = _operator_client()
    # when an operator reads November's first page and follows "Next"
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(URL, NOVEMBER).content.decode()
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(URL, {**NOVEMBER, "page": 2}).content.decode()
    # then the first lists the 20 largest, its link keeping the period, and
    # the second the last shop, in as many queries
    assert first.count('id="fees-merchant-') == 20
    assert f'id="fees-merchant-{shops[20].public_id}"' not in first
    assert (
        'id="page-next" href="?date_from=2026-11-01&amp;date_to=2026-11-30&amp;page=2"'
        in first
    )
    assert second.count('id="fees-merchant-') == 1
    assert f'id="fees-merchant-{shops[20].public_id}"' in second
    assert len(second_queries) == len(first_queries)


def test_the_apis_merchants_are_paged():
    fresh, corner = november_activity()
    operator = make_user(is_staff=True, preferred_language="en")
    first = _api(operator, **NOVEMBER, page_size=2).json()
    second = _api(operator, **NOVEMBER, page_size=2, page=2).json()
    assert [m["merchant_id"] for m in first["merchants"]] == [
        corner.public_id,
        fresh.public_id,
    ]
    assert [m["merchant_id"] for m in second["merchants"]] == [None]
    assert first["merchants_page"] == {
        "page": 1,
        "page_size": 2,
        "total": 3,
        "pages": 2,
    }
    assert second["merchants_page"]["page"] == 2
    # the totals and buckets are the whole period's on every page
    assert second["net_fen"] == 2_600 and len(second["buckets"]) == 30
