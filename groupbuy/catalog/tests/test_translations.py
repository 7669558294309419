import pytest
from django.utils import translation

from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.services import clean_price_fen, clean_product_gtin


def test_check_digit_message_in_chinese():
    with translation.override("zh-hans"), pytest.raises(CatalogError) as caught:
        clean_product_gtin("6901939691609")
    assert caught.value.message == "“6901939691609”的校验位不对（应为 1）。"


def test_price_message_in_chinese():
    with translation.override("zh-hans"), pytest.raises(CatalogError) as caught:
        clean_price_fen(0)
    assert caught.value.message == "价格必须大于 0。"
