"""Closing a branch: refused while buyers would be left with nowhere to collect
(the apps' ``branch_close_blockers``), allowed when nothing waits there."""

from collections import Counter

import pytest
from django.utils import translation

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog import services
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Branch
from groupbuy.catalog.tests.factories import make_branch, make_merchant_member
from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services import deal_join, deal_open
from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.factories import join_and_pay, make_deal, make_user
from groupbuy.deals.tests.racing import race

pytestmark = pytest.mark.django_db
CLOSED_AUDIT = {"action": "catalog.branch.updated"}


def _owner_with_branch(**branch):
    membership = make_merchant_member()
    return membership.user, make_branch(merchant=membership.merchant, **branch)


def test_the_last_open_branch_of_a_shop_with_an_open_deal_does_not_close():
    # given a shop whose only branch is where the buyers of its open deal collect
    owner, branch = _owner_with_branch()
    make_deal(merchant=branch.merchant)
    # when the owner closes it
    with translation.override("en"), pytest.raises(CatalogError) as caught:
        services.branch_update(actor=owner, branch=branch, is_active=False)
    # then it is refused, saying why and what to do; nothing is written
    assert (caught.value.status, caught.value.code) == (409, "branch_in_use")
    assert caught.value.message == (
        "The shop has 1 group buy open or scheduled and this is its last open "
        "branch: let it end, or open another branch first."
    )
    assert caught.value.extra == {"blockers": [caught.value.message]}
    assert Branch.objects.get(pk=branch.pk).is_active is True
    assert not AuditEntry.objects.filter(**CLOSED_AUDIT).exists()


def test_a_branch_where_paid_orders_wait_does_not_close():
    # given two open branches; a buyer paid to collect at the first
    owner, branch = _owner_with_branch()
    make_branch(merchant=branch.merchant)
    deal = make_deal(merchant=branch.merchant)
    order = join_and_pay(deal)
    order.pickup_branch = branch
    order.save(update_fields=["pickup_branch"])
    # when the owner closes the first
    with translation.override("en"), pytest.raises(CatalogError) as caught:
        services.branch_update(actor=owner, branch=branch, is_active=False)
    # then it is refused; the deal may go on at the other branch
    assert caught.value.status == 409
    assert caught.value.message == (
        "1 order of a group buy still running is to be collected here: refund "
        "it, or wait until it has been collected."
    )
    assert Branch.objects.get(pk=branch.pk).is_active is True
    assert not AuditEntry.objects.filter(**CLOSED_AUDIT).exists()


def test_a_branch_nobody_collects_from_closes_while_another_stays_open():
    # given an open deal whose buyer collects at the other branch
    owner, branch = _owner_with_branch()
    other = make_branch(merchant=branch.merchant)
    order = join_and_pay(make_deal(merchant=branch.merchant))
    order.pickup_branch = other
    order.save(update_fields=["pickup_branch"])
    # when the owner closes the first branch
    services.branch_update(actor=owner, branch=branch, is_active=False)
    # then it closes, once audited
    assert Branch.objects.get(pk=branch.pk).is_active is False
    entry = AuditEntry.objects.get(**CLOSED_AUDIT)
    assert (entry.object_id, entry.data) == (
        branch.public_id,
        {"changed": ["is_active"]},
    )


def test_the_last_branch_of_a_shop_with_nothing_waiting_closes_and_reopens():
    owner, branch = _owner_with_branch()
    services.branch_update(actor=owner, branch=branch, is_active=False)
    assert Branch.objects.get(pk=branch.pk).is_active is False
    # closing again changes nothing; reopening is never refused
    services.branch_update(actor=owner, branch=branch, is_active=False)
    services.branch_update(actor=owner, branch=branch, is_active=True)
    assert Branch.objects.get(pk=branch.pk).is_active is True
    assert AuditEntry.objects.filter(**CLOSED_AUDIT).count() == 2


def test_another_merchants_owner_and_a_cashier_may_not_close_a_branch():
    # given a branch, an owner of another shop and a cashier of this one
    _owner, branch = _owner_with_branch()
    outsider = make_merchant_member().user
    cashier = make_merchant_member(
        merchant=branch.merchant, role=MerchantMembership.Role.CASHIER
    ).user
    for actor in (outsider, cashier):
        # when they close it
        with pytest.raises(CatalogError) as caught:
            services.branch_update(actor=actor, branch=branch, is_active=False)
        # then they are refused and it stays open
        assert caught.value.status == 403
    assert Branch.objects.get(pk=branch.pk).is_active is True
    assert not AuditEntry.objects.filter(**CLOSED_AUDIT).exists()


@pytest.mark.django_db(transaction=True)
def test_two_owners_closing_a_shops_two_branches_at_once_leave_one_open(
    file_database,  # noqa: F811
):
    # given a shop with an open deal and two open branches, and two owners
    owner, branch = _owner_with_branch()
    other = make_branch(merchant=branch.merchant)
    make_deal(merchant=branch.merchant)
    second_owner = make_merchant_member(merchant=branch.merchant).user
    # when each closes one branch at the same moment
    outcomes = race(
        [
            lambda: services.branch_update(actor=owner, branch=branch, is_active=False),
            lambda: services.branch_update(
                actor=second_owner, branch=other, is_active=False
            ),
        ]
    )
    # then one closes and the other, now the last, is refused: buyers keep one
    assert outcomes == Counter({"ok": 1, "branch_in_use": 1})
    assert Branch.objects.filter(merchant=branch.merchant, is_active=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_opening_a_deal_while_the_last_branch_closes_leaves_no_deal_stranded(
    file_database,  # noqa: F811
):
    # given a draft deal at a shop with one open branch
    owner, branch = _owner_with_branch()
    deal = make_deal(merchant=branch.merchant, is_open=False)
    # when the deal opens while the branch closes
    outcomes = race(
        [
            lambda: deal_open(actor=owner, deal=deal),
            lambda: services.branch_update(actor=owner, branch=branch, is_active=False),
        ]
    )
    # then one of them is refused: an open deal keeps its branch, or the branch
    # closed and the deal stays a draft
    deal.refresh_from_db()
    branch.refresh_from_db()
    if branch.is_active:
        assert outcomes == Counter({"ok": 1, "branch_in_use": 1})
        assert deal.state == Deal.State.OPEN
    else:
        assert outcomes == Counter({"ok": 1, "no_pickup_branch": 1})
        assert deal.state == Deal.State.DRAFT


def test_a_join_naming_a_branch_that_closed_meanwhile_is_refused():
    # given a shop with two branches and an open deal; a shopper's join page
    # loaded the first branch while it was open
    owner, branch = _owner_with_branch(name="East")
    make_branch(merchant=branch.merchant)
    deal = make_deal(merchant=branch.merchant)
    seen_open = Branch.objects.get(pk=branch.pk)
    services.branch_update(actor=owner, branch=branch, is_active=False)
    # when the join arrives naming it
    with translation.override("en"), pytest.raises(DomainError) as caught:
        deal_join(actor=make_user(), deal=deal, quantity=1, pickup_branch=seen_open)
    # then it is refused as closed, and no order waits at the closed branch
    assert (caught.value.code, caught.value.status) == ("branch_closed", 409)
    assert caught.value.message == (
        "The branch “East” has closed: choose another branch for pickup."
    )
    assert not DealOrder.objects.filter(pickup_branch=branch).exists()
    deal.refresh_from_db()
    assert deal.sold == 0


def branch_closing_while_shoppers_join_there(*, shoppers: int) -> None:
    """Race a branch's closing against joins naming it as their pickup branch."""
    owner, branch = _owner_with_branch()
    make_branch(merchant=branch.merchant)  # the deal goes on at the other
    deal = make_deal(merchant=branch.merchant, stock=100)
    seen_open = Branch.objects.get(pk=branch.pk)
    joiners = [make_user() for _ in range(shoppers)]
    outcomes = race(
        [lambda: services.branch_update(actor=owner, branch=branch, is_active=False)]
        + [
            lambda shopper=shopper: deal_join(
                actor=shopper, deal=deal, quantity=1, pickup_branch=seen_open
            )
            for shopper in joiners
        ]
    )
    # then the branch closed with no order left to collect there, or it stayed
    # open because an order got in first
    assert set(outcomes) <= {"ok", "branch_closed", "branch_in_use"}
    waiting = DealOrder.objects.filter(pickup_branch=branch).count()
    if Branch.objects.get(pk=branch.pk).is_active:
        assert outcomes["branch_in_use"] == 1
        assert (outcomes["ok"], waiting) == (shoppers, shoppers)
    else:
        assert outcomes["ok"] == 1 and waiting == 0
        assert outcomes["branch_closed"] == shoppers
    deal.refresh_from_db()
    assert deal.sold == waiting


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", range(3))
def test_a_branch_closing_while_shoppers_join_there_strands_nobody(
    file_database,  # noqa: F811
    run,
):
    branch_closing_while_shoppers_join_there(shoppers=6)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_branch_closing_while_shoppers_join_there_strands_nobody_on_postgres():
    branch_closing_while_shoppers_join_there(shoppers=30)
