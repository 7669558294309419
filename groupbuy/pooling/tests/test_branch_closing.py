"""A branch does not close while a promotion of its own runs or shoppers plan
to pool there (pooling/branch_closing.py, asked by catalog's branch_update)."""

import pytest
from django.utils import translation

from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Branch
from groupbuy.catalog.services import branch_update
from groupbuy.pooling.services import promotion_end
from groupbuy.pooling.tests.factories import (
    make_promotion,
    make_request,
    make_shop,
    make_user,
)

pytestmark = pytest.mark.django_db


def _second_branch(merchant) -> Branch:
    return Branch.objects.create(merchant=merchant, name="East", address="2 Road")


def test_a_branch_running_its_own_promotion_closes_once_it_is_ended():
    # given a promotion of the Main branch only (East open too)
    merchant, main, owner = make_shop()
    _second_branch(merchant)
    promotion = make_promotion(merchant=merchant, branch=main, owner=owner)
    # when the owner closes Main, then it is refused
    with translation.override("en"), pytest.raises(CatalogError) as caught:
        branch_update(actor=owner, branch=main, is_active=False)
    assert caught.value.status == 409
    assert caught.value.message == (
        "1 promotion runs here or is yet to start: end it first."
    )
    assert Branch.objects.get(pk=main.pk).is_active is True
    # once the promotion is ended, Main closes
    promotion_end(actor=owner, promotion=promotion)
    branch_update(actor=owner, branch=main, is_active=False)
    assert Branch.objects.get(pk=main.pk).is_active is False


def test_a_branch_where_shoppers_plan_to_pool_does_not_close():
    # given a shop-wide promotion and a shopper looking for a pool at Main
    merchant, main, owner = make_shop()
    east = _second_branch(merchant)
    promotion = make_promotion(merchant=merchant, owner=owner)
    make_request(user=make_user(), promotion=promotion, branch=main, amount_fen=18_000)
    # when the owner closes Main, then it is refused
    with translation.override("en"), pytest.raises(CatalogError) as caught:
        branch_update(actor=owner, branch=main, is_active=False)
    assert caught.value.message == (
        "1 shopper plans to pool a cart here: close the branch once their "
        "shopping window is over."
    )
    # East, where nobody pools, closes; the shop-wide promotion runs on at Main
    branch_update(actor=owner, branch=east, is_active=False)
    assert Branch.objects.get(pk=east.pk).is_active is False
