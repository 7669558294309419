"""A shop moves its catalogue in from its till's spreadsheet: the upload is
previewed row by row, nothing changes until the owner confirms, and the
confirmation writes every previewed row at once, once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.catalogue.export import catalogue_csv
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import CatalogueImport, Listing, Product
from groupbuy.catalog.selectors import catalogue_rows
from groupbuy.catalog.services import catalogue_import_confirm, catalogue_import_upload
from groupbuy.catalog.tests.factories import (
    make_category,
    make_gtin13,
    make_listing,
    make_merchant_member,
    make_product,
)
from groupbuy.core.models import AuditEntry

pytestmark = pytest.mark.django_db
HEADER = "gtin,name_zh,name_en,brand,spec,category,description,price_yuan,on_sale\n"


@pytest.fixture
def owner():
    return make_merchant_member().user


def shop_of(user):
    return MerchantMembership.objects.get(user=user).merchant


def upload(owner, text: str, *, encoding="utf-8", file_name="goods.csv"):
    return catalogue_import_upload(
        actor=owner,
        merchant=shop_of(owner),
        data=text.encode(encoding),
        file_name=file_name,
    )


def test_a_preview_says_what_each_row_would_do_and_changes_nothing(owner):
    # given a file with a new product, a bad barcode, a negative price and a
    # second copy of the first row
    gtin = make_gtin13()
    text = (
        HEADER
        + f"{gtin},鲜牛奶,Fresh milk,光明,950 ml,,,12.50,yes\n"
        + "6901234567891,坏条码,,,,,,3.00,yes\n"
        + ",负价格,,,,,,-3.00,yes\n"
        + f"{gtin},鲜牛奶,Fresh milk,光明,950 ml,,,12.50,yes\n"
    )
    products_before = Product.objects.count()

    # when
    result = upload(owner, text)

    # then
    assert result.status == CatalogueImport.Status.READY
    assert result.counts == {"create": 1, "update": 0, "unchanged": 0, "refused": 3}
    refused = {
        row["line"]: row["notes"] for row in result.plan if row["action"] == "refused"
    }
    assert refused == {
        3: ["“6901234567891” has a wrong check digit (expected 2)."],
        4: ["The price may not be negative."],
        5: ["Line 2 of the file is already this product."],
    }
    assert Product.objects.count() == products_before
    assert not Listing.objects.filter(merchant=shop_of(owner)).exists()


def test_confirming_writes_the_previewed_rows_once(owner):
    # given an uploaded file of two new products, one with a price
    category = make_category(slug="dairy", name_zh="乳品", name_en="Dairy")
    gtin = make_gtin13()
    text = HEADER + f"{gtin},鲜牛奶,Fresh milk,光明,950 ml,乳品,,12.50,\n"
    text += ",自制豆浆,,,500 ml,dairy,,,\n"
    preview = upload(owner, text)

    # when it is confirmed twice
    applied = catalogue_import_confirm(actor=owner, catalogue_import=preview)
    again = catalogue_import_confirm(actor=owner, catalogue_import=preview)

    # then both products exist once, the first on sale at ¥12.50
    merchant = shop_of(owner)
    assert applied.status == again.status == CatalogueImport.Status.APPLIED
    milk = Product.objects.get(gtin=gtin)
    assert (milk.name_zh, milk.name_en, milk.category, milk.added_by_merchant) == (
        "鲜牛奶",
        "Fresh milk",
        category,
        merchant,
    )
    assert milk.search_pinyin.strip() and milk.gtin14 == gtin.zfill(14)
    assert (
        Product.objects.filter(name_zh="自制豆浆", added_by_merchant=merchant).count()
        == 1
    )
    assert list(
        Listing.objects.filter(merchant=merchant).values_list(
            "product", "price_fen", "is_active"
        )
    ) == [(milk.pk, 1250, True)]
    # and it is audited: two products, a listing, the import itself, once
    actions = list(
        AuditEntry.objects.filter(action__startswith="catalog.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "catalog.import.applied",
        "catalog.import.uploaded",
        "catalog.listing.created",
        "catalog.product.created",
        "catalog.product.created",
    ]


def test_the_same_file_imported_twice_changes_nothing_the_second_time(owner):
    # given a file already imported
    text = HEADER + f"{make_gtin13()},鲜牛奶,Fresh milk,光明,950 ml,,,12.50,yes\n"
    text += ",自制豆浆,,,500 ml,,,3.00,yes\n"
    catalogue_import_confirm(actor=owner, catalogue_import=upload(owner, text))
    products = list(
        Product.objects.values_list(
            "pk", "name_zh", "updated_name" if False else "name_en"
        )
    )

    # when it is uploaded and confirmed again
    second = upload(owner, text)
    catalogue_import_confirm(actor=owner, catalogue_import=second)

    # then every row was unchanged and nothing was written
    assert second.counts == {"create": 0, "update": 0, "unchanged": 2, "refused": 0}
    assert list(Product.objects.values_list("pk", "name_zh", "name_en")) == products
    assert AuditEntry.objects.filter(action="catalog.product.created").count() == 2


def test_a_row_updates_the_product_its_barcode_names_and_its_price(owner):
    # given the shop's own product, listed at ¥10.00
    merchant = shop_of(owner)
    product = make_product(added_by_merchant=merchant, name_zh="旧名字")
    make_listing(merchant=merchant, product=product, price_fen=1000)

    # when a file gives it a new name and price
    preview = upload(owner, HEADER + f"{product.gtin},新名字,,,,,,9.00,yes\n")
    catalogue_import_confirm(actor=owner, catalogue_import=preview)

    # then
    assert preview.plan[0]["action"] == "update"
    product.refresh_from_db()
    assert product.name_zh == "新名字"
    assert Listing.objects.get(merchant=merchant, product=product).price_fen == 900


def test_a_shared_catalogue_product_keeps_its_details_and_takes_the_price(owner):
    # given a platform product
    product = make_product(name_zh="平台商品")

    # when the shop's file names it otherwise, with a price
    preview = upload(owner, HEADER + f"{product.gtin},别的名字,,,,,,5.00,yes\n")
    catalogue_import_confirm(actor=owner, catalogue_import=preview)

    # then only the price is taken
    assert preview.plan[0]["notes"][0] == (
        "Only the price is taken: the product's details belong to the shared catalogue."
    )
    product.refresh_from_db()
    assert product.name_zh == "平台商品"
    assert Listing.objects.get(product=product).price_fen == 500


def test_a_price_below_an_open_group_buy_is_refused_on_its_row(owner):
    # given a group buy of the product open at ¥129.00 original price
    from groupbuy.deals.tests.factories import make_deal

    merchant = shop_of(owner)
    product = make_product(added_by_merchant=merchant)
    make_deal(merchant=merchant, product=product, list_price_fen=12_900)

    # when the file lowers the everyday price
    preview = upload(
        owner, HEADER + f"{product.gtin},{product.name_zh},,,,,,99.00,yes\n"
    )

    # then that row is refused, naming the group buy
    assert preview.plan[0]["action"] == "refused"
    assert "Jasmine tea 500 g" in preview.plan[0]["notes"][0]


def test_a_gb18030_file_is_read_and_said_so(owner):
    # given a file Excel saved on a Chinese Windows
    text = (
        "条码,中文名称,品牌,售价（元）,在售\n" + f"{make_gtin13()},五常大米,,59.90,是\n"
    )

    # when
    preview = upload(owner, text, encoding="gb18030")

    # then
    assert preview.encoding == "gb18030"
    assert preview.plan[0]["name"] == "五常大米"
    assert preview.counts["create"] == 1


def test_utf8_with_a_byte_order_mark_is_read(owner):
    preview = upload(owner, "\ufeff" + HEADER + ",豆浆,,,,,,3.00,yes\n")
    assert (preview.encoding, preview.counts["create"]) == ("utf-8-sig", 1)


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "empty_file"),
        ("name_en\nMilk\n", "missing_column"),
        (HEADER, "empty_file"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_with_a_reason(owner, text, code):
    with pytest.raises(CatalogError) as refused:
        upload(owner, text)
    assert refused.value.code == code
    assert not CatalogueImport.objects.exists()


def test_too_many_rows_or_bytes_are_refused(owner, settings):
    settings.GROUPBUY_CATALOG_IMPORT_MAX_ROWS = 2
    with pytest.raises(CatalogError) as refused:
        upload(owner, HEADER + ",a,,,,,,,\n,b,,,,,,,\n,c,,,,,,,\n")
    assert refused.value.message == (
        "The file has more than 2 products: split it into files of at most 2 rows."
    )
    settings.GROUPBUY_CATALOG_IMPORT_MAX_BYTES = 100
    with pytest.raises(CatalogError) as refused:
        upload(owner, HEADER + ",a" + "x" * 200 + ",,,,,,,\n")
    assert refused.value.status == 413


def test_a_cashier_may_not_upload_nor_confirm(owner):
    merchant = shop_of(owner)
    cashier = make_merchant_member(
        merchant=merchant, role=MerchantMembership.Role.CASHIER
    ).user
    with pytest.raises(CatalogError) as refused:
        catalogue_import_upload(
            actor=cashier, merchant=merchant, data=(HEADER + ",a,,,,,,,\n").encode()
        )
    assert refused.value.status == 403
    preview = upload(owner, HEADER + ",a,,,,,,,\n")
    with pytest.raises(CatalogError):
        catalogue_import_confirm(actor=cashier, catalogue_import=preview)
    assert not Product.objects.filter(name_zh="a").exists()


def test_a_change_since_the_preview_is_refused_and_previewed_again(owner):
    # given a preview creating a product, then the same product added by hand
    gtin = make_gtin13()
    preview = upload(owner, HEADER + f"{gtin},鲜牛奶,,,,,,,\n")
    make_product(
        gtin=gtin, added_by_merchant=shop_of(owner), name_zh="鲜牛奶", name_en=""
    )

    # when the owner confirms
    with pytest.raises(CatalogError) as refused:
        catalogue_import_confirm(actor=owner, catalogue_import=preview)

    # then nothing is written and the preview is the new one
    assert refused.value.code == "import_outdated"
    preview.refresh_from_db()
    assert preview.status == "ready"
    assert preview.plan[0]["action"] == "unchanged"


def test_the_export_imports_back_unchanged(owner):
    # given the shop's products: its own, a listed catalogue one, a formula-like name
    merchant = shop_of(owner)
    category = make_category()
    own = make_product(
        added_by_merchant=merchant, category=category, name_zh="=HYPERLINK()"
    )
    make_listing(merchant=merchant, product=own, price_fen=1234)
    listed = make_product()
    make_listing(merchant=merchant, product=listed, price_fen=500, is_active=False)
    make_product(added_by_merchant=merchant, gtin="", name_zh="无码商品", brand="-品牌")

    # when it is exported and imported again
    text = catalogue_csv(catalogue_rows(merchant=merchant), language="en")
    preview = upload(owner, text, encoding="utf-8")

    # then every row is there and unchanged; the formula was neutralised
    assert "'=HYPERLINK()" in text and "'-品牌" in text
    assert preview.encoding == "utf-8-sig"
    assert preview.counts == {"create": 0, "update": 0, "unchanged": 3, "refused": 0}


def test_the_zh_export_uses_chinese_headers_and_imports_back(owner):
    merchant = shop_of(owner)
    product = make_product(added_by_merchant=merchant)
    make_listing(merchant=merchant, product=product, price_fen=990)
    text = catalogue_csv(catalogue_rows(merchant=merchant), language="zh-hans")
    assert (
        text.splitlines()[0]
        == "\ufeff条码,中文名称,英文名称,品牌,规格,分类,描述,售价（元）,在售"
    )
    assert text.splitlines()[1].endswith(",9.90,是")
    preview = upload(owner, text, encoding="gb18030")
    assert preview.counts["unchanged"] == 1


def _rows(count: int) -> str:
    return HEADER + "".join(
        f"{make_gtin13()},商品{n},Product {n},,,,,{n % 50 + 1}.00,yes\n"
        for n in range(count)
    )


def _queries(owner, text) -> int:
    with CaptureQueriesContext(connection) as captured:
        preview = upload(owner, text)
        catalogue_import_confirm(actor=owner, catalogue_import=preview)
    assert preview.counts["create"] == text.count("\n") - 1
    return len(captured)


def test_importing_two_thousand_rows_takes_batches_not_a_query_a_row(owner, settings):
    # given files of 200 and 2,000 new products, imported at once (no job)
    settings.GROUPBUY_CATALOG_IMPORT_JOB_ROWS = 5000
    small = _queries(owner, _rows(200))
    other_owner = make_merchant_member().user

    # when
    large = _queries(other_owner, _rows(2000))

    # then ten times the rows costs a few more batched INSERTs, not 1,800 queries
    assert large - small <= 2000 // 25, (small, large)
    assert large < 150


def test_a_job_that_fails_says_so_rather_than_reading_forever(
    owner, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # given a big file whose reading breaks on our side
    settings.GROUPBUY_CATALOG_IMPORT_JOB_ROWS = 0

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("groupbuy.catalog.services.catalogue.plan_rows", broken)

    # when it is uploaded and its job runs
    with django_capture_on_commit_callbacks(execute=True):
        preview = upload(owner, HEADER + ",豆浆,,,,,,,\n")

    # then the import is failed, saying nothing was saved
    preview.refresh_from_db()
    assert preview.status == CatalogueImport.Status.FAILED
    assert preview.error.startswith("The file could not be imported")
    assert not Product.objects.filter(name_zh="豆浆").exists()


def test_an_unknown_category_or_a_shortened_barcode_is_refused_on_its_row(owner):
    preview = upload(owner, HEADER + ",豆浆,,,,nope,,,\n" + "6.90123E+12,米,,,,,,,\n")
    assert [row["notes"] for row in preview.plan] == [
        [
            "There is no category “nope”: use the Chinese or English name of a "
            "category of the catalogue, or its code, or leave it empty."
        ],
        [
            "The barcode “6.90123E+12” was shortened by the spreadsheet: format "
            "the column as text and type the barcode again."
        ],
    ]
