"""The station's own till page (``station.web``): fits a phone, and says its
result to screen readers."""

import re

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
