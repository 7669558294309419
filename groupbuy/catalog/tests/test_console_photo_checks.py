"""The merchant console refuses bad product photos with a form error, never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from groupbuy.catalog.models import Product, ProductImage
from groupbuy.catalog.tests.test_api_products import _encoded, _png_bomb
from groupbuy.web.tests.test_merchant_products import (
    _client_for,
    _form_data,
    _new_url,
    make_member,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(_png_bomb(), "too many pixels", id="decompression bomb"),
        pytest.param(_encoded("JPEG")[:300], "damaged", id="truncated"),
        pytest.param(b"%PDF-1.4", "not a JPEG, PNG or WebP", id="pdf"),
    ],
)
def test_a_bad_photo_is_a_form_error_and_nothing_is_stored(
    settings, tmp_path, data, message
):
    # given
    settings.MEDIA_ROOT = tmp_path
    owner = make_member()
    photo = SimpleUploadedFile("p.png", data, content_type="image/png")
    # when
    response = _client_for(owner.user).post(
        _new_url(owner), _form_data(gtin="", image=photo)
    )
    # then
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProductImage.objects.exists()
    assert not Product.objects.exists()
    assert list(tmp_path.rglob("*.*")) == []
