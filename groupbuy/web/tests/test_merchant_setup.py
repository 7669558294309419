"""The console overview's "Getting your shop ready": what a new shop's owners
still have to do before buyers can join, collect and be paid for."""

import pytest
from django.test import Client
from django.urls import reverse

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_merchant_member,
    make_user,
)
from groupbuy.coupons.services import merchant_key_generate
from groupbuy.deals.tests.factories import make_deal
from groupbuy.payments.models import PayoutSchedule

pytestmark = pytest.mark.django_db
Role = MerchantMembership.Role
HOURS = [{"day": "mon", "opens": "08:00", "closes": "20:00"}]


def _new_shop():
    """A shop as an approved application makes it: an owner and one branch
    with an address only."""
    owner = make_user(preferred_language="en")
    merchant = make_merchant_member(user=owner, role=Role.OWNER).merchant
    branch = make_branch(merchant=merchant, latitude=None, longitude=None)
    return merchant, branch, owner


def _overview(user, merchant) -> str:
    client = Client()
    client.force_login(user)
    url = reverse("web:merchant_dashboard", args=[merchant.public_id])
    return client.get(url).content.decode()


def test_a_new_shops_owner_sees_every_step_left_with_where_to_take_it():
    # given a shop just opened
    merchant, branch, owner = _new_shop()
    # when its owner opens the console
    html = _overview(owner, merchant)
    # then the overview lists each step still to take, with its page
    assert 'id="merchant-setup"' in html
    assert 'id="setup-step-listing"' in html
    assert 'id="setup-step-deal"' in html
    assert f'id="setup-step-branch-map-{branch.public_id}"' in html
    assert f'id="setup-step-branch-hours-{branch.public_id}"' in html
    assert 'id="setup-step-coupon-key"' in html
    assert 'id="setup-step-payouts"' in html
    assert "your buyers' coupons have no code" in html
    assert reverse("coupons:merchant_console", args=[merchant.public_id]) in html
    assert (
        reverse("web:merchant_branch_edit", args=[merchant.public_id, branch.public_id])
        in html
    )


def test_the_steps_go_as_they_are_taken_and_then_the_card_does():
    # given a shop that listed a product, opened a group buy, placed its
    # branch with its hours, has a coupon key and a daily payout
    merchant, branch, owner = _new_shop()
    make_deal(merchant=merchant)
    branch.latitude, branch.longitude = "31.2", "121.4"
    branch.opening_hours = HOURS
    branch.save()
    merchant_key_generate(actor=owner, merchant=merchant, replace_current=True)
    PayoutSchedule.objects.create(
        merchant=merchant, provider="sandbox", payee_account="shop@example.com"
    )
    # when its owner opens the console
    html = _overview(owner, merchant)
    # then nothing is left to do, so there is no card
    assert 'id="merchant-setup"' not in html
    assert 'id="setup-step-' not in html


def test_a_draft_is_not_yet_a_group_buy_buyers_can_join():
    # given a shop whose only group buy is a draft
    merchant, _branch, owner = _new_shop()
    make_deal(merchant=merchant, is_open=False)
    # when / then
    html = _overview(owner, merchant)
    assert 'id="setup-step-listing"' not in html
    assert 'id="setup-step-deal"' in html


def test_a_cashier_is_not_asked_to_do_the_owners_steps():
    # given a new shop's cashier
    merchant, _branch, _owner = _new_shop()
    cashier = make_user(preferred_language="en")
    make_merchant_member(user=cashier, merchant=merchant, role=Role.CASHIER)
    # when / then
    html = _overview(cashier, merchant)
    assert 'id="merchant-setup"' not in html
    assert 'id="setup-step-' not in html
