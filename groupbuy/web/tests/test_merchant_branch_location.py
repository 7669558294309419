"""A branch's map position without a map (the site works offline, with no map
tiles): the form's "Use my current location" fills the coordinates, and its
help says where else to find them."""

import re

import pytest

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.tests.factories import make_branch
from groupbuy.web.tests.test_merchant_console import _member, _outsiders, _url

pytestmark = pytest.mark.django_db


def test_the_branch_form_offers_the_current_location_beside_the_coordinates():
    # given a shop's owner
    merchant, owner = _member()
    branch = make_branch(merchant=merchant)
    for url in (
        _url("merchant_branch_create", merchant),
        _url("merchant_branch_edit", merchant, branch.public_id),
    ):
        # when they open the form for a new branch or an existing one
        page = owner.get(url).content.decode()
        # then a button (its module loaded) fills the two fields, says so in
        # a status line, and the help says where to find coordinates
        button = re.search(r'<button[^>]*id="branch-locate"[^>]*>', page).group(0)
        assert 'data-module="branch-location"' in button
        assert 'data-latitude="#id_latitude"' in button
        assert 'data-longitude="#id_longitude"' in button
        assert 'id="branch-locate-status" role="status"' in page
        assert "/static/web/js/branch-location.js" in page
        assert "Use my current location" in page
        assert "press and hold the branch on a map app" in page
        assert page.index('id="id_longitude"') < page.index('id="branch-locate"')


def test_the_branch_form_is_refused_to_cashiers_and_outsiders():
    # given a shop with a branch
    merchant, _owner = _member()
    branch = make_branch(merchant=merchant)
    _merchant, cashier = _member(MerchantMembership.Role.CASHIER, merchant=merchant)
    urls = (
        _url("merchant_branch_create", merchant),
        _url("merchant_branch_edit", merchant, branch.public_id),
    )
    # then a cashier, another shop's owner and a shopper may not open it
    for client in (cashier, *_outsiders().values()):
        for url in urls:
            assert client.get(url).status_code in (403, 404), url
