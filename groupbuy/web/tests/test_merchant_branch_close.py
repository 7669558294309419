"""Closing a branch from its page in the merchant console: refused with the
reasons on the page (in the owner's language) while buyers would be left with
nowhere to collect; closed and reopened otherwise; owners of the shop only."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.models import Branch
from groupbuy.catalog.tests.factories import make_merchant_member, make_user
from groupbuy.core.plugins import branch_close_blockers
from groupbuy.deals.tests.factories import make_deal

pytestmark = pytest.mark.django_db
Role = MerchantMembership.Role


def _owner(language: str):
    membership = make_merchant_member(user=make_user(preferred_language=language))
    client = Client()
    client.force_login(membership.user)
    return membership.merchant, client


def _status_url(branch) -> str:
    return reverse(
        "web:merchant_branch_status", args=[branch.merchant.public_id, branch.public_id]
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_last_branch_of_a_shop_with_an_open_deal_is_refused_on_its_page(
    language,
):
    # given a shop whose only branch serves an open group buy
    merchant, owner = _owner(language)
    make_deal(merchant=merchant)
    branch = Branch.objects.get(merchant=merchant)
    # when the owner presses Close the branch
    response = owner.post(_status_url(branch), {"is_active": "0"})
    # then the branch page says why, in the owner's language; it stays open
    assert response.status_code == 200
    with translation.override(language):
        expected = branch_close_blockers(branch, last_open=True)
    assert response.context["status_errors"] == expected
    page = response.content.decode()
    assert 'id="branch-status-errors"' in page
    assert expected[0] in page
    assert Branch.objects.get(pk=branch.pk).is_active is True


def test_the_english_refusal_names_what_to_do():
    merchant, owner = _owner("en")
    make_deal(merchant=merchant)
    branch = Branch.objects.get(merchant=merchant)
    response = owner.post(_status_url(branch), {"is_active": "0"})
    assert response.context["status_errors"] == [
        "The shop has 1 group buy open or scheduled and this is its last open "
        "branch: let it end, or open another branch first."
    ]


def test_an_owner_closes_and_reopens_a_branch_nothing_waits_at():
    merchant, owner = _owner("en")
    branch = Branch.objects.create(merchant=merchant, name="East", address="1 Rd")
    edit = reverse(
        "web:merchant_branch_edit", args=[merchant.public_id, branch.public_id]
    )
    assert 'id="branch-close"' in owner.get(edit).content.decode()
    closed = owner.post(_status_url(branch), {"is_active": "0"}, follow=True)
    assert "The branch is closed." in closed.content.decode()
    assert Branch.objects.get(pk=branch.pk).is_active is False
    assert 'id="branch-reopen"' in owner.get(edit).content.decode()
    owner.post(_status_url(branch), {"is_active": "1"})
    assert Branch.objects.get(pk=branch.pk).is_active is True


def test_only_the_shops_owners_may_close_its_branch():
    # given a branch, a cashier of its shop, another shop's owner and a shopper
    merchant, _owner_client = _owner("en")
    branch = Branch.objects.create(merchant=merchant, name="East", address="1 Rd")
    cashier = make_merchant_member(merchant=merchant, role=Role.CASHIER).user
    _other, other_owner = _owner("en")
    clients = {"other owner": other_owner}
    for name, user in {"cashier": cashier, "shopper": make_user()}.items():
        clients[name] = Client()
        clients[name].force_login(user)
    for name, client in clients.items():
        # when they press Close, then they are refused; it stays open
        response = client.post(_status_url(branch), {"is_active": "0"})
        assert response.status_code in (403, 404), name
    assert Branch.objects.get(pk=branch.pk).is_active is True
    # a GET is not a way to close it either
    assert _owner_client.get(_status_url(branch)).status_code == 405
