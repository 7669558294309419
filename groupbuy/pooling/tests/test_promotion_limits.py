"""A promotion's length and its products are enforced by the service, for the
merchant's form and the API alike (until 2026-12-06 only the form's field limits
held them: the API published a promotion to 2099 and one counting a product the
shop does not sell)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog.models import Branch
from groupbuy.catalog.tests.factories import make_listing, make_product
from groupbuy.core.errors import DomainError
from groupbuy.pooling import services
from groupbuy.pooling.forms import PromotionForm
from groupbuy.pooling.models import Promotion
from groupbuy.pooling.savings import MAX_PROMOTION_DAYS
from groupbuy.pooling.tests import factories
from groupbuy.pooling.tests.factories import auth

pytestmark = pytest.mark.django_db

URL = "/api/pooling/promotions"


def make_user(**extra):
    return factories.make_user(**{"preferred_language": "en", **extra})


@pytest.fixture
def shop():
    merchant, branch, owner = factories.make_shop()
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    return merchant, branch, owner


def _payload(merchant, *, branch=None, **overrides):
    now = timezone.now()
    return {
        "merchant_id": merchant.public_id,
        "branch_id": branch.public_id if branch else None,
        "title": "满200减20",
        "kind": "threshold",
        "tiers": [[20_000, 2_000]],
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=7)).isoformat(),
        **overrides,
    }


def _post(client, payload, user):
    return client.post(
        URL, payload, content_type="application/json", headers=auth(user)
    )


def test_the_form_and_the_service_share_the_longest_run():
    # the form's "Runs for (days)" stops where the service does
    form = PromotionForm(branches=[])
    assert form.fields["days"].max_value == MAX_PROMOTION_DAYS == 365


def test_a_promotion_to_2099_is_refused_on_its_end(client, shop):
    # given a shop-wide promotion that would run until 2099
    merchant, _branch, owner = shop
    payload = _payload(merchant, ends_at="2099-12-31T00:00:00+08:00")

    # when the owner publishes it
    response = _post(client, payload, owner)

    # then it is refused on ends_at and nothing is stored
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "invalid_promotion"
    assert response.json()["fields"] == {
        "ends_at": ["a promotion runs for at most 365 days"]
    }
    assert Promotion.objects.count() == 0


def test_a_promotion_starting_more_than_the_longest_run_ahead_is_refused(client, shop):
    # given a one-day promotion a year and a half ahead: it would hold the
    # shop's last branch open as surely as a long one
    merchant, _branch, owner = shop
    start = timezone.now() + timedelta(days=540)
    payload = _payload(
        merchant,
        starts_at=start.isoformat(),
        ends_at=(start + timedelta(days=1)).isoformat(),
    )

    # when
    response = _post(client, payload, owner)

    # then
    assert response.status_code == 422, response.json()
    assert response.json()["fields"] == {
        "ends_at": ["a promotion ends at most 365 days from now"]
    }
    assert Promotion.objects.count() == 0


def test_a_promotion_of_the_longest_run_is_published(shop):
    # given exactly MAX_PROMOTION_DAYS from start to end
    merchant, _branch, owner = shop
    now = timezone.now()

    # when
    promotion = services.promotion_publish(
        actor=owner,
        merchant=merchant,
        branch=None,
        title="全年",
        kind="threshold",
        tiers=[(20_000, 2_000)],
        starts_at=now,
        ends_at=now + timedelta(days=MAX_PROMOTION_DAYS),
        now=now,
    )

    # then
    assert promotion.ends_at - promotion.starts_at == timedelta(days=365)


def test_the_form_refuses_a_longer_run_and_publishes_nothing(client, shop):
    merchant, _branch, owner = shop
    client.force_login(owner)
    url = f"/pooling/merchant/{merchant.public_id}/promotions/"
    form = {"title": "满500减100", "kind": "threshold", "tiers": "500-100"}

    response = client.post(url, {**form, "days": MAX_PROMOTION_DAYS + 1})

    assert response.status_code == 200
    assert response.context["form"].errors["days"] == ["Run it for at most 365 days."]
    assert Promotion.objects.count() == 0
    assert client.post(url, {**form, "days": MAX_PROMOTION_DAYS}).status_code == 302
    assert Promotion.objects.get().title == "满500减100"


def test_a_product_the_shop_does_not_sell_is_refused_on_product_ids(client, shop):
    # given a product another shop sells, and one this shop sells
    merchant, _branch, owner = shop
    elsewhere = make_listing(product=make_product()).product
    ours = make_listing(merchant=merchant, product=make_product()).product
    payload = _payload(
        merchant,
        kind="n_for_m",
        tiers=[],
        buy_n=3,
        pay_m=2,
        product_ids=[ours.public_id, elsewhere.public_id],
    )

    # when the owner publishes a promotion counting both
    response = _post(client, payload, owner)

    # then it is a 400 on product_ids naming the product, and nothing is stored
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"] == {
        "product_ids": [
            f"The shop does not sell these products: {elsewhere.public_id}."
        ]
    }
    assert Promotion.objects.count() == 0


def test_an_unknown_or_delisted_product_is_refused_too(client, shop):
    merchant, _branch, owner = shop
    delisted = make_listing(merchant=merchant, is_active=False).product
    for product_id in ("prd_nothing", delisted.public_id):
        payload = _payload(
            merchant,
            kind="n_for_m",
            tiers=[],
            buy_n=3,
            pay_m=2,
            product_ids=[product_id],
        )

        response = _post(client, payload, owner)

        assert response.status_code == 400, response.json()
        assert list(response.json()["fields"]) == ["product_ids"]
    assert Promotion.objects.count() == 0


def test_products_the_shop_sells_are_counted(client, shop):
    merchant, _branch, owner = shop
    tea = make_listing(merchant=merchant).product
    payload = _payload(
        merchant,
        kind="n_for_m",
        tiers=[],
        buy_n=3,
        pay_m=2,
        product_ids=[tea.public_id, tea.public_id],
    )

    response = _post(client, payload, owner)

    assert response.status_code == 201, response.json()
    assert list(Promotion.objects.get().products.all()) == [tea]


def test_only_the_shops_owners_or_a_branchs_cashier_publish(client, shop):
    # given the shop's product, a cashier of one of its branches, another
    # merchant's owner and a shopper
    merchant, branch, _owner = shop
    tea = make_listing(merchant=merchant).product
    east = Branch.objects.create(merchant=merchant, name="East", address="2 Road")
    cashier = make_user()
    merchant_membership_add(
        actor=None, user=cashier, merchant=merchant, role="cashier", branch=east
    )
    _other, _other_branch, other_owner = factories.make_shop(name="Other Mart")
    items = {"kind": "n_for_m", "tiers": [], "buy_n": 3, "pay_m": 2}
    items["product_ids"] = [tea.public_id]

    # when each tries: shop-wide, and the cashier at the owner's other branch
    refused = [
        _post(client, _payload(merchant, **items), other_owner),
        _post(client, _payload(merchant, **items), make_user()),
        _post(client, _payload(merchant, **items), cashier),
        _post(client, _payload(merchant, branch=branch, **items), cashier),
    ]

    # then all are 403 and nothing is stored; the cashier publishes at East
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert Promotion.objects.count() == 0
    mine = _post(client, _payload(merchant, branch=east, **items), cashier)
    assert mine.status_code == 201, mine.json()


def test_the_service_refuses_a_direct_call_the_same_way(shop):
    merchant, _branch, owner = shop
    now = timezone.now()
    with pytest.raises(DomainError) as refused:
        services.promotion_publish(
            actor=owner,
            merchant=merchant,
            branch=None,
            title="太长",
            kind="threshold",
            tiers=[(20_000, 2_000)],
            starts_at=now,
            ends_at=now + timedelta(days=MAX_PROMOTION_DAYS, seconds=1),
            now=now,
        )
    assert list(refused.value.fields) == ["ends_at"]
