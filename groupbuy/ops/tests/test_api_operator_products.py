"""The operator's catalogue over the API: list and read products, stop
selling one and sell it again. Operators only."""

import pytest

from groupbuy.catalog.tests.factories import (
    make_category,
    make_listing,
    make_merchant_member,
    make_product,
)
from groupbuy.core.models import AuditEntry
from groupbuy.deals.tests.factories import make_deal
from groupbuy.ops.tests.factories import make_operator, make_person

pytestmark = pytest.mark.django_db


def _get(client, user, path, **params):
    client.force_login(user)
    return client.get(
        f"/api/operator/{path}", params, headers={"Accept-Language": "en"}
    )


def _post(client, user, path):
    client.force_login(user)
    return client.post(f"/api/operator/{path}", headers={"Accept-Language": "en"})


def test_the_list_finds_by_words_and_state_and_pages(client):
    # given a tea on sale and a stopped tea
    on_sale = make_product(name_en="Longjing tea", brand="West Lake")
    stopped = make_product(name_en="Longjing tea, old crop", is_active=False)
    make_product(name_en="Rice")
    operator = make_operator()
    # when the operator lists the teas, all, then stopped ones only
    every = _get(client, operator, "products", q="Longjing").json()
    only_stopped = _get(client, operator, "products", q="Longjing", state="stopped")
    by_gtin = _get(client, operator, "products", q=on_sale.gtin).json()
    # then
    assert [(row["id"], row["state"]) for row in every["items"]] == [
        (on_sale.public_id, "active"),
        (stopped.public_id, "stopped"),
    ]
    assert (every["total"], every["pages"]) == (2, 1)
    assert [row["id"] for row in only_stopped.json()["items"]] == [stopped.public_id]
    assert [row["id"] for row in by_gtin["items"]] == [on_sale.public_id]


def test_an_unknown_state_is_refused(client):
    response = _get(client, make_operator(), "products", state="gone")
    assert response.status_code == 422


def test_stop_selling_then_sell_again_answer_the_product_each_time(client):
    # given a product with an open group buy
    deal = make_deal()
    product = deal.product
    operator = make_operator()
    path = f"products/{product.public_id}"
    # when the operator reads it, stops selling it twice, and sells it again
    read = _get(client, operator, path).json()
    stopped = _post(client, operator, f"{path}/stop-selling")
    again = _post(client, operator, f"{path}/stop-selling")
    resumed = _post(client, operator, f"{path}/sell-again")
    # then each answer gives the product, its state and its open group buy
    assert read["state"] == "active"
    assert read["open_deals_total"] == 1
    assert read["open_deals"][0]["id"] == deal.public_id
    assert read["open_deals"][0]["merchant_id"] == deal.merchant.public_id
    assert (stopped.status_code, again.status_code) == (200, 200)
    assert stopped.json()["state"] == again.json()["state"] == "stopped"
    assert stopped.json()["product"]["is_active"] is False
    assert resumed.json()["state"] == "active"
    # and each change is logged once
    assert list(
        AuditEntry.objects.filter(object_id=product.public_id)
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["catalog.product.selling_stopped", "catalog.product.selling_resumed"]


@pytest.mark.parametrize(
    "path",
    [
        "products/prd_nothing",
        "products/prd_nothing/stop-selling",
        "products/prd_nothing/sell-again",
    ],
)
def test_an_unknown_product_is_a_404(client, path):
    operator = make_operator()
    response = (_get if "/" not in path[9:] else _post)(client, operator, path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("who", ["shopper", "owner", "cashier"])
def test_only_operators_read_or_change_products(client, who):
    # given a product a shop added, its owner and cashier, and a shopper
    owner = make_merchant_member(user=make_person())
    product = make_product(added_by_merchant=owner.merchant)
    user = {
        "shopper": make_person(),
        "owner": owner.user,
        "cashier": make_merchant_member(
            user=make_person(), merchant=owner.merchant, role="cashier"
        ).user,
    }[who]
    path = f"products/{product.public_id}"
    # when
    answers = [
        _get(client, user, "products"),
        _get(client, user, path),
        _get(client, user, "products/prd_nothing"),
        _post(client, user, f"{path}/stop-selling"),
        _post(client, user, f"{path}/sell-again"),
    ]
    # then each is refused, an unknown product too, and nothing changes
    assert [answer.status_code for answer in answers] == [403] * 5
    assert {answer.json()["code"] for answer in answers} == {"forbidden"}
    product.refresh_from_db()
    assert product.is_active is True
    assert not AuditEntry.objects.filter(object_id=product.public_id).exists()


def _patch(client, user, path, body):
    client.force_login(user)
    return client.patch(
        f"/api/operator/{path}",
        body,
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )


def test_a_correction_answers_the_product_what_changed_and_the_shops_selling_it(
    client,
):
    # given a tea a shop sells, and a category
    tea = make_product(name_en="Longjing", brand="West")
    listing = make_listing(product=tea)
    green = make_category()
    operator = make_operator()
    body = {
        "reason": "The label says so",
        "name_en": "Longjing tea",
        "category_id": green.public_id,
        "source": "The shop's label",
    }
    # when the operator corrects it, then sends the same again
    first = _patch(client, operator, f"products/{tea.public_id}", body)
    again = _patch(client, operator, f"products/{tea.public_id}", body)
    # then the first changed three fields, the second nothing
    assert first.status_code == 200, first.json()
    answer = first.json()
    assert answer["changed"] == ["name_en", "category", "source"]
    assert answer["product"]["name_en"] == "Longjing tea"
    assert answer["product"]["category"]["id"] == green.public_id
    assert answer["shops"] == [
        {
            "merchant_id": listing.merchant.public_id,
            "merchant_name": listing.merchant.display_name,
            "is_active": True,
        }
    ]
    assert again.json()["changed"] == []
    assert AuditEntry.objects.filter(action="catalog.product.corrected").count() == 1


def test_a_bad_or_taken_barcode_is_a_400_or_409_naming_the_field(client):
    # given a rice and a tea, each with its barcode
    rice, tea = make_product(), make_product()
    operator = make_operator()
    path = f"products/{tea.public_id}"
    # when the operator sends the tea a wrong check digit, then the rice's
    # barcode, and corrects a product that does not exist
    wrong = _patch(client, operator, path, {"reason": "x", "gtin": "6901939691602"})
    taken = _patch(client, operator, path, {"reason": "x", "gtin": rice.gtin})
    unknown = _patch(client, operator, "products/prd_nothing", {"reason": "x"})
    # then
    assert (wrong.status_code, wrong.json()["code"]) == (400, "invalid_gtin")
    assert "check digit" in wrong.json()["fields"]["gtin"][0]
    assert (taken.status_code, taken.json()["code"]) == (409, "gtin_taken")
    assert rice.public_id in taken.json()["fields"]["gtin"][0]
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize("who", ["anonymous", "shopper", "owner", "other owner"])
def test_only_operators_correct_a_product(client, who):
    # given a product its shop added (sold by it alone), and its owner
    owner = make_merchant_member(user=make_person())
    tea = make_product(added_by_merchant=owner.merchant, name_en="Tea")
    body = {"reason": "x", "name_en": "Green tea"}
    path = f"/api/operator/products/{tea.public_id}"
    # when someone not an operator sends a correction
    if who != "anonymous":
        client.force_login(
            {
                "shopper": make_person(),
                "owner": owner.user,
                "other owner": make_merchant_member(user=make_person()).user,
            }[who]
        )
    response = client.patch(path, body, content_type="application/json")
    # then it is refused and nothing changes
    assert response.status_code == (401 if who == "anonymous" else 403)
    tea.refresh_from_db()
    assert tea.name_en == "Tea"
