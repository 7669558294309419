"""A station refuses a code past the expiry it carries naming the day, in the
site's display zone and the till's language, as the online till does; the
moment it names for a code already redeemed is in that zone too."""

import base64
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from groupbuy.accounts.services import api_token_create
from groupbuy.coupons.models import MerchantKey
from groupbuy.coupons.station import core, texts
from groupbuy.coupons.station.ledger import Ledger
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_station,
)

# Late on the 4th in UTC: already the 5th in the display zone (Asia/Shanghai).
EVENING_UTC = int(datetime(2026, 12, 4, 20, 0, tzinfo=UTC).timestamp())


@pytest.fixture(autouse=True)
def english():
    texts.use_language("en")
    yield
    texts.use_language("en")


def _synced_station(client, tmp_path, station) -> Ledger:
    ledger = Ledger(tmp_path / "till")
    ledger.set(
        merchant_id=station.merchant.public_id,
        sealing_private_key=base64.b64encode(bytes(station.sealing)).decode(),
        signing_private_key=base64.b64encode(bytes(station.signing)).decode(),
        registered=1,
        merchant_key_id=MerchantKey.objects.get(is_active=True).public_id,
    )
    _token, secret = api_token_create(actor=station.owner)
    answer = client.get(
        f"/api/coupons/merchants/{station.merchant.public_id}/sync",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 200
    core.apply_sync(ledger, answer.json())
    return ledger


@pytest.fixture
def machine_in_new_york(monkeypatch):
    """Set this process's local zone to one that is not the site's."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _site_day(moment, language: str) -> str:
    with translation.override(language):
        return date_format(localtime(moment), "DATE_FORMAT")


@pytest.mark.django_db
def test_a_station_names_the_day_an_expired_code_expired(client, tmp_path):
    # given a synced station and a coupon whose code's expiry has passed
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    ledger = _synced_station(client, tmp_path, station)
    later = (coupon.expires_at + timedelta(minutes=1)).timestamp()
    # when the station scans it, in English and in Chinese
    outcome = core.redeem(ledger, coupon.code, now=later)
    texts.use_language("zh-hans")
    chinese = core.redeem(ledger, coupon.code, now=later)
    # then it names the day as the online till does (until 2026-12-06 it said
    # "This coupon has expired.", no date)
    day = _site_day(coupon.expires_at, "en")
    assert (outcome.accepted, outcome.code) == (False, "expired")
    assert outcome.message == f"This coupon expired on {day}."
    assert _site_day(coupon.expires_at, "zh-hans") in chinese.message
    ledger.close()


@pytest.mark.parametrize(
    ("language", "day"), [("en", "Dec. 5, 2026"), ("zh-hans", "2026年12月5日")]
)
def test_the_day_is_the_display_zones_in_the_tills_language(language, day):
    # given a moment late on the 4th in UTC, the 5th in Shanghai
    texts.use_language(language)
    # when the station writes its day in the zone its sync gave
    # then it is the display zone's day, written as the site writes it
    assert texts.format_day(EVENING_UTC, "Asia/Shanghai") == day


@pytest.mark.parametrize("month", range(1, 13))
def test_months_are_written_as_django_writes_them(month):
    moment = datetime(2026, month, 15, 4, 0, tzinfo=UTC)
    with translation.override("en"):
        expected = date_format(moment, "N j, Y")
    assert texts.format_day(int(moment.timestamp()), "UTC") == expected


@pytest.mark.django_db
def test_already_redeemed_names_the_moment_in_the_display_zone(
    client, tmp_path, machine_in_new_york
):
    # given a synced station on a machine whose own zone is New York's
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    ledger = _synced_station(client, tmp_path, station)
    assert ledger.get("time_zone") == "Asia/Shanghai"
    # and the coupon redeemed there late tomorrow in UTC, the day after in
    # Shanghai
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    evening = datetime.combine(tomorrow, dt_time(20, 0), tzinfo=UTC)
    assert core.redeem(ledger, coupon.code, now=evening.timestamp()).accepted
    # when it is scanned again
    outcome = core.redeem(ledger, coupon.code, now=evening.timestamp() + 60)
    # then the refusal names the moment in Shanghai, 04:00 the day after (until
    # 2026-12-06 it named the machine's, 15:00 the day before)
    in_shanghai = evening.astimezone(ZoneInfo("Asia/Shanghai"))
    assert in_shanghai.strftime("%H:%M") == "04:00"
    assert (outcome.accepted, outcome.code) == (False, "already_redeemed")
    assert outcome.message == (
        f"Already redeemed here on {in_shanghai:%Y-%m-%d} 04:00."
    )
    ledger.close()
