"""Coupon pages: the shopper's QR and the merchant's redemption console."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import formats, timezone, translation

from groupbuy.core.times import format_local_time
from groupbuy.coupons import pdfs, symbols
from groupbuy.coupons.models import BranchSettings, Redemption
from groupbuy.coupons.services import coupon_redeem_online
from groupbuy.coupons.statements import month_bounds, statement_for
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_branch,
    make_station,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_the_shopper_sees_the_qr_of_their_coupon_and_others_do_not(client):
    station = make_station()
    mine, theirs = confirmed_orders(station.merchant, quantities=(1, 1))
    client.force_login(mine.shopper)
    coupon = coupon_for(mine)
    page = client.get(f"/coupons/{coupon.public_id}/")
    assert page.status_code == 200
    assert b"<svg" in page.content and coupon.serial.encode() in page.content
    listing = client.get("/coupons/")
    assert coupon.public_id.encode() in listing.content
    assert coupon_for(theirs).public_id.encode() not in listing.content
    assert client.get(f"/coupons/{coupon_for(theirs).public_id}/").status_code == 404
    # the PNG reads back as the coupon's code, in every symbology
    for symbol in symbols.FORMATS:
        png = client.get(f"/coupons/{coupon.public_id}/code.png?symbol={symbol}")
        assert png["Content-Type"] == "image/png"
        assert symbols.read_picture(png.content) == [coupon.code]
    client.force_login(station.owner)  # the merchant cannot open the shopper's page
    assert client.get(f"/coupons/{coupon.public_id}/").status_code == 404


def test_the_coupon_names_the_product_sold_beside_the_deals_title(client):
    # given a coupon of a deal titled otherwise than its product (a demand's
    # deal was titled with the buyers' wish)
    station = make_station()
    [order] = confirmed_orders(station.merchant, quantities=(1,))
    deal = order.deal
    deal.title = "🍜 螺蛳粉，要正宗的！！"
    deal.save(update_fields=["title"])
    deal.product.spec = "300 g"
    deal.product.save(update_fields=["spec"])
    order.shopper.preferred_language = "en"
    order.shopper.save(update_fields=["preferred_language"])
    client.force_login(order.shopper)
    # when its shopper opens it
    page = client.get(f"/coupons/{coupon_for(order).public_id}/").content.decode()
    # then the product actually sold is named under the title
    named = re.search(r'<span id="coupon-product">([^<]*)</span>', page)
    assert named is not None and named.group(1) == "Jasmine tea · 300 g"


def test_my_coupons_name_the_product_where_the_title_does_not(client):
    # given a coupon of a deal titled in Chinese, read in English
    station = make_station()
    [order] = confirmed_orders(station.merchant, quantities=(1,))
    order.deal.title = "伊利纯牛奶 已成团"
    order.deal.save(update_fields=["title"])
    order.shopper.preferred_language = "en"
    order.shopper.save(update_fields=["preferred_language"])
    client.force_login(order.shopper)
    coupon = coupon_for(order)
    # when they list their coupons
    page = client.get("/coupons/").content.decode()
    # then the coupon says what it is for in their language
    row = re.search(rf'id="coupon-{coupon.public_id}".*?</li>', page, re.S).group(0)
    assert '<span class="muted small coupon-product">Jasmine tea</span>' in row
    # and the coupon's links to other code formats are a named navigation
    detail = client.get(f"/coupons/{coupon.public_id}/").content.decode()
    assert (
        '<nav class="small" aria-label="Code formats and downloads" '
        'id="coupon-formats">'
    ) in detail


def test_the_code_format_links_are_a_list_without_separators_to_dangle(client):
    # given a valid coupon, opened by its shopper
    station = make_station()
    [order] = confirmed_orders(station.merchant, quantities=(1,))
    client.force_login(order.shopper)
    # when they open it
    page = client.get(f"/coupons/{coupon_for(order).public_id}/").content.decode()
    # then each format and download is an item of a list spaced by the style
    # sheet (gap), with no "·" between them to be left alone when the row wraps
    # on a phone
    formats = page.split('id="coupon-formats">', 1)[1].split("</nav>", 1)[0]
    assert formats.startswith('<ul class="coupon-formats">')
    items = re.findall(r"<li>(.*?)</li>", formats, re.S)
    assert len(items) == 5 and all(item.startswith("<a ") for item in items)
    between = re.sub(r"<li>.*?</li>", "", formats, flags=re.S)
    assert "".join(between.split()) == '<ulclass="coupon-formats"></ul>'
    assert "·" not in formats


def test_the_console_redeems_a_typed_code_once(client):
    station = make_station()
    branch = make_branch(station.merchant, name="East gate")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/redeem/"
    code = coupon_for(order).code
    first = client.post(url, {"code": code, "branch": branch.public_id}, follow=True)
    assert first.status_code == 200 and b'id="redeem-result"' in first.content
    second = client.post(url, {"code": code})
    assert second.status_code == 422
    assert b'data-code="already_redeemed"' in second.content
    assert b"East gate" in second.content  # where it was redeemed
    assert Redemption.objects.get().branch == branch


def _redeem_key(page) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)


def test_a_redemption_sent_twice_with_its_form_token_redeems_once(client):
    # given the till page, with a coupon of 2 units
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    coupon = coupon_for(order)
    client.force_login(station.owner)
    console = f"/coupons/merchant/{station.merchant.public_id}/"
    key = _redeem_key(client.get(console).content.decode())
    # when its form redeeming 1 unit is sent twice (a double tap, a resend)
    form = {"code": coupon.code, "quantity": "1", "idempotency_key": key}
    first = client.post(f"{console}redeem/", form)
    second = client.post(f"{console}redeem/", form)
    # then one unit is taken, and both answers lead to that redemption
    redemption = Redemption.objects.get()
    assert (redemption.quantity, coupon_for(order).remaining_quantity) == (1, 1)
    result = f"{console}?redeemed={redemption.public_id}"
    assert (first.status_code, first["Location"]) == (302, result)
    assert (second.status_code, second["Location"]) == (302, result)
    # and the next page carries a new token, which redeems the second unit
    page = client.get(result).content.decode()
    assert _redeem_key(page) != key
    form["idempotency_key"] = _redeem_key(page)
    assert client.post(f"{console}redeem/", form).status_code == 302
    assert Redemption.objects.count() == 2


def test_reloading_the_redemptions_result_redeems_nothing(client):
    # given 1 unit of a 2-unit coupon redeemed at the till
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    coupon = coupon_for(order)
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/redeem/"
    answer = client.post(url, {"code": coupon.code, "quantity": "1"})
    # when the page it answered with is loaded, then reloaded
    pages = [client.get(answer["Location"]) for _ in range(2)]
    # then both show the result, read from the redemption, and nothing more is
    # taken
    for page in pages:
        result = re.search(
            r'<p[^>]*id="redeem-result"[^>]*>(.*?)</p>', page.content.decode()
        )
        assert result and coupon.serial in result.group(1)
        assert "¥" in result.group(1)
    assert Redemption.objects.count() == 1
    assert coupon_for(order).remaining_quantity == 1


def test_only_the_merchants_staff_see_a_redemptions_result(client):
    # given a redemption at one merchant's till
    station, other = make_station(), make_station(name="Other shop")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    redemption = coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon_for(order).code
    )
    mine = f"/coupons/merchant/{station.merchant.public_id}/"
    theirs = f"/coupons/merchant/{other.merchant.public_id}/"
    query = f"?redeemed={redemption.public_id}"
    # when another merchant's owner or the shopper asks for its result
    client.force_login(other.owner)
    through_mine = client.get(mine + query)
    through_theirs = client.get(theirs + query)
    client.force_login(order.shopper)
    by_the_shopper = client.get(mine + query)
    # then they are refused, and the result is not in any answer
    assert through_mine.status_code == 403
    assert through_theirs.status_code == 404
    assert by_the_shopper.status_code == 403
    for response in (through_mine, through_theirs, by_the_shopper):
        assert b'id="redeem-result"' not in response.content
    # while the merchant's own staff see it
    client.force_login(station.owner)
    assert b'id="redeem-result"' in client.get(mine + query).content


def test_the_console_explains_a_bad_quantity_beside_a_good_code(client):
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/redeem/"
    response = client.post(url, {"code": coupon_for(order).code, "quantity": "0"})
    assert response.status_code == 422
    assert b'data-code="bad_quantity"' in response.content
    assert Redemption.objects.count() == 0
    # and a missing code is asked for
    response = client.post(url, {"code": "", "quantity": "1"})
    assert b'data-code="missing_code"' in response.content


def test_the_shopper_sees_when_and_where_their_coupon_was_redeemed(client):
    station = make_station()
    branch = make_branch(station.merchant, name="East gate")
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon = coupon_for(order)
    coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon.code,
        branch=branch,
        quantity=2,
    )
    client.force_login(order.shopper)
    page = client.get(f"/coupons/{coupon.public_id}/").content.decode()
    assert 'id="coupon-redemptions"' in page and "2 份 · East gate" in page
    body = client.get(f"/api/coupons/{coupon.public_id}").json()
    assert [(r["quantity"], r["branch_name"]) for r in body["redemptions"]] == [
        (2, "East gate")
    ]
    client.force_login(station.owner)  # not the merchant's to read here
    assert client.get(f"/api/coupons/{coupon.public_id}").status_code == 404


def test_the_console_reads_a_photo_of_the_code(client):
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    client.force_login(station.owner)
    photo = io.BytesIO(symbols.png(coupon_for(order).code))
    photo.name = "coupon.png"
    response = client.post(
        f"/coupons/merchant/{station.merchant.public_id}/redeem/",
        {"photo": photo},
        follow=True,
    )
    assert response.status_code == 200
    assert b'id="redeem-result"' in response.content
    assert coupon_for(order).status == "redeemed"


def _till_refusal(response) -> tuple[int, str, str]:
    refusal = re.search(
        r'id="redeem-error" role="alert" data-code="([^"]+)">([^<]*)<',
        response.content.decode(),
    )
    return response.status_code, refusal.group(1), refusal.group(2)


def _upload(name: str, data: bytes) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_the_till_says_what_was_wrong_with_what_was_entered(client):
    # given the till, and a coupon's photo
    from PIL import Image

    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/redeem/"
    png = symbols.png(coupon_for(order).code)
    blank = io.BytesIO()
    Image.new("L", (200, 200), 255).save(blank, format="PNG")
    # when a far too long text is pasted, a text file or a damaged PNG is sent
    # as the photo, and a photo with no code on it
    pasted = client.post(url, {"code": "GB1:" + "A" * 100_000})
    text_file = client.post(url, {"photo": _upload("code.txt", b"GB1:ABC")})
    damaged = client.post(url, {"photo": _upload("code.png", png[:60])})
    no_code = client.post(url, {"photo": _upload("wall.png", blank.getvalue())})
    # then each says what happened, none asks to scan or type a code
    with translation.override("zh-hans"):
        not_a_code = translation.gettext(
            "This is not a coupon code: it is far longer than any coupon code."
        )
        not_a_photo = translation.gettext("This file is not a photo, or it is damaged.")
        nothing_found = translation.gettext("No coupon code found in that photo.")
    assert _till_refusal(pasted) == (422, "malformed", not_a_code)
    assert _till_refusal(text_file) == (422, "not_a_photo", not_a_photo)
    assert _till_refusal(damaged) == (422, "not_a_photo", not_a_photo)
    assert _till_refusal(no_code) == (422, "no_code_in_photo", nothing_found)
    assert Redemption.objects.count() == 0


def test_other_merchants_and_shoppers_get_403_on_the_console(client):
    station, other = make_station(), make_station(name="Other shop")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    base = f"/coupons/merchant/{station.merchant.public_id}"
    for user in (other.owner, order.shopper):
        client.force_login(user)
        assert client.get(f"{base}/").status_code == 403
        assert client.post(f"{base}/redeem/", {"code": "x"}).status_code == 403
        assert client.post(f"{base}/key-file/").status_code == 403
    assert Redemption.objects.count() == 0


def test_coupons_merchant_opens_the_staffs_console_and_refuses_shoppers(client):
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    client.force_login(station.owner)
    response = client.get("/coupons/merchant/")
    assert response.status_code == 302
    assert response["Location"] == f"/coupons/merchant/{station.merchant.public_id}/"
    client.force_login(order.shopper)
    assert client.get("/coupons/merchant/").status_code == 403


def test_the_till_page_says_an_offline_switch_or_coupon_terms_were_saved(client):
    # given an owner reading English, a branch and a deal of theirs
    from groupbuy.deals.tests.factories import make_deal

    station = make_station(owner=make_user(preferred_language="en"))
    branch = make_branch(station.merchant, name="East gate")
    deal = make_deal(merchant=station.merchant, title="Jasmine tea")
    client.force_login(station.owner)
    till = f"/coupons/merchant/{station.merchant.public_id}"
    offline = f"{till}/branches/{branch.public_id}/offline/"
    terms = f"{till}/deals/{deal.public_id}/terms/"
    # when they allow offline redemption, go back to online only, and save the
    # deal's coupon terms, following each answer back to the page
    said = [
        [
            str(message)
            for message in client.post(url, data, follow=True).context["messages"]
        ]
        for url, data in (
            (offline, {"offline_enabled": "1"}),
            (offline, {"offline_enabled": "0"}),
            (terms, {"expiry_rule": "pay_merchant"}),
        )
    ]
    # then the page says each was done
    assert said == [
        ["East gate now allows offline redemption."],
        ["East gate now redeems online only."],
        ["The coupon terms of “Jasmine tea” are saved."],
    ]


def test_owners_switch_offline_redemption_per_branch(client):
    station = make_station()
    branch = make_branch(station.merchant)
    client.force_login(station.owner)
    url = (
        f"/coupons/merchant/{station.merchant.public_id}/branches/"
        f"{branch.public_id}/offline/"
    )
    assert client.post(url, {"offline_enabled": "1"}).status_code == 302
    assert BranchSettings.objects.get(branch=branch).offline_enabled is True
    page = client.get(f"/coupons/merchant/{station.merchant.public_id}/")
    # the branch's switch now offers to go back to online only
    assert b'name="offline_enabled" value="0"' in page.content


def test_the_printable_coupon_and_statement_are_pdfs(client):
    station = make_station()
    make_branch(station.merchant, name="人民广场店")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    client.force_login(order.shopper)
    coupon = coupon_for(order)
    response = client.get(f"/coupons/{coupon.public_id}/coupon.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(station.owner)
    assert client.get(f"/coupons/{coupon.public_id}/coupon.pdf").status_code == 404
    statement = client.get(
        f"/coupons/merchant/{station.merchant.public_id}/statement/?format=pdf"
    )
    assert statement.content.startswith(b"%PDF")


def test_the_printable_coupon_gives_its_expiry_in_the_shops_time_zone(monkeypatch):
    # The pages show local times; the PDF said UTC, eight hours off.
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    coupon.expires_at = datetime(2026, 12, 10, 23, 0, tzinfo=UTC)
    lines = _pdf_lines(monkeypatch)
    pdfs.coupon_pdf(coupon, branches=[])
    assert "Valid until 2026-12-11 07:00" in lines
    assert "Times are in the Asia/Shanghai time zone." in lines


def _pdf_lines(monkeypatch) -> list[str]:
    lines = []
    monkeypatch.setattr(pdfs, "_line", lambda pdf, text, **kw: lines.append(text))
    return lines


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_the_pdfs_are_in_the_readers_language(monkeypatch):
    # They were English whatever the page they were printed from.
    station = make_station()
    branch = make_branch(station.merchant, name="人民广场店")
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    coupon = coupon_for(order)
    coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon.code, quantity=2
    )
    coupon.refresh_from_db()
    start, end = month_bounds(timezone.localdate())
    statement = statement_for(merchant=station.merchant, start=start, end=end)
    lines = _pdf_lines(monkeypatch)
    with translation.override("zh-hans"):
        pdfs.coupon_pdf(coupon, branches=[branch])
        pdfs.statement_pdf(statement)
    expires = format_local_time(coupon.expires_at)
    assert f"有效期至 {expires}" in lines
    assert f"序列号 {coupon.serial} · 2 份" in lines
    assert "核销地点" in lines
    assert f"人民广场店：{branch.address}" in lines
    assert "平台服务费  -¥5.94" in lines  # 3 % of ¥198.00, taken off
    assert any(line.endswith("¥198.00  商户后台（在线）") for line in lines)


def test_without_a_chinese_font_the_pdfs_are_english(monkeypatch):
    # Helvetica cannot draw Chinese: English labels, not question marks.
    monkeypatch.setattr(pdfs, "cjk_font", lambda: None)
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    lines = _pdf_lines(monkeypatch)
    with translation.override("zh-hans"):
        pdf = pdfs.coupon_pdf(coupon, branches=[])
    assert pdf.startswith(b"%PDF")
    assert any(line.startswith("Valid until ") for line in lines)
    assert all(line.isascii() or "·" in line for line in lines[2:])


def test_a_cashier_sees_the_owners_settings_but_no_form_that_would_refuse_them(
    client,
):
    # The console showed cashiers the key, offline and expiry forms, each
    # answering them 403.
    from groupbuy.accounts.services import merchant_membership_add
    from groupbuy.coupons.tests.factories import make_user

    station = make_station()
    make_branch(station.merchant)
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(order).code,
        quantity=2,
    )
    cashier = make_user(preferred_language="en")
    merchant_membership_add(
        actor=None, user=cashier, merchant=station.merchant, role="cashier"
    )
    url = f"/coupons/merchant/{station.merchant.public_id}/"
    owner_forms = ("key-file/", "/offline/", "/terms/")
    client.force_login(station.owner)
    page = client.get(url).content.decode()
    assert all(form in page for form in owner_forms)
    client.force_login(cashier)
    page = client.get(url).content.decode()
    assert not any(form in page for form in owner_forms)
    assert 'id="keys-by-owners"' in page and "online only" in page
    assert " · 2 units · " in page  # today's redemption, with its unit count


def test_the_order_page_links_its_shopper_to_the_orders_coupon(client, db):
    from groupbuy.coupons.tests.factories import (
        confirmed_orders,
        coupon_for,
        make_station,
    )

    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    link = 'id="order-coupon-link">'
    # the shopper sees their coupon one tap away
    client.force_login(order.shopper)
    page = client.get(f"/orders/{order.public_id}/").content.decode()
    assert f'href="/coupons/{coupon.public_id}/" {link}' in page
    # the merchant's owner, who may open the order, is not shown the coupon
    client.force_login(station.owner)
    response = client.get(f"/orders/{order.public_id}/")
    assert response.status_code == 200
    assert link not in response.content.decode()


def test_the_coupon_page_links_its_shopper_back_to_the_order(client, db):
    # given a shopper's coupon
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    link = f'<a href="/orders/{order.public_id}/" class="tap" id="coupon-order-link">'
    # when they open it, then its order number opens the order (until 2026-12-07
    # it was plain text: a used coupon's page led nowhere)
    client.force_login(order.shopper)
    page = client.get(f"/coupons/{coupon.public_id}/").content.decode()
    assert f"{link}{order.public_id}</a>" in page
    # and an operator looking at it sees the number without the shopper's link
    client.force_login(make_user(is_staff=True))
    page = client.get(f"/coupons/{coupon.public_id}/").content.decode()
    assert order.public_id in page
    assert 'id="coupon-order-link"' not in page


def test_a_coupon_past_its_expiry_shows_expired_before_the_sweep_marks_it(client):
    # given a shopper's valid coupon with a minute left
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    coupon.expires_at = timezone.now() + timedelta(minutes=1)
    coupon.save(update_fields=["expires_at"])
    order.shopper.preferred_language = "en"
    order.shopper.save(update_fields=["preferred_language"])
    client.force_login(order.shopper)
    # when its page is shown
    page = client.get(f"/coupons/{coupon.public_id}/").content.decode()
    # then it is valid, with its code, and says how long it has left by the
    # server's clock (for the page to ask again then)
    assert re.search(r'id="coupon-status">Valid<', page)
    assert 'id="coupon-qr"' in page
    left_ms = int(re.search(r'data-expires-in-ms="(-?\d+)"', page).group(1))
    assert 55_000 < left_ms <= 60_000

    # when its moment has passed, the sweep not yet run
    coupon.expires_at = timezone.now() - timedelta(seconds=1)
    coupon.save(update_fields=["expires_at"])
    page = client.get(f"/coupons/{coupon.public_id}/").content.decode()
    # then the page says it expired, with no code and no time left to wait for
    assert re.search(r'id="coupon-status">Expired<', page)
    assert 'id="coupon-qr"' not in page and coupon.code not in page
    assert "data-expires-in-ms" not in page
    assert coupon_for(order).status == "valid"  # (the sweep's to change)
    # and so do the list, the order page's coupon box and the API
    listing = client.get("/coupons/").content.decode()
    assert '<span class="pill">Expired</span>' in listing
    order_page = client.get(f"/orders/{order.public_id}/").content.decode()
    assert 'data-status="expired"' in order_page
    assert "Show it at the till by" not in order_page
    answer = client.get(f"/api/coupons/{coupon.public_id}").json()
    assert answer["status"] == "expired"


def test_a_coupon_that_cannot_be_redeemed_draws_no_code(client, monkeypatch):
    # given a coupon its shopper refunded
    from groupbuy.coupons.services import coupon_refund_unused

    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    coupon = coupon_for(order)
    coupon_refund_unused(actor=order.shopper, coupon=coupon)
    order.shopper.preferred_language = "en"
    order.shopper.save(update_fields=["preferred_language"])
    client.force_login(order.shopper)
    drawn = []
    monkeypatch.setattr(symbols, "png", lambda code, **kw: drawn.append(code))
    lines = _pdf_lines(monkeypatch)
    # when the shopper opens its page, its PNG and its printable PDF
    page = client.get(f"/coupons/{coupon.public_id}/")
    png = client.get(f"/coupons/{coupon.public_id}/code.png")
    pdf = client.get(f"/coupons/{coupon.public_id}/coupon.pdf")
    # then none of them gives the code, and the PDF says it cannot be used
    assert page.status_code == 200 and b'id="coupon-qr"' not in page.content
    assert coupon.code.encode() not in page.content
    assert png.status_code == 404
    assert pdf.content.startswith(b"%PDF")
    assert drawn == []
    refunded_on = formats.date_format(
        timezone.localtime(coupon.refund.refunded_at), "DATE_FORMAT"
    )
    assert f"This coupon was refunded on {refunded_on}; it cannot be used." in lines


def test_only_its_shopper_gets_a_coupons_png_and_pdf(client):
    station, other = make_station(), make_station(name="Other shop")
    mine, theirs = confirmed_orders(station.merchant, quantities=(1, 1))
    coupon = coupon_for(mine)
    for user in (theirs.shopper, station.owner, other.owner):
        client.force_login(user)
        for path in ("code.png", "coupon.pdf"):
            assert client.get(f"/coupons/{coupon.public_id}/{path}").status_code == 404
    client.force_login(mine.shopper)
    assert client.get(f"/coupons/{coupon.public_id}/code.png").status_code == 200


def test_the_coupons_drawn_code_is_an_image_named_for_screen_readers(client):
    # given a shopper reading English with a valid coupon
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    order.shopper.preferred_language = "en"
    order.shopper.save(update_fields=["preferred_language"])
    client.force_login(order.shopper)
    # when its page is shown, as QR and as PDF417
    qr_page = client.get(f"/coupons/{coupon.public_id}/").content.decode()
    pdf417_page = client.get(
        f"/coupons/{coupon.public_id}/?symbol=pdf417"
    ).content.decode()
    # then the <svg> itself is an image named after what it draws, and no
    # wrapper claims to be an image too (which would hide the svg's name)
    assert '<svg role="img" aria-label="QR code of this coupon"' in qr_page
    assert '<svg role="img" aria-label="PDF417 code of this coupon"' in pdf417_page
    assert '<div class="coupon-code" id="coupon-qr">' in qr_page


def test_the_drawings_name_is_translated_whole_symbol_included(client, monkeypatch):
    """Until 2026-12-07 the name was "%(symbol)s code of this coupon" with the
    symbol filled in English ("QR", which a Chinese reader calls 二维码):
    each drawing's name is now one sentence a translator writes whole."""
    # given a shopper with a valid coupon, and a catalog that translates the
    # names of the QR and Data Matrix drawings
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    client.force_login(order.shopper)
    catalog = {
        "QR code of this coupon": "这张券的二维码",
        "Data Matrix code of this coupon": "这张券的 Data Matrix 码",
    }
    real = translation._trans.gettext
    monkeypatch.setattr(
        translation._trans, "gettext", lambda text: catalog.get(text) or real(text)
    )
    # when its page draws it as QR and as Data Matrix
    names = [
        re.search(
            r'<svg role="img" aria-label="([^"]*)"',
            client.get(
                f"/coupons/{coupon.public_id}/?symbol={symbol}"
            ).content.decode(),
        ).group(1)
        for symbol in ("qr", "datamatrix")
    ]
    # then each is named by its translation, the symbol's name in it
    assert names == ["这张券的二维码", "这张券的 Data Matrix 码"]


def test_the_qr_pdf417_and_data_matrix_drawings_inline_into_the_page(client):
    # given a shopper with a valid coupon
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    client.force_login(order.shopper)
    for symbol in ("qr", "pdf417", "datamatrix"):
        # when its page draws it as QR, PDF417 or Data Matrix
        page = client.get(f"/coupons/{coupon.public_id}/?symbol={symbol}")
        html = page.content.decode()
        drawing = html.split('id="coupon-qr">', 1)[1].split("</div>", 1)[0]
        # then the <svg> is inlined as an HTML element: no XML prolog or
        # doctype in the middle of the page (an XML declaration there is a
        # bogus comment to the HTML parser, a doctype a parse error)
        assert drawing.startswith("<svg")
        assert "<?xml" not in html
        assert "<!DOCTYPE svg" not in html
        # and it scales to the box the page gives it (a viewBox of its own
        # size), rather than staying its pixel size in a corner
        width = re.search(r'<svg[^>]* width="(\d+)"', drawing).group(1)
        height = re.search(r'<svg[^>]* height="(\d+)"', drawing).group(1)
        assert f'viewBox="0 0 {width} {height}"' in drawing
