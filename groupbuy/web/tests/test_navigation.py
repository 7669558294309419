"""The navigations are the apps' declared entries, in order, on every page."""

import re

import pytest
from django.test import Client

from groupbuy.catalog.tests.factories import make_merchant_member, make_user

# one_database: menus and links, whichever engine holds the rows.
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]


def ids(html: str, prefix: str) -> list[str]:
    return re.findall(rf'id="({prefix}[a-z-]+)"', html)


def _tab_bar(html: str) -> str:
    start = html.index('class="tabbar"')
    return html[start : html.index("</nav>", start)]


def test_shopper_tab_bar_shows_the_pinned_tabs_and_more():
    html = Client().get("/").content.decode()
    assert ids(_tab_bar(html), "nav-") == [
        "nav-deals",
        "nav-snap",
        "nav-orders",
        "nav-more",
    ]
    # the inbox's unread badge rides on the More tab
    assert 'id="inbox-badge" class="badge" hidden' in _tab_bar(html)


def test_more_page_lists_every_other_shopper_entry_in_order():
    html = Client().get("/more/").content.decode()
    listed = html[html.index('id="more-list"') :]
    core_entries = {"nav-money", "nav-inbox"}
    assert [entry for entry in ids(listed, "nav-") if entry in core_entries] == [
        "nav-money",
        "nav-inbox",
    ]
    assert '<a class="row start" href="/inbox/" id="nav-inbox">' in listed
    # the badge is in the list here, not twice on the page
    assert html.count('id="inbox-badge"') == 1
    assert 'id="nav-deals"' in _tab_bar(html)
    assert "nav-deals" not in ids(listed, "nav-")


def test_every_entry_of_the_more_page_has_its_own_icon():
    client = Client()
    client.force_login(make_user())
    html = client.get("/more/").content.decode()
    listed = html[
        html.index('id="more-list"') : html.index("</ul>", html.index('id="more-list"'))
    ]
    rows = re.findall(r'id="((?:nav|more)-[a-z-]+)">.*?(<svg.*?</svg>)', listed, re.S)
    assert len(rows) >= 8
    icons = [icon for _entry, icon in rows]
    # one look per entry (five shared the same two people until 2026-12-04), and
    # none falls back to the placeholder circle of an icon that does not exist
    assert len(set(icons)) == len(icons), rows
    assert not any(
        icon.endswith('<circle cx="12" cy="12" r="7"/></svg>') for icon in icons
    )


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
    # the day's work first (coupons at the till, sales, orders, what buyers ask
    # for), then what is set up once in a while, then money and the people
    assert ids(html, "merchant-nav-") == [
        "merchant-nav-overview",
        "merchant-nav-coupons",
        "merchant-nav-deals",
        "merchant-nav-teams",
        "merchant-nav-orders",
        "merchant-nav-demand-search",
        "merchant-nav-promotions",
        "merchant-nav-listings",
        "merchant-nav-products",
        "merchant-nav-sales",
        "merchant-nav-money",
        "merchant-nav-statement",
        "merchant-nav-payouts",
        "merchant-nav-staff",
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


def _sections(role: str) -> list:
    from groupbuy.core.plugins import nav_entries

    return [pytest.param(entry, id=entry.name) for entry in nav_entries(role)]


@pytest.mark.parametrize("entry", _sections("merchant"))
def test_every_console_section_shows_the_console_menu_marking_it(entry):
    # Plug-in apps' console pages used the plain site layout (payouts, demand
    # search) or were missing from the menu (pooling's promotions).
    from django.urls import reverse

    membership = make_merchant_member(user=make_user(preferred_language="en"))
    client = Client()
    client.force_login(membership.user)
    url = reverse(entry.url_name, args=[membership.merchant.public_id])
    html = client.get(url).content.decode()
    assert f'aria-current="page" id="merchant-nav-{entry.name}"' in html, url


@pytest.mark.parametrize("entry", _sections("operator"))
def test_every_operator_section_shows_the_operator_menu_marking_it(entry):
    # The snap pages had a menu of their own with three of its entries; the
    # payouts and erasure pages had none.
    from django.urls import reverse

    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    url = reverse(entry.url_name)
    html = client.get(url).content.decode()
    assert 'id="operator-menu"' in html, url
    assert re.search(
        rf'href="{re.escape(url)}"\s+aria-current="page"\s+id="operator-nav-{entry.name}"',
        html,
    ), url


def test_an_unread_badge_is_said_in_words_after_its_links_label():
    # (notify/live.js writes "3 unread" into [data-badge-spoken]: a screen
    # reader heard the badge's bare digits, "1 More", "1 Inbox")
    home = Client().get("/").content.decode()
    more_tab = re.search(r'<a [^>]*id="nav-more">.*?</a>', home, re.S).group(0)
    assert 'id="inbox-badge" class="badge" hidden aria-hidden="true"' in more_tab
    assert more_tab.endswith(
        'More<span class="visually-hidden" data-badge-spoken="inbox-badge"></span></a>'
    )
    more = Client().get("/more/").content.decode()
    inbox = re.search(r'<a [^>]*id="nav-inbox">.*?</a>', more, re.S).group(0)
    assert 'class="badge" hidden aria-hidden="true"' in inbox
    assert 'data-badge-spoken="inbox-badge"' in inbox
    assert more.count('data-badge-spoken="inbox-badge"') == 1
