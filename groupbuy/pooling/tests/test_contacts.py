"""Who plans to buy product X before a date, and contacts exchanged with consent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.catalog.models import Product
from groupbuy.notify.models import Notification
from groupbuy.pooling import services
from groupbuy.pooling.models import ContactRequest
from groupbuy.pooling.tests.factories import auth, make_shop, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned():
    """A discoverable shopper and a hidden one both plan to buy tea tomorrow."""
    _merchant, branch, owner = make_shop()
    tea = Product.objects.create(name_zh="茶", name_en="Tea")
    now = timezone.now()
    shoppers = {}
    for name, discoverable in (("open", True), ("hidden", False)):
        user = make_user()
        services.profile_update(
            actor=user, max_group_size=4, max_walk_m=500, is_discoverable=discoverable
        )
        shoppers[name] = user
        shoppers[f"{name}_cart"] = services.cart_report(
            actor=user,
            branch=branch,
            kind="intended",
            amount_fen=5_000,
            items=[{"product_id": tea.public_id, "unit_price_fen": 0, "quantity": 1}],
            window_start_at=now + timedelta(days=1),
            window_end_at=now + timedelta(days=1, hours=2),
        )
    return {"tea": tea, "owner": owner, **shoppers}


def _buyers(client, user, product, days=2):
    before = (timezone.now() + timedelta(days=days)).isoformat()
    return client.get(
        "/api/pooling/buyers",
        {"product_id": product.public_id, "before": before},
        headers=auth(user),
    ).json()


def test_only_opted_in_shoppers_are_listed_masked(client, planned):
    asker = make_user()
    found = _buyers(client, asker, planned["tea"])
    assert [b["cart_id"] for b in found] == [planned["open_cart"].public_id]
    assert "****" in found[0]["phone"]
    assert _buyers(client, asker, planned["tea"], days=0) == []


def test_contact_exchanged_only_after_the_other_side_accepts(client, planned):
    asker = make_user()
    response = client.post(
        "/api/pooling/contacts",
        {
            "cart_id": planned["open_cart"].public_id,
            "product_id": planned["tea"].public_id,
        },
        content_type="application/json",
        headers=auth(asker),
    )
    assert response.status_code == 201
    assert "****" in response.json()["phone"]
    assert Notification.objects.filter(
        kind="pooling.contact", recipient=planned["open"]
    ).exists()
    contact_id = response.json()["id"]
    # the asker cannot answer their own request; strangers and merchants see nothing
    for intruder in (asker, make_user(), planned["owner"]):
        refused = client.post(
            f"/api/pooling/contacts/{contact_id}/answer",
            {"accept": True},
            content_type="application/json",
            headers=auth(intruder),
        )
        assert refused.status_code == 404
    assert ContactRequest.objects.get().state == "pending"
    accepted = client.post(
        f"/api/pooling/contacts/{contact_id}/answer",
        {"accept": True},
        content_type="application/json",
        headers=auth(planned["open"]),
    )
    assert accepted.json()["phone"] == asker.phone
    mine = client.get("/api/pooling/contacts", headers=auth(asker)).json()
    assert mine[0]["phone"] == planned["open"].phone
    again = client.post(
        f"/api/pooling/contacts/{contact_id}/answer",
        {"accept": False},
        content_type="application/json",
        headers=auth(planned["open"]),
    )
    assert again.status_code == 409


def test_hidden_shoppers_cannot_be_asked(client, planned):
    response = client.post(
        "/api/pooling/contacts",
        {
            "cart_id": planned["hidden_cart"].public_id,
            "product_id": planned["tea"].public_id,
        },
        content_type="application/json",
        headers=auth(make_user()),
    )
    assert response.status_code == 404
    assert ContactRequest.objects.count() == 0


def test_buyers_page_lists_and_asks(client, planned):
    client.force_login(make_user())
    before = (timezone.now() + timedelta(days=2)).date().isoformat()
    page = client.get(
        "/pooling/buyers/", {"product": planned["tea"].public_id, "before": before}
    )
    assert planned["open_cart"].public_id in page.content.decode()
    client.post(
        f"/pooling/buyers/?product={planned['tea'].public_id}&before={before}",
        {"cart": planned["open_cart"].public_id, "product": planned["tea"].public_id},
    )
    assert ContactRequest.objects.get().recipient == planned["open"]
