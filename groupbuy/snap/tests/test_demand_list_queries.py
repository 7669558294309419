"""The operators' demand ranking reads as many queries for many products as
for one."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from groupbuy.catalog.models import ProductImage
from groupbuy.catalog.tests.factories import (
    make_category,
    make_operator,
    make_product,
    make_user,
)
from groupbuy.snap.services import demand_record

# one_database: the number of queries is the ORM's, whichever engine runs them.
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

URL = "/api/snap/demand?page_size=50"


def _asked_for(count: int, *, root) -> None:
    """``count`` products asked for, each with a photo, in a category of its
    own two levels under ``root`` (whose threshold they inherit)."""
    for _n in range(count):
        category = make_category(parent=make_category(parent=root))
        product = make_product(category=category)
        ProductImage.objects.create(product=product, image=f"p/{product.pk}.jpg")
        demand_record(actor=make_user(), product=product)


def _ranking(client) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries), response.json()


def test_the_demand_ranking_reads_as_many_queries_for_6_products_as_for_1():
    # given one product asked for, its category's threshold set two levels up
    root = make_category(demand_threshold=4)
    _asked_for(1, root=root)
    client = Client()
    client.force_login(make_operator())
    client.get(URL)  # warm up: session
    few, _body = _ranking(client)
    # when five more are asked for
    _asked_for(5, root=root)
    many, body = _ranking(client)
    # then each shows its photo and inherited threshold, in as many queries
    assert len(body["items"]) == 6
    assert {item["threshold"] for item in body["items"]} == {4}
    assert all(item["product"]["image_url"] for item in body["items"])
    assert many == few
