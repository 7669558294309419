"""The console's Import or export page: an owner uploads the till's CSV, reads
the preview row by row, confirms, and finds the products listed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.models import CatalogueImport, Listing, Product
from groupbuy.catalog.tests.factories import (
    make_gtin13,
    make_listing,
    make_merchant_member,
    make_product,
    make_user,
)

pytestmark = pytest.mark.django_db
HEADER = "gtin,name_zh,name_en,brand,spec,category,description,price_yuan,on_sale\n"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def shop():
    owner = make_merchant_member(user=make_user(preferred_language="en"))
    return owner.merchant, client_for(owner.user)


def upload(client, merchant, text: str, *, encoding="utf-8"):
    return client.post(
        f"/merchant/{merchant.public_id}/catalogue/import/",
        {"file": SimpleUploadedFile("till.csv", text.encode(encoding))},
    )


def test_an_owner_previews_then_confirms_and_the_products_are_listed(shop):
    # given
    merchant, owner = shop
    gtin = make_gtin13()
    text = HEADER + f"{gtin},鲜牛奶,Fresh milk,,,,,12.50,yes\n,,,,,,,3.00,yes\n"

    # when the owner uploads the file
    uploaded = upload(owner, merchant, text)

    # then the preview lists each row, and nothing is saved yet
    assert uploaded.status_code == 302
    preview = owner.get(uploaded["Location"])
    page = preview.content.decode()
    assert "Read as UTF-8: 2 rows." in page
    assert "Enter the Chinese name." in page
    assert 'data-action="create"' in page and 'data-action="refused"' in page
    assert not Product.objects.filter(gtin=gtin).exists()

    # when the owner confirms
    confirm_url = uploaded["Location"] + "confirm/"
    done = owner.post(confirm_url, follow=True)

    # then the product is listed at its price, and the page says so
    assert "The file is imported." in done.content.decode()
    listing = Listing.objects.get(merchant=merchant)
    assert (listing.product.gtin, listing.price_fen) == (gtin, 1250)
    products = owner.get(f"/merchant/{merchant.public_id}/products/").content.decode()
    assert "鲜牛奶" in products or "Fresh milk" in products


def test_a_gb18030_file_says_how_it_was_read(shop):
    merchant, owner = shop
    text = "条码,中文名称,售价（元）\n" + f"{make_gtin13()},五常大米,59.90\n"
    uploaded = upload(owner, merchant, text, encoding="gb18030")
    page = owner.get(uploaded["Location"]).content.decode()
    assert "Read as GB18030 (GBK): 1 rows." in page
    assert "五常大米" in page


def test_a_file_that_cannot_be_read_is_said_on_the_field(shop):
    merchant, owner = shop
    response = upload(owner, merchant, "name_en\nMilk\n")
    assert response.status_code == 400
    assert "The file has no Chinese name column" in response.content.decode()
    assert not CatalogueImport.objects.exists()


def test_the_export_and_the_template_download(shop):
    merchant, owner = shop
    product = make_product(added_by_merchant=merchant, name_zh="+86 热线")
    make_listing(merchant=merchant, product=product, price_fen=500)
    exported = owner.get(f"/merchant/{merchant.public_id}/catalogue/export.csv")
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    assert f"{product.gtin},'+86 热线," in exported.content.decode("utf-8-sig")
    template = owner.get(
        f"/merchant/{merchant.public_id}/catalogue/template.csv",
    )
    assert template.content.decode("utf-8-sig").startswith("gtin,name_zh,name_en")


def test_a_big_file_is_read_by_a_job_with_progress_shown(
    shop, settings, django_capture_on_commit_callbacks
):
    # given files above the job threshold
    settings.GROUPBUY_CATALOG_IMPORT_JOB_ROWS = 1
    merchant, owner = shop
    text = HEADER + "".join(
        f"{make_gtin13()},商品{n},,,,,,1.00,yes\n" for n in range(3)
    )

    # when it is uploaded, the job not run yet
    with django_capture_on_commit_callbacks(execute=False) as queued:
        uploaded = upload(owner, merchant, text)
    waiting = owner.get(uploaded["Location"]).content.decode()

    # then the page shows the progress and polls it
    assert 'id="catalogue-progress"' in waiting and 'hx-trigger="every 1s"' in waiting
    assert "Reading the file: 0 of 3 rows" in waiting

    # when the job runs, the progress asks the page to reload
    for callback in queued:
        callback()
    progress = owner.get(uploaded["Location"] + "progress/")
    assert progress["HX-Refresh"] == "true"
    assert 'data-action="create"' in owner.get(uploaded["Location"]).content.decode()

    # and confirming hands the writing to a job too
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(uploaded["Location"] + "confirm/")
    assert Listing.objects.filter(merchant=merchant).count() == 3


@pytest.mark.parametrize("who", ["cashier", "other owner", "shopper"])
def test_only_the_shops_owners_open_the_page(shop, who):
    # given an owner's preview
    merchant, owner = shop
    preview_url = upload(owner, merchant, HEADER + ",豆浆,,,,,,,\n")["Location"]
    someone = {
        "cashier": make_merchant_member(
            merchant=merchant, role=MerchantMembership.Role.CASHIER
        ).user,
        "other owner": make_merchant_member().user,
        "shopper": make_user(),
    }[who]
    client = client_for(someone)

    # when they open the page, upload, read or confirm the preview
    page = client.get(f"/merchant/{merchant.public_id}/catalogue/")
    uploaded = upload(client, merchant, HEADER + ",别的,,,,,,,\n")
    read = client.get(preview_url)
    confirmed = client.post(preview_url + "confirm/")

    # then a cashier is refused; outside the shop the import is not found
    outside = 403 if who == "cashier" else 404
    assert (page.status_code, uploaded.status_code) == (403, 403)
    assert (read.status_code, confirmed.status_code) == (outside, outside)
    assert not Product.objects.filter(name_zh__in=["豆浆", "别的"]).exists()
