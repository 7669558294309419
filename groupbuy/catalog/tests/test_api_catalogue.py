"""The catalogue file over the API: export, template, upload, preview,
confirm; the shop's owners only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.models import Listing, Product
from groupbuy.catalog.tests.factories import (
    make_gtin13,
    make_listing,
    make_merchant_member,
    make_product,
    make_user,
)

pytestmark = pytest.mark.django_db
HEADER = "gtin,name_zh,name_en,brand,spec,category,description,price_yuan,on_sale\n"


def bearer(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def shop():
    owner = make_merchant_member(user=make_user(preferred_language="en"))
    merchant = owner.merchant
    cashier = make_merchant_member(
        user=make_user(preferred_language="en"),
        merchant=merchant,
        role=MerchantMembership.Role.CASHIER,
    )
    return merchant, {
        "owner": owner.user,
        "cashier": cashier.user,
        "other owner": make_merchant_member(
            user=make_user(preferred_language="en")
        ).user,
        "shopper": make_user(preferred_language="en"),
    }


def post_file(client, merchant, user, text: str, *, encoding="utf-8"):
    return client.post(
        f"/api/catalog/merchants/{merchant.public_id}/catalogue/imports",
        {"file": SimpleUploadedFile("goods.csv", text.encode(encoding))},
        headers=bearer(user),
    )


def test_an_owner_uploads_previews_and_confirms(client, shop):
    # given
    merchant, people = shop
    gtin = make_gtin13()
    text = HEADER + f"{gtin},鲜牛奶,Fresh milk,,,,,12.50,yes\n,负价格,,,,,,-1,yes\n"

    # when the owner uploads the file
    uploaded = post_file(client, merchant, people["owner"], text)

    # then the preview says what would happen, and nothing has
    assert uploaded.status_code == 201
    body = uploaded.json()
    assert (body["status"], body["encoding"], body["counts"]) == (
        "ready",
        "utf-8",
        {"create": 1, "update": 0, "unchanged": 0, "refused": 1},
    )
    assert body["rows"][1] == {
        "line": 3,
        "action": "refused",
        "name": "负价格",
        "gtin": "",
        "notes": ["The price may not be negative."],
    }
    assert not Product.objects.filter(gtin=gtin).exists()

    # when the owner confirms, twice
    url = f"/api/catalog/catalogue/imports/{body['id']}"
    first = client.post(f"{url}/confirm", headers=bearer(people["owner"]))
    second = client.post(f"{url}/confirm", headers=bearer(people["owner"]))

    # then the product is listed once
    assert first.status_code == second.status_code == 200
    assert first.json()["status"] == "applied"
    assert Listing.objects.get(merchant=merchant).price_fen == 1250
    assert client.get(url, headers=bearer(people["owner"])).json()["status"] == (
        "applied"
    )


def test_a_gb18030_upload_says_so(client, shop):
    merchant, people = shop
    text = "条码,中文名称,售价（元）\n" + f"{make_gtin13()},五常大米,59.90\n"
    body = post_file(client, merchant, people["owner"], text, encoding="gb18030").json()
    assert (body["encoding"], body["encoding_label"]) == ("gb18030", "GB18030 (GBK)")
    assert body["rows"][0]["name"] == "五常大米"


def test_a_file_that_cannot_be_read_is_a_400_saying_why(client, shop):
    merchant, people = shop
    response = post_file(client, merchant, people["owner"], "name_en\nMilk\n")
    assert response.status_code == 400
    assert response.json()["code"] == "missing_column"
    missing = client.post(
        f"/api/catalog/merchants/{merchant.public_id}/catalogue/imports",
        headers=bearer(people["owner"]),
    )
    assert missing.status_code == 400
    assert missing.json()["message"] == "Choose a CSV file to upload."


@pytest.mark.parametrize("who", ["cashier", "other owner", "shopper"])
def test_only_the_owners_upload_or_export(client, shop, who):
    # given
    merchant, people = shop
    make_listing(merchant=merchant, product=make_product())

    # when someone else uploads or exports
    uploaded = post_file(client, merchant, people[who], HEADER + ",豆浆,,,,,,,\n")
    exported = client.get(
        f"/api/catalog/merchants/{merchant.public_id}/catalogue.csv",
        headers=bearer(people[who]),
    )

    # then both are refused (403, as every console action of another shop)
    assert (uploaded.status_code, exported.status_code) == (403, 403)
    assert not Product.objects.filter(name_zh="豆浆").exists()


@pytest.mark.parametrize(
    "who, status", [("cashier", 403), ("other owner", 404), ("shopper", 404)]
)
def test_an_import_is_its_owners(client, shop, who, status):
    # given an owner's preview
    merchant, people = shop
    body = post_file(
        client, merchant, people["owner"], HEADER + ",豆浆,,,,,,,\n"
    ).json()
    url = f"/api/catalog/catalogue/imports/{body['id']}"

    # when someone else reads or confirms it
    read = client.get(url, headers=bearer(people[who]))
    confirmed = client.post(f"{url}/confirm", headers=bearer(people[who]))

    # then a cashier is refused, anyone else finds no such import
    assert (read.status_code, confirmed.status_code) == (status, status)
    assert not Product.objects.filter(name_zh="豆浆").exists()


def test_the_export_is_the_shops_products_with_formulas_quoted(client, shop):
    merchant, people = shop
    product = make_product(
        added_by_merchant=merchant, name_zh="=1+1", name_en="", brand="@brand"
    )
    make_listing(merchant=merchant, product=product, price_fen=1990)
    response = client.get(
        f"/api/catalog/merchants/{merchant.public_id}/catalogue.csv",
        headers=bearer(people["owner"]),
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        HEADER.strip(),
        f"{product.gtin},'=1+1,,'@brand,,,,19.90,yes",
    ]


def test_the_template_has_headers_in_the_readers_language(client):
    english = client.get(
        "/api/catalog/catalogue/template.csv", headers={"Accept-Language": "en"}
    )
    chinese = client.get(
        "/api/catalog/catalogue/template.csv", headers={"Accept-Language": "zh-hans"}
    )
    assert english.content.decode("utf-8-sig") == HEADER.replace("\n", "\r\n")
    assert chinese.content.decode("utf-8-sig").startswith("条码,中文名称,英文名称")
