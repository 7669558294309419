"""The station's own till page (``station.web``): fits a phone, and says its
result to screen readers."""

import re
import time

from groupbuy.coupons.station import core, web
from groupbuy.coupons.station.ledger import Ledger


def _page(tmp_path, outcome) -> str:
    ledger = Ledger(tmp_path)
    try:
        return web.render(ledger, outcome).decode("utf-8")
    finally:
        ledger.close()


def test_the_station_page_inputs_fit_a_375px_screen(tmp_path):
    # given the station's page
    page = _page(tmp_path, None)
    # then its full-width inputs count their padding inside their width (a
    # 375 px phone otherwise scrolls sideways by the padding)
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    assert re.search(r"input\{[^}]*width:100%[^}]*box-sizing:border-box", style)


def test_the_station_page_says_an_empty_units_field_takes_one(tmp_path):
    # given the station's page, in English
    page = _page(tmp_path, None)
    # then its units field says what an empty one takes, as the platform's
    # till does (until 2026-12-06 "all left", and it took them all)
    assert "Units (empty: 1)" in page
    assert 'placeholder="1"' in page
    assert "all left" not in page


def test_the_station_page_announces_its_result(tmp_path):
    # given an accepted and a refused redemption
    accepted = core.Outcome(True, "ok", "Redeemed 1 unit.", serial="ABC", quantity=1)
    refused = core.Outcome(False, "expired", "This coupon has expired.")
    # then the accepted one is a status, the refused one an alert
    assert 'role="status"' in _page(tmp_path / "a", accepted)
    assert 'role="alert"' in _page(tmp_path / "b", refused)


def _beijing(*parts) -> int:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return int(datetime(*parts, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp())


def test_todays_list_is_the_shops_day_not_the_machines(tmp_path, monkeypatch):
    # given a till machine set to UTC, as many are, at a station whose last
    # sync gave the site's zone (Beijing), at 01:30 on 6 December in Beijing
    # (still 5 December in UTC)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(web, "_now", lambda: _beijing(2026, 12, 6, 1, 30))
    ledger = Ledger(tmp_path)
    try:
        ledger.set(time_zone="Asia/Shanghai")
        # and a redemption at 00:30 today and one at 10:00 yesterday (both on
        # 5 December in UTC)
        for serial, moment in (
            ("TODAY", _beijing(2026, 12, 6, 0, 30)),
            ("YESTERDAY", _beijing(2026, 12, 5, 10, 0)),
        ):
            ledger.record(
                nonce=serial,
                serial=serial,
                code="GB1:x",
                quantity=1,
                of_units=1,
                branch="",
                cashier="",
                now=moment,
            )
        page = web.render(ledger).decode("utf-8")
    finally:
        ledger.close()
        monkeypatch.undo()  # the machine's zone as it was
        time.tzset()
    # then "Today" is the shop's day: today's redemption, at its Beijing time
    today = re.search(r'<ul id="today">(.*?)</ul>', page, re.S).group(1)
    assert "TODAY" in today
    assert "00:30 TODAY" in today
    assert "YESTERDAY" not in today
    assert "Today: 1 redemption" in page
