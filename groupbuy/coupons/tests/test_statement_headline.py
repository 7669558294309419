"""The statement's headline figures add up: Redeemed (+ expired, paid) − the
platform's fee − taken back = Net, on the page, the API, the chart and the CSV,
refunds taken back from the shop present (e2 findings item 3)."""

import csv
import html
import io
import re

import pytest
from django.test import override_settings

from groupbuy.accounts.services import api_token_create
from groupbuy.core.money import format_fen, format_fen_for_spreadsheet
from groupbuy.coupons.services import coupon_redeem_online, coupon_refund_by_merchant
from groupbuy.coupons.tests.factories import (
    balance_of,
    confirmed_orders,
    coupon_for,
    make_station,
)
from groupbuy.escrow.services import platform_fee_fen

pytestmark = pytest.mark.django_db


def _figure(page: str, dom_id: str) -> str:
    return re.search(rf'id="{dom_id}">([^<]*)<', page).group(1)


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_the_headline_figures_add_up_with_a_refund_taken_back(client):
    # given a shop that redeemed a coupon of a deal settled on redemption and
    # refunded 2 unused units of a deal that paid it at close (the platform
    # returning its fee on them: the shop loses its part only)
    station = make_station()
    (settles,) = confirmed_orders(station.merchant, quantities=(1,))
    (at_close,) = confirmed_orders(
        station.merchant, quantities=(2,), settlement_mode="on_close"
    )
    coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon_for(settles).code
    )
    payable = balance_of("merchant_payable", merchant=station.merchant)
    coupon_refund_by_merchant(
        actor=station.owner, coupon=coupon_for(at_close), reason="Closed for works"
    )
    taken = payable - balance_of("merchant_payable", merchant=station.merchant)
    redeemed = settles.final_unit_price_fen
    fee = platform_fee_fen(redeemed)
    assert 0 < taken < 2 * at_close.final_unit_price_fen
    # when the owner reads this month's statement: API, page and CSV
    _token, secret = api_token_create(actor=station.owner)
    merchant_id = station.merchant.public_id
    body = client.get(
        f"/api/coupons/merchants/{merchant_id}/statement",
        headers={"Authorization": f"Bearer {secret}"},
    ).json()
    client.force_login(station.owner)
    url = f"/coupons/merchant/{merchant_id}/statement/"
    page = client.get(url).content.decode()
    rows = list(
        csv.reader(io.StringIO(client.get(url + "?format=csv").content.decode()))
    )
    # then Redeemed − fee − taken back = Net: the fee is the one charged (until
    # 2026-12-06 the fee returned was taken off it as well as off the
    # take-back, and the figures did not add up)
    assert (
        body["redeemed_fen"],
        body["expiry_paid_fen"],
        body["fee_fen"],
        body["taken_back_fen"],
        body["net_fen"],
    ) == (redeemed, 0, fee, taken, redeemed - fee - taken)
    # the chart's fee is the headline's
    assert sum(day["fee_fen"] for day in body["days"]) == body["fee_fen"]
    assert sum(day["settled_fen"] for day in body["days"]) == body["redeemed_fen"]
    assert _figure(page, "statement-redeemed") == format_fen(redeemed)
    assert _figure(page, "statement-fee") == "−" + format_fen(fee)
    assert _figure(page, "statement-taken-back") == "−" + format_fen(taken)
    assert _figure(page, "statement-net") == format_fen(redeemed - fee - taken)
    # the CSV's columns add up to the same figures, its take-back line being
    # the shop's part with the fee returned said in its note
    _header, _redemption, refunded, total = rows
    assert refunded[5:7] == [format_fen_for_spreadsheet(-taken), "0.00"]
    returned = 2 * at_close.final_unit_price_fen - taken
    assert refunded[-1].endswith(format_fen(returned))
    assert total[5:7] == [
        format_fen_for_spreadsheet(redeemed - taken),
        format_fen_for_spreadsheet(fee),
    ]
    assert total[-1].endswith(format_fen(redeemed - fee - taken))


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_a_refunds_line_says_what_it_took_from_the_shop_as_the_figure_does(
    client, monkeypatch
):
    # given a shop, reading English, that refunded 2 unused units of a deal
    # that paid it at close (¥198.00 back to the shopper, of which the
    # platform returns its fee: the shop loses its part only)
    from django.utils import timezone, translation

    from groupbuy.coupons import pdfs, statements

    station = make_station()
    station.owner.preferred_language = "en"
    station.owner.save(update_fields=["preferred_language"])
    (at_close,) = confirmed_orders(
        station.merchant, quantities=(2,), settlement_mode="on_close"
    )
    payable = balance_of("merchant_payable", merchant=station.merchant)
    coupon_refund_by_merchant(
        actor=station.owner, coupon=coupon_for(at_close), reason="Closed for works"
    )
    taken = payable - balance_of("merchant_payable", merchant=station.merchant)
    refunded = 2 * at_close.final_unit_price_fen
    assert 0 < taken < refunded
    # when the owner reads this month's statement, on the page and as PDF
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    page = client.get(url).content.decode()
    line = re.search(r'id="statement-refunds">(.*?)</ul>', page, re.S).group(1)
    line = html.unescape(line)
    printed = []
    monkeypatch.setattr(pdfs, "_small", lambda pdf, text: printed.append(text))
    start, end = statements.statement_period(None, None, today=timezone.localdate())
    with translation.override("en"):
        pdfs.statement_pdf(
            statements.statement_for(merchant=station.merchant, start=start, end=end)
        )
    (pdf_line,) = [text for text in printed if coupon_for(at_close).serial in text]
    # then its line's amount is what it took from the shop's balance, as the
    # "Taken back for refunds" figure counts it (and the CSV's line), and it
    # says the whole refund and the fee returned (until 2026-12-06 the line
    # read −¥198.00 under a smaller figure)
    assert f'<span class="amount">−{format_fen(taken)}</span>' in line
    assert _figure(page, "statement-taken-back") == "−" + format_fen(taken)
    whole = format_fen(refunded)
    returned = format_fen(refunded - taken)
    for text in (line, pdf_line):
        assert f"taken back from the merchant's balance: {whole}" in text
        assert f"of which the platform's fee returned: {returned}" in text
    assert format_fen(-taken) in pdf_line
    assert format_fen(-refunded) not in pdf_line
