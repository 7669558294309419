"""A team buy's members collect at any open branch of the shop (their orders
name none): one of several branches closes under them, the last one does not."""

import pytest
from django.utils import translation

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Branch
from groupbuy.catalog.services import branch_update
from groupbuy.teams.services import team_open
from groupbuy.teams.tests.factories import make_team_deal, make_user, pay

pytestmark = pytest.mark.django_db


def test_a_running_team_buy_keeps_the_shops_last_open_branch_open():
    # given a team buy with a paid member, at a shop with Main and East
    team_deal = make_team_deal(team_size=2)
    merchant = team_deal.deal.merchant
    owner = make_user(preferred_language="en")
    merchant_membership_add(actor=None, user=owner, merchant=merchant, role="owner")
    main = Branch.objects.get(merchant=merchant)
    east = Branch.objects.create(merchant=merchant, name="East", address="2 Road")
    member = team_open(actor=make_user(), team_deal=team_deal)
    pay(member)
    assert member.order.pickup_branch is None
    # East closes: the member collects at Main
    branch_update(actor=owner, branch=east, is_active=False)
    # when the owner closes Main, the last, then it is refused
    with translation.override("en"), pytest.raises(CatalogError) as caught:
        branch_update(actor=owner, branch=main, is_active=False)
    assert caught.value.extra["blockers"] == [
        "The shop has 1 group buy open or scheduled and this is its last open "
        "branch: let it end, or open another branch first.",
        "1 order of a group buy still running is to be collected here: refund "
        "it, or wait until it has been collected.",
    ]
    assert Branch.objects.get(pk=main.pk).is_active is True
