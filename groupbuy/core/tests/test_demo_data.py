import csv
from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.models import MerchantMembership, User
from groupbuy.catalog.gtin import is_valid_gtin
from groupbuy.catalog.models import (
    Branch,
    Category,
    Listing,
    Merchant,
    Product,
    ProductAlias,
)
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import Deal
from groupbuy.demo_data import ATTRIBUTION, FIXTURE, demo_deal_price_fen, load_demo
from tests.support.module_rows import rows_for_the_module

# one_database: the demo runs on SQLite (`make demo`), and the services it
# calls run on PostgreSQL in their own tests (as test_demo_alive.py).
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

DEMO_MODELS = (
    User,
    MerchantMembership,
    Merchant,
    Branch,
    Category,
    Product,
    ProductAlias,
    Listing,
    AuditEntry,
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in DEMO_MODELS}


def test_fixture_rows_all_have_valid_gtins_names_and_prices():
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert 40 <= len(rows) <= 60
    assert [row["gtin"] for row in rows if not is_valid_gtin(row["gtin"])] == []
    assert len({row["gtin"] for row in rows}) == len(rows)
    assert all(row["name_zh"].strip() and int(row["price_fen"]) > 0 for row in rows)


def test_load_demo_twice_gives_the_same_rows():
    # given
    first_logins = load_demo()
    counts = row_counts()
    # when
    second_logins = load_demo()
    # then
    assert second_logins == first_logins
    assert row_counts() == counts
    assert counts["Merchant"] == 1
    assert counts["Branch"] == 3
    assert counts["Product"] == counts["Listing"] >= 40
    assert counts["User"] == 5


def test_a_changed_demo_password_is_restored():
    load_demo()
    user = User.objects.get(phone="+8613800000001")
    user.set_password("something-else-9")
    user.save()
    load_demo()
    user.refresh_from_db()
    assert user.check_password("demo-shopper-1")


def test_rerun_keeps_live_deals_and_replaces_expired_ones():
    # given
    load_demo()
    first_ids = set(Deal.objects.values_list("public_id", flat=True))
    soonest = Deal.objects.order_by("deadline_at").first()
    # when: a second run keeps the same deals
    load_demo()
    # then
    assert set(Deal.objects.values_list("public_id", flat=True)) == first_ids
    # given: the next day, the soonest demo deal has expired without buyers
    past = timezone.now() - timedelta(days=1)
    Deal.objects.filter(pk=soonest.pk).update(
        starts_at=past - timedelta(hours=1), deadline_at=past
    )
    # when
    load_demo()
    # then
    soonest.refresh_from_db()
    assert (soonest.state, soonest.has_failed) == (Deal.State.SETTLED, True)
    open_deals = Deal.objects.filter(state=Deal.State.OPEN)
    assert open_deals.count() == 12
    replacement = open_deals.get(title=soonest.title)
    assert replacement.pk != soonest.pk
    assert replacement.deadline_at > timezone.now()
    assert Deal.objects.count() == 13


def test_demo_deal_prices_are_rounded_shelf_prices():
    assert demo_deal_price_fen(350, 90) == 320
    assert demo_deal_price_fen(350, 70) == 240
    assert demo_deal_price_fen(6990, 85) == 5940
    assert demo_deal_price_fen(5, 50) == 10


def test_a_demo_shop_an_operator_switched_off_stays_off_when_loaded_again():
    # given: the demo loaded, its shop switched off, a demo deal since expired
    from io import StringIO

    from django.core.management import call_command

    from groupbuy.catalog.services import merchant_active_set
    from groupbuy.demo_data import MERCHANT_NAME, OPERATOR

    call_command("load_demo", stdout=StringIO())
    merchant = Merchant.objects.get(name=MERCHANT_NAME)
    operator = User.objects.get(phone=OPERATOR.phone)
    # (as ops' merchant_switch_off does; core's tests do not name ops)
    merchant_active_set(actor=operator, merchant=merchant, is_active=False)
    soonest = Deal.objects.filter(merchant=merchant).order_by("deadline_at").first()
    past = timezone.now() - timedelta(days=1)
    Deal.objects.filter(pk=soonest.pk).update(
        starts_at=past - timedelta(hours=1), deadline_at=past
    )
    deals_before = Deal.objects.filter(merchant=merchant).count()
    out = StringIO()
    # when
    call_command("load_demo", stdout=out)
    # then: the operator's word holds, no new deal, and the run says why
    merchant.refresh_from_db()
    assert merchant.is_active is False
    assert Deal.objects.filter(merchant=merchant).count() == deals_before
    assert not Deal.objects.filter(title=soonest.title, state=Deal.State.OPEN).exists()
    said = [line for line in out.getvalue().splitlines() if "switched off" in line]
    assert said == [
        f"The demo shop {MERCHANT_NAME} is switched off by an operator: "
        "its new demo group buys are skipped."
    ]


@pytest.fixture(scope="class")
def the_demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the tests that only read it, as each of them
    loaded it (in the test's transaction, rolled back after them)."""
    with rows_for_the_module(django_db_blocker, load_demo) as logins:
        yield logins


@pytest.mark.usefixtures("the_demo")
class TestTheLoadedDemo:
    """What the demo holds once loaded, read by each test."""

    def test_logins_work_and_have_their_roles(self, client, the_demo):
        # given the demo loaded
        logins = the_demo
        # then
        assert [role for role, _phone, _password in logins] == [
            "shopper",
            "shopper",
            "owner",
            "cashier",
            "operator",
        ]
        for _role, phone, password in logins:
            assert client.login(phone=phone, password=password), phone
            client.logout()
        merchant = Merchant.objects.get()
        roles = dict(
            MerchantMembership.objects.filter(merchant=merchant).values_list(
                "user__phone", "role"
            )
        )
        assert roles == {"+8613800000003": "owner", "+8613800000004": "cashier"}
        operator = User.objects.get(phone="+8613800000005")
        assert operator.is_staff and operator.is_superuser
        shopper = User.objects.get(phone="+8613800000001")
        assert not shopper.is_staff and not shopper.memberships.exists()

    def test_every_demo_product_has_a_valid_gtin_attribution_category_and_price(self):
        merchant = Merchant.objects.get()
        for product in Product.objects.all():
            assert is_valid_gtin(product.gtin), product.gtin
            assert product.source == ATTRIBUTION
            assert product.category is not None
            assert product.listings.get(merchant=merchant).price_fen > 0
        assert "Open Food Facts contributors" in ATTRIBUTION
        assert "https://opendatacommons.org/licenses/odbl/1-0/" in ATTRIBUTION

    def test_branches_are_in_shanghai(self):
        for branch in Branch.objects.all():
            assert branch.address.startswith("上海市")
            assert 30.9 < float(branch.latitude) < 31.5
            assert 121.1 < float(branch.longitude) < 121.9

    def test_category_tree_has_food_and_drinks_at_the_root(self):
        root = Category.objects.get(slug="food-drink")
        assert root.parent is None
        assert set(root.children.values_list("slug", flat=True)) >= {
            "snacks",
            "beverages",
            "condiments",
            "dairy",
        }

    def test_twelve_open_deals_with_falling_tiers_and_spread_deadlines(self):
        # given the demo loaded: then
        now = timezone.now()
        deals = list(Deal.objects.filter(state=Deal.State.OPEN).order_by("deadline_at"))
        assert len(deals) == 12
        assert len({deal.title for deal in deals}) == 12
        for deal in deals:
            prices = [
                tier.price_fen for tier in deal.tiers.order_by("min_participants")
            ]
            assert 2 <= len(prices) <= 3
            assert prices == sorted(prices, reverse=True)
            assert len(set(prices)) == len(prices)
            assert prices[0] <= deal.list_price_fen
            assert deal.list_price_fen == deal.product.listings.get().price_fen
            assert (
                deal.stock
                >= deal.tiers.order_by("min_participants")[0].min_participants
            )
            assert deal.deadline_at > now
        assert deals[0].deadline_at < now + timedelta(hours=1)
        assert deals[-1].deadline_at > now + timedelta(hours=12)
        assert len([deal for deal in deals if deal.starts_at > now]) == 1
