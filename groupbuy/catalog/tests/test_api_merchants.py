import pytest

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.models import Listing
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_listing,
    make_merchant,
    make_merchant_member,
    make_operator,
    make_product,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_merchants_are_public_with_their_active_branches(client):
    merchant = make_merchant(name="鲜邻超市")
    branch = make_branch(merchant=merchant)
    make_branch(merchant=merchant, is_active=False)
    make_merchant(is_active=False)
    body = client.get("/api/catalog/merchants").json()
    assert body["total"] == 1
    assert [b["id"] for b in body["items"][0]["branches"]] == [branch.public_id]
    detail = client.get(f"/api/catalog/merchants/{merchant.public_id}").json()
    assert detail["name"] == "鲜邻超市"


def test_nearest_branches_come_with_distances(client):
    near = make_branch(latitude="31.231000", longitude="121.474000")
    far = make_branch(latitude="31.300000", longitude="121.500000")
    response = client.get(
        "/api/catalog/branches/nearest", {"latitude": 31.2304, "longitude": 121.4737}
    )
    assert response.status_code == 200
    body = response.json()
    assert [b["id"] for b in body] == [near.public_id, far.public_id]
    assert body[0]["distance_m"] < body[1]["distance_m"]


def test_nearest_with_impossible_latitude_is_422(client):
    response = client.get(
        "/api/catalog/branches/nearest", {"latitude": 123, "longitude": 121}
    )
    assert response.status_code == 422
    assert any(name.endswith("latitude") for name in response.json()["fields"])


def test_operator_creates_merchant_and_owner_adds_a_branch(client):
    owner = make_user()
    client.force_login(make_operator())
    created = client.post(
        "/api/operator/merchants",
        {
            "name": "鲜邻超市",
            "name_en": "FreshNeighbour Market",
            "owner_phone": owner.phone,
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    merchant_id = created.json()["merchant_id"]
    client.force_login(owner)
    branch = client.post(
        f"/api/catalog/merchants/{merchant_id}/branches",
        {
            "name": "静安店",
            "address": "南京西路1601号",
            "latitude": 31.22,
            "longitude": 121.45,
        },
        content_type="application/json",
    )
    assert branch.status_code == 201
    assert branch.json()["latitude"] == 31.22


def test_shopper_cannot_patch_a_merchant(client):
    merchant = make_merchant(name="原名")
    client.force_login(make_user())
    response = client.patch(
        f"/api/catalog/merchants/{merchant.public_id}",
        {"name": "改名"},
        content_type="application/json",
    )
    assert response.status_code == 403
    merchant.refresh_from_db()
    assert merchant.name == "原名"


def test_staff_manage_listings(client):
    # given
    membership = make_merchant_member(role=MerchantMembership.Role.CASHIER)
    merchant = membership.merchant
    product = make_product()
    client.force_login(membership.user)
    # when
    created = client.post(
        f"/api/catalog/merchants/{merchant.public_id}/listings",
        {"product_id": product.public_id, "price_fen": 1290},
        content_type="application/json",
    )
    listing_id = created.json()["id"]
    patched = client.patch(
        f"/api/catalog/listings/{listing_id}",
        {"price_fen": 990},
        content_type="application/json",
    )
    deleted = client.delete(f"/api/catalog/listings/{listing_id}")
    # then
    assert (created.status_code, patched.status_code, deleted.status_code) == (
        201,
        200,
        200,
    )
    assert patched.json()["price_fen"] == 990
    assert deleted.json()["is_active"] is False
    public = client.get(f"/api/catalog/merchants/{merchant.public_id}/listings")
    assert public.json()["total"] == 0
    staff_view = client.get(
        f"/api/catalog/merchants/{merchant.public_id}/listings?include_inactive=true"
    )
    assert staff_view.json()["total"] == 1


def test_listing_with_zero_or_text_price_is_refused(client):
    membership = make_merchant_member(user=make_user(preferred_language="en"))
    client.force_login(membership.user)
    url = f"/api/catalog/merchants/{membership.merchant.public_id}/listings"
    product = make_product()
    zero = client.post(
        url,
        {"product_id": product.public_id, "price_fen": 0},
        content_type="application/json",
    )
    text = client.post(
        url,
        {"product_id": product.public_id, "price_fen": "cheap"},
        content_type="application/json",
    )
    assert zero.status_code == 400
    assert zero.json()["message"] == "The price must be more than 0."
    assert text.status_code == 422
    assert "price_fen" in text.json()["fields"]
    assert Listing.objects.count() == 0


def test_outsiders_cannot_list_or_see_inactive_listings(client):
    listing = make_listing(is_active=False)
    merchant = listing.merchant
    client.force_login(make_merchant_member().user)
    created = client.post(
        f"/api/catalog/merchants/{merchant.public_id}/listings",
        {"product_id": make_product().public_id, "price_fen": 100},
        content_type="application/json",
    )
    hidden = client.get(
        f"/api/catalog/merchants/{merchant.public_id}/listings?include_inactive=1"
    )
    patched = client.patch(
        f"/api/catalog/listings/{listing.public_id}",
        {"price_fen": 1},
        content_type="application/json",
    )
    assert (created.status_code, hidden.status_code, patched.status_code) == (
        403,
        403,
        404,
    )
    assert Listing.objects.count() == 1


def test_bearer_token_is_recognised_on_public_listing_reads(client):
    from groupbuy.accounts.services import api_token_create

    membership = make_merchant_member()
    make_listing(merchant=membership.merchant, is_active=False)
    _token, secret = api_token_create(actor=membership.user)
    response = client.get(
        f"/api/catalog/merchants/{membership.merchant.public_id}/listings"
        "?include_inactive=true",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200
    assert response.json()["total"] == 1


def test_a_second_branch_of_the_same_name_is_refused_by_api(client):
    # given an owner whose shop has 人民广场店
    owner = make_merchant_member(role="owner")
    owner.user.preferred_language = "en"  # the API speaks it; we compare English
    owner.user.save(update_fields=["preferred_language"])
    make_branch(merchant=owner.merchant, name="人民广场店")
    _token, secret = api_token_create(actor=owner.user)
    # when they add another 人民广场店 (spaced differently)
    response = client.post(
        f"/api/catalog/merchants/{owner.merchant.public_id}/branches",
        {"name": "人民广场店 ", "address": "上海市黄浦区西藏中路1号"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    # then it is a 400 on the name and there is still one
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate"
    assert response.json()["fields"] == {
        "name": ["There is already a branch named 人民广场店."]
    }
    assert owner.merchant.branches.count() == 1


def _close(client, branch, user):
    _token, secret = api_token_create(actor=user)
    return client.patch(
        f"/api/catalog/branches/{branch.public_id}",
        {"is_active": False},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_closing_a_branch_buyers_still_collect_from_is_a_409(client):
    # given a shop whose only branch serves an open group buy
    from groupbuy.deals.tests.factories import make_deal

    membership = make_merchant_member(user=make_user(preferred_language="en"))
    branch = make_branch(merchant=membership.merchant)
    make_deal(merchant=membership.merchant)
    # when its owner closes it over the API
    response = _close(client, branch, membership.user)
    # then a 409 says why and what to do; the branch stays open
    message = (
        "The shop has 1 group buy open or scheduled and this is its last open "
        "branch: let it end, or open another branch first."
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "branch_in_use",
        "message": message,
        "fields": {},
        "blockers": [message],
    }
    branch.refresh_from_db()
    assert branch.is_active is True


def test_closing_a_branch_nothing_waits_at_answers_it_closed(client):
    membership = make_merchant_member()
    branch = make_branch(merchant=membership.merchant)
    response = _close(client, branch, membership.user)
    assert response.status_code == 200
    assert response.json()["is_active"] is False


def test_another_merchants_owner_and_a_cashier_may_not_close_a_branch(client):
    # given a branch, an owner of another shop and a cashier of this one
    branch = make_branch()
    outsider = make_merchant_member().user
    cashier = make_merchant_member(
        merchant=branch.merchant, role=MerchantMembership.Role.CASHIER
    ).user
    # when they close it, then they are refused and it stays open: the
    # outsider as if there were no such branch (as another shop's deals,
    # listings and orders), the cashier as the owners-only action it is
    assert _close(client, branch, outsider).status_code == 404
    assert _close(client, branch, cashier).status_code == 403
    branch.refresh_from_db()
    assert branch.is_active is True


def test_another_shops_branch_page_is_404_not_a_403_naming_its_shop(client):
    # given an owner of one shop and a branch of another
    branch = make_branch()
    outsider = make_merchant_member()
    client.force_login(outsider.user)
    # when they open it under their own shop's console
    url = f"/merchant/{outsider.merchant.public_id}/branches/{branch.public_id}/"
    response = client.get(url)
    # then it is not found, and its shop is not named
    assert response.status_code == 404
    page = response.content.decode()
    assert branch.merchant.name not in page
    assert branch.merchant.name_en not in page  # the name English pages give
