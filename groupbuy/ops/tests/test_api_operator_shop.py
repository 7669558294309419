"""A shop as an operator sees it, over the API: what its page shows before an
operator switches it off or on (until 2026-12-07 the page only)."""

import pytest

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.services import merchant_membership_add
from groupbuy.deals.tests.factories import join_and_pay, make_deal, make_merchant
from groupbuy.ops.shop_switching import merchant_switch_off
from groupbuy.ops.tests.factories import make_operator, make_person

pytestmark = pytest.mark.django_db


def _shop(name="Fresh Mart"):
    merchant = make_merchant(name=name)
    owner = make_person(display_name="Wang")
    merchant_membership_add(actor=None, user=owner, merchant=merchant, role="owner")
    return merchant, owner


def _read(client, user, merchant_id):
    client.force_login(user)
    return client.get(
        f"/api/operator/merchants/{merchant_id}", headers={"Accept-Language": "en"}
    )


def test_an_operator_reads_a_shop_switched_off_with_what_still_runs(client):
    # given a shop with an open group buy and a paid order, switched off
    merchant, owner = _shop()
    join_and_pay(make_deal(merchant=merchant))
    operator = make_operator()
    merchant_switch_off(actor=operator, merchant_id=merchant.public_id, reason="Spam")
    # when
    response = _read(client, operator, merchant.public_id)
    # then
    body = response.json()
    assert response.status_code == 200
    assert body["switched_off_at"]
    del body["switched_off_at"]
    assert body == {
        "merchant_id": merchant.public_id,
        "name": "Fresh Mart",
        "name_en": "",
        "is_active": False,
        "owners": [
            {
                "id": owner.public_id,
                "display_name": "Wang",
                "phone_masked": owner.phone[:6] + "****" + owner.phone[-4:],
            }
        ],
        "open_deals": 1,
        "paid_orders": 1,
        "switched_off_reason_text": "Spam",
    }


def test_an_active_shop_gives_no_switch_off(client):
    merchant, _owner = _shop()
    body = _read(client, make_operator(), merchant.public_id).json()
    assert (
        body["is_active"],
        body["switched_off_at"],
        body["switched_off_reason_text"],
    ) == (
        True,
        None,
        "",
    )
    assert (body["open_deals"], body["paid_orders"]) == (0, 0)


@pytest.mark.parametrize("who", ["shopper", "owner", "other_owner", "cashier"])
def test_anyone_but_an_operator_is_refused_with_403(client, who):
    # given the shop, its staff, another shop's owner and a shopper
    merchant, owner = _shop()
    _other, other_owner = _shop(name="Other Mart")
    cashier = make_person()
    merchant_membership_add(
        actor=None,
        user=cashier,
        merchant=merchant,
        role=MerchantMembership.Role.CASHIER,
    )
    user = {
        "shopper": make_person(),
        "owner": owner,
        "other_owner": other_owner,
        "cashier": cashier,
    }[who]
    # when
    response = _read(client, user, merchant.public_id)
    # then
    assert response.status_code == 403
    assert response.json()["message"] == "Only operators can switch a shop off or on."
    assert "owners" not in response.json()


def test_an_unknown_shop_is_404_and_no_sign_in_401(client):
    assert _read(client, make_operator(), "mer_nosuchshop").status_code == 404
    client.logout()
    assert client.get("/api/operator/merchants/mer_nosuchshop").status_code == 401
