"""The navigations are the apps' declared entries, in order, on every page."""

import re

import pytest
from django.test import Client

from groupbuy.catalog.tests.factories import make_merchant_member, make_user

pytestmark = pytest.mark.django_db


def ids(html: str, prefix: str) -> list[str]:
    return re.findall(rf'id="({prefix}[a-z-]+)"', html)


def test_shopper_tab_bar_keeps_its_tabs_and_order():
    html = Client().get("/").content.decode()
    core_tabs = {"nav-deals", "nav-snap", "nav-orders", "nav-money", "nav-inbox"}
    # other apps' tabs (coupons, pools…) fall in between by their order
    assert [tab for tab in ids(html, "nav-") if tab in core_tabs] == [
        "nav-deals",
        "nav-snap",
        "nav-orders",
        "nav-money",
        "nav-inbox",
    ]
    assert '<a href="/inbox/" id="nav-inbox">' in html
    assert 'id="inbox-badge" class="badge" hidden' in html


def test_live_script_only_for_signed_in_people():
    client = Client()
    assert "notify/live" not in client.get("/").content.decode()
    client.force_login(make_user())
    assert "notify/live" in client.get("/").content.decode()


def test_merchant_console_menu():
    membership = make_merchant_member(user=make_user(preferred_language="en"))
    client = Client()
    client.force_login(membership.user)
    merchant_id = membership.merchant.public_id
    html = client.get(f"/merchant/{merchant_id}/deals/").content.decode()
    core_entries = {
        "merchant-nav-overview",
        "merchant-nav-listings",
        "merchant-nav-products",
        "merchant-nav-deals",
        "merchant-nav-money",
    }
    assert [entry for entry in ids(html, "merchant-nav-") if entry in core_entries] == [
        "merchant-nav-overview",
        "merchant-nav-listings",
        "merchant-nav-products",
        "merchant-nav-deals",
        "merchant-nav-money",
    ]
    assert (
        f'<a href="/merchant/{merchant_id}/deals/" aria-current="page" '
        'id="merchant-nav-deals">' in html
    )


def test_operator_dashboard_menu():
    client = Client()
    client.force_login(make_user(is_staff=True))
    html = client.get("/operator/").content.decode()
    core_entries = {
        "operator-nav-dashboard",
        "operator-nav-demand",
        "operator-nav-queue",
    }
    assert [entry for entry in ids(html, "operator-nav-") if entry in core_entries] == [
        "operator-nav-dashboard",
        "operator-nav-demand",
        "operator-nav-queue",
    ]
    assert re.search(r'href="/snap/operator/queue/"\s+id="operator-nav-queue"', html)
