"""The operator's catalogue pages: find a product, open it, stop selling it
and sell it again; and the dashboard's group buys open the operator's page."""

import re

import pytest
from django.urls import reverse

from groupbuy.catalog.tests.factories import (
    make_category,
    make_listing,
    make_merchant_member,
    make_product,
    make_product_photos,
)
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import Deal
from groupbuy.deals.tests.factories import make_deal, make_merchant, make_user
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db


def _operator():
    return make_user(is_staff=True, preferred_language="en")


def _rows(page: str) -> str:
    return page.split('id="operator-products"', 1)[1].split("</section>", 1)[0]


def test_the_list_finds_products_by_name_gtin_or_brand_and_by_state(client):
    # given a tea on sale, a stopped coffee of a brand, and rice
    tea = make_product(name_en="Longjing tea", brand="West Lake")
    coffee = make_product(name_en="Yunnan coffee", brand="Pu'er Hills")
    coffee.is_active = False
    coffee.save(update_fields=["is_active"])
    make_product(name_en="Rice")
    client.force_login(_operator())
    # when the operator searches by name, by GTIN and by brand
    by_name = _rows(client.get("/operator/products/", {"q": "Longjing"}).text)
    by_gtin = _rows(client.get("/operator/products/", {"q": coffee.gtin}).text)
    by_brand = _rows(client.get("/operator/products/", {"q": "West"}).text)
    stopped = _rows(client.get("/operator/products/", {"state": "stopped"}).text)
    # then each finds its own, linked to its page, with its state
    assert f'href="/operator/products/{tea.public_id}/"' in by_name
    assert "Rice" not in by_name
    assert "Yunnan coffee" in by_gtin and 'data-state="stopped"' in by_gtin
    assert "Longjing tea" in by_brand
    assert "Yunnan coffee" in stopped
    assert "Longjing tea" not in stopped and "Rice" not in stopped


def test_the_list_pages_and_the_menu_links_it(client, settings):
    # given 3 a page and 4 products, one more than a page
    settings.GROUPBUY_PAGE_SIZE = 3
    for number in range(4):
        make_product(name_zh=f"商品{number:02d}")
    client.force_login(_operator())
    # when the operator opens the list and its second page
    first = client.get("/operator/")
    second = client.get("/operator/products/", {"page": 2})
    # then the menu links it and the second page holds the last product
    assert re.search(
        r'href="/operator/products/"\s+id="operator-nav-products"', first.text
    )
    assert second.text.count('id="operator-product-prd') == 1
    assert "Page 2 of 2" in second.text


def test_the_page_shows_the_product_and_its_open_group_buys(client):
    # given a product with a photo, an alias and two open group buys of it
    product = make_product(name_en="Longjing tea", aliases=["龙井茶"])
    make_product_photos(product, 1)
    first = make_deal(product=product, title="Longjing at Fresh Mart")
    make_deal(product=product, title="Longjing at West Mart")
    client.force_login(_operator())
    # when the operator opens it
    page = client.get(f"/operator/products/{product.public_id}/").text
    # then it shows its names, barcode, photo, state and its deals
    assert "Longjing tea" in page and "龙井茶" in page
    assert f'id="operator-product-gtin">{product.gtin}<' in page
    assert 'id="operator-product-photos"' in page
    assert 'data-state="active"' in page
    deals = page.split('id="operator-product-deals"', 1)[1]
    assert "2 open group buys" in deals
    assert f'href="/operator/deals/{first.public_id}/"' in deals
    # and the confirm says what happens to them
    stop = page.split('id="operator-product-stop"', 1)[1].split("</details>", 1)[0]
    assert (
        "Its 2 open group buys stay open and listed but take no new joins: the "
        "orders already made stay, and each closes at its deadline as usual. The "
        "owners of the shops running them are told."
    ) in stop


def test_stop_selling_then_sell_again_each_once(client):
    # given a product with an open group buy at a shop with an owner
    owner = make_user(preferred_language="en")
    deal = make_deal(merchant=make_merchant(owner=owner))
    product = deal.product
    base = f"/operator/products/{product.public_id}/"
    client.force_login(_operator())
    # when the operator stops selling it, twice
    stopped = client.post(f"{base}stop-selling/", follow=True)
    client.post(f"{base}stop-selling/")
    # then it is stopped, once, the page says so and offers Sell again
    product.refresh_from_db()
    assert stopped.redirect_chain[-1][0] == base
    assert product.is_active is False
    assert "is no longer sold: Snap and the product search" in stopped.text
    assert 'id="operator-product-resume"' in stopped.text
    resume = stopped.text.split('id="operator-product-resume-explained">', 1)[1]
    assert resume.split("</p>", 1)[0].endswith(
        "take joins again. The owners of the shops running them are told."
    )
    # and the shop running it was told, once
    told = Notification.objects.filter(kind="deals.shop.product_stopped")
    assert [note.recipient for note in told] == [owner]
    assert (
        AuditEntry.objects.filter(action="catalog.product.selling_stopped").count() == 1
    )
    # and its group buy stays open
    deal.refresh_from_db()
    assert deal.state == Deal.State.OPEN
    # when the operator sells it again, twice
    resumed = client.post(f"{base}sell-again/", follow=True)
    client.post(f"{base}sell-again/")
    # then it is on sale, once
    product.refresh_from_db()
    assert product.is_active is True
    assert "is on sale again." in resumed.text
    assert (
        AuditEntry.objects.filter(action="catalog.product.selling_resumed").count() == 1
    )


def test_an_unknown_product_is_not_found(client):
    client.force_login(_operator())
    assert client.get("/operator/products/prd_nothing/").status_code == 404
    assert (
        client.post("/operator/products/prd_nothing/stop-selling/").status_code == 404
    )


@pytest.mark.parametrize("who", ["shopper", "owner", "cashier"])
def test_only_operators_open_or_act_on_the_pages(client, who):
    # given a product a shop added, its owner and cashier, and a shopper
    owner = make_merchant_member()
    product = make_product(added_by_merchant=owner.merchant)
    client.force_login(
        {
            "shopper": make_user(),
            "owner": owner.user,
            "cashier": make_merchant_member(
                merchant=owner.merchant, role="cashier"
            ).user,
        }[who]
    )
    base = f"/operator/products/{product.public_id}/"
    # when
    answers = [
        client.get("/operator/products/").status_code,
        client.get(base).status_code,
        client.post(f"{base}stop-selling/").status_code,
        client.post(f"{base}sell-again/").status_code,
        client.get("/operator/products/prd_nothing/").status_code,
        client.get(f"{base}correct/").status_code,
        client.post(
            f"{base}correct/",
            {"step": "confirm", "name_zh": "改名", "reason": "x"},
        ).status_code,
    ]
    # then every one is refused, an unknown product too, and nothing changes
    product.refresh_from_db()
    assert answers == [403] * 7
    assert product.is_active is True
    assert product.name_zh != "改名"


def test_a_visitor_is_sent_to_sign_in_from_the_correction_page(client):
    product = make_product()
    answer = client.get(f"/operator/products/{product.public_id}/correct/")
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("web:login"))


def test_the_dashboards_closing_soon_opens_the_operators_group_buy_page(client):
    deal = make_deal()
    client.force_login(_operator())
    page = client.get("/operator/").text
    closing = page.split('id="operator-closing-soon"', 1)[1].split("</section>", 1)[0]
    assert f'href="/operator/deals/{deal.public_id}/"' in closing
    assert f'href="/deals/{deal.public_id}/"' not in closing


def _correction(product, **changes) -> dict:
    fields = {
        "gtin": product.gtin,
        "name_zh": product.name_zh,
        "name_en": product.name_en,
        "brand": product.brand,
        "spec": product.spec,
        "category": "",
        "description": product.description,
        "source": product.source,
        "reason": "The label says so",
    }
    return {**fields, **changes}


def test_a_correction_is_checked_then_saved_naming_the_shops_that_sell_it(client):
    # given a tea a shop sells, and a category
    tea = make_product(name_en="Longjing", spec="250 g")
    listing = make_listing(product=tea)
    green = make_category(name_en="Green tea")
    client.force_login(_operator())
    base = f"/operator/products/{tea.public_id}/"
    # when the operator opens the product and follows Correct details
    product_page = client.get(base).text
    form = client.get(f"{base}correct/").text
    # then both name the shop that sells it, and the form holds the details
    assert f'href="{base}correct/"' in product_page
    for page in (product_page, form):
        shops = page.split('id="operator-product-shops"', 1)[1].split("</section>")[0]
        assert "1 shop sells it" in shops and listing.merchant.display_name in shops
    assert 'value="Longjing"' in form
    # when they send a new English name, unit and category
    sent = _correction(
        tea, name_en="Longjing tea", spec="500 g", category=green.public_id
    )
    check = client.post(f"{base}correct/", {**sent, "step": "check"}).text
    # then the confirm step shows each change before and after, nothing saved
    confirm = check.split('id="operator-product-correct-changes"', 1)[1]
    row = confirm.split('id="operator-product-change-name_en"', 1)[1].split("</tr>")[0]
    assert "<td" in row and "Longjing</td>" in row and "Longjing tea</td>" in row
    assert 'id="operator-product-change-spec"' in confirm
    assert "Green tea</td>" in confirm
    assert 'id="operator-product-change-brand"' not in confirm
    tea.refresh_from_db()
    assert tea.name_en == "Longjing"
    # when they go back to change it, then save it
    back = client.post(f"{base}correct/", {**sent, "step": "edit"}).text
    saved = client.post(f"{base}correct/", {**sent, "step": "confirm"}, follow=True)
    # then the form came back as sent; the product is corrected, once
    assert (
        'value="Longjing tea"' in back and 'id="operator-product-correct-form"' in back
    )
    assert saved.redirect_chain[-1][0] == base
    assert "is corrected. The owners of the shops that sell it are told." in saved.text
    tea.refresh_from_db()
    assert (tea.name_en, tea.spec, tea.category) == ("Longjing tea", "500 g", green)
    entry = AuditEntry.objects.get(action="catalog.product.corrected")
    assert entry.data["before"] == {
        "name_en": "Longjing",
        "spec": "250 g",
        "category": "",
    }


def test_a_taken_barcode_or_no_change_is_said_on_the_form(client):
    rice, tea = make_product(), make_product()
    client.force_login(_operator())
    path = f"/operator/products/{tea.public_id}/correct/"
    # when the operator sends the rice's barcode, then the tea as it is
    taken = client.post(path, {**_correction(tea, gtin=rice.gtin), "step": "check"})
    same = client.post(path, {**_correction(tea), "step": "check"})
    # then the form says why, on the barcode and on top, and nothing is saved
    field = taken.text.split('id="field-gtin"', 1)[1].split("</div>", 1)[0]
    assert 'id="id_gtin_error"' in field and rice.public_id in field
    assert "Nothing differs from the product" in same.text
    assert not AuditEntry.objects.exists()
