"""Creating, editing and opening deals."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation
from huey.contrib.djhuey import HUEY

from groupbuy.catalog.models import Branch
from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.core.money import MOST_PRICE_FEN
from groupbuy.deals.models import Deal, DealTier
from groupbuy.deals.services import deal_create, deal_open, deal_update
from groupbuy.deals.signals import deal_opened
from groupbuy.deals.tests.factories import (
    ensure_listing,
    make_deal,
    make_merchant,
    make_product,
    make_user,
)

pytestmark = pytest.mark.django_db


def _create(**overrides):
    now = timezone.now()
    fields = {
        "actor": None,
        "merchant": make_merchant(),
        "product": make_product(),
        "title": "Jasmine tea 500 g",
        "list_price_fen": 12_900,
        "tiers": [(50, 8_900), (10, 9_900)],
        "stock": 100,
        "starts_at": now,
        "deadline_at": now + timedelta(days=2),
        **overrides,
    }
    # The shop sells it at the list price, or as 12_900 where that is no price.
    price_fen = fields["list_price_fen"]
    if not (isinstance(price_fen, int) and 0 < price_fen <= MOST_PRICE_FEN):
        price_fen = 12_900
    ensure_listing(
        merchant=fields["merchant"], product=fields["product"], price_fen=price_fen
    )
    return deal_create(**fields)


def test_create_makes_a_draft_with_tiers_in_order():
    # when
    deal = _create(description="  Fragrant  ")
    # then
    assert deal.state == Deal.State.DRAFT
    assert deal.description == "Fragrant"
    assert deal.public_id.startswith("deal_")
    assert list(deal.tiers.values_list("min_participants", "price_fen")) == [
        (10, 9_900),
        (50, 8_900),
    ]
    assert AuditEntry.objects.filter(action="deals.deal.created").count() == 1


NOW = timezone.now()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "  "}, "title", "Give the deal a title."),
        (
            {"list_price_fen": 0},
            "list_price_fen",
            "The list price must be more than zero.",
        ),
        ({"tiers": []}, "tiers", "Add at least one price tier."),
        (
            {"tiers": [(10, 9_900), (50, 9_900)]},
            "tiers",
            "Each tier with more buyers must be cheaper than the one before.",
        ),
        ({"tiers": [(10, 0)]}, "tiers", "Every tier price must be more than zero."),
        ({"tiers": [(0, 100)]}, "tiers", "A tier needs at least one buyer."),
        (
            {"tiers": [(10, 900), (10, 800)]},
            "tiers",
            "Two tiers have the same number of buyers.",
        ),
        (
            {"tiers": [(10, 13_000)]},
            "tiers",
            "Every group price must be below the list price (¥129.00): a tier at "
            "the list price offers buyers no discount.",
        ),
        (
            {"tiers": [(10, 12_900), (50, 8_900)]},
            "tiers",
            "Every group price must be below the list price (¥129.00): a tier at "
            "the list price offers buyers no discount.",
        ),
        ({"stock": 0}, "stock", "Stock must be at least one unit."),
        (
            {"stock": 9},
            "stock",
            "A stock of 9 units can never reach the first tier.",
        ),
        (
            {"max_quantity_per_order": 0},
            "max_quantity_per_order",
            "Allow at least one unit per order.",
        ),
        (
            {
                "starts_at": NOW + timedelta(days=3),
                "deadline_at": NOW + timedelta(days=2),
            },
            "deadline_at",
            "The deadline must be after the start.",
        ),
        (
            {
                "starts_at": NOW - timedelta(days=2),
                "deadline_at": NOW - timedelta(days=1),
            },
            "deadline_at",
            "This deadline has passed: choose a time in the future.",
        ),
        (
            # no start given (the API and the form take now): not "after the start"
            {"deadline_at": NOW - timedelta(days=1), "starts_at": NOW},
            "deadline_at",
            "This deadline has passed: choose a time in the future.",
        ),
        (
            {"starts_at": datetime(2030, 1, 1)},
            "starts_at",
            "Give a date and time with its time zone.",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_invalid_deal_is_refused_with_a_clear_message(overrides, field, message):
    with pytest.raises(DomainError) as caught:
        _create(**overrides)
    assert caught.value.code == "invalid"
    assert caught.value.status == 400
    assert caught.value.fields[field] == [message]
    assert Deal.objects.count() == 0
    assert DealTier.objects.count() == 0


def test_only_owners_and_operators_create_deals():
    merchant, cashier, stranger = make_merchant(), make_user(), make_user()
    from groupbuy.accounts.services import merchant_membership_add

    merchant_membership_add(actor=None, user=cashier, merchant=merchant, role="cashier")
    for actor in (cashier, stranger):
        with pytest.raises(DomainError) as caught:
            _create(actor=actor, merchant=merchant)
        assert caught.value.status == 403
    operator = make_user(is_staff=True)
    assert _create(actor=operator, merchant=merchant).created_by == operator
    owner = make_user()
    make_merchant(owner=owner)
    owned = owner.memberships.get().merchant
    assert _create(actor=owner, merchant=owned).merchant == owned


def test_draft_can_be_edited_and_open_one_cannot():
    deal = make_deal(is_open=False)
    deal = deal_update(actor=None, deal=deal, stock=30, tiers=[(3, 9_000)])
    assert deal.stock == 30
    assert list(deal.tiers.values_list("min_participants", "price_fen")) == [(3, 9_000)]
    deal_open(actor=None, deal=deal)
    with pytest.raises(DomainError) as caught:
        deal_update(actor=None, deal=deal, stock=40)
    assert (caught.value.code, caught.value.status) == ("not_draft", 409)
    deal.refresh_from_db()
    assert deal.stock == 30


def test_invalid_edit_changes_nothing():
    deal = make_deal(is_open=False, stock=10)
    with pytest.raises(DomainError):
        deal_update(actor=None, deal=deal, stock=1)
    deal.refresh_from_db()
    assert deal.stock == 10


def test_open_schedules_the_close_at_the_deadline_and_tells_listeners(
    django_capture_on_commit_callbacks, pushes
):
    # given
    deal = make_deal(is_open=False)
    heard = []

    def listener(sender, deal, actor, **kwargs):
        heard.append(deal.public_id)

    deal_opened.connect(listener)
    HUEY.flush()
    # when
    try:
        with django_capture_on_commit_callbacks(execute=True):
            deal = deal_open(actor=None, deal=deal)
    finally:
        deal_opened.disconnect(listener)
    # then
    assert deal.state == Deal.State.OPEN
    assert heard == [deal.public_id]
    scheduled = [task for task in HUEY.scheduled() if task.args == (deal.public_id,)]
    assert len(scheduled) == 1
    assert scheduled[0].name.endswith("deal_close_task")
    # Huey keeps naive UTC times.
    assert scheduled[0].eta == deal.deadline_at.replace(tzinfo=None)
    assert [event["type"] for _id, event in pushes] == ["deal.progress"]


def test_opening_twice_changes_nothing():
    deal = make_deal()
    assert deal_open(actor=None, deal=deal).state == Deal.State.OPEN
    assert AuditEntry.objects.filter(action="deals.deal.opened").count() == 1


HUGE = 99_999_999_999_999_999_999


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"stock": HUGE}, "stock"),
        ({"stock": 1_000_001}, "stock"),
        ({"max_quantity_per_order": 2**70}, "max_quantity_per_order"),
        ({"max_quantity_per_order": 1_001}, "max_quantity_per_order"),
        ({"tiers": [(HUGE, 8_900)], "stock": 100}, "tiers"),
        ({"tiers": [(10, HUGE)], "list_price_fen": HUGE}, "list_price_fen"),
        ({"tiers": [(10, 100_000_000)]}, "tiers"),
        ({"list_price_fen": 100_000_000}, "list_price_fen"),
    ],
)
def test_numbers_past_the_limits_are_refused_on_their_field_and_nothing_is_saved(
    overrides, field
):
    # when
    with pytest.raises(DomainError) as refusal:
        _create(**overrides)
    # then
    assert (refusal.value.code, refusal.value.status) == ("invalid", 400)
    assert field in refusal.value.fields
    assert Deal.objects.count() == 0
    assert DealTier.objects.count() == 0


def test_the_largest_numbers_allowed_make_a_deal():
    # when
    deal = _create(
        stock=1_000_000,
        max_quantity_per_order=1_000,
        list_price_fen=99_999_999,
        tiers=[(1_000_000, 99_999_998)],
    )
    # then
    assert (deal.stock, deal.max_quantity_per_order) == (1_000_000, 1_000)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("stock", HUGE),
        ("max_quantity_per_order", HUGE),
        ("tiers", [(10, 9_900), (HUGE, 8_900)]),
        ("list_price_fen", HUGE),
    ],
)
def test_an_edit_past_the_limits_is_refused_and_changes_nothing(field, value):
    # given
    owner = make_user()
    deal = make_deal(merchant=make_merchant(owner=owner), is_open=False)
    before = (deal.stock, deal.max_quantity_per_order, deal.list_price_fen)
    tiers_before = list(deal.tiers.values_list("min_participants", "price_fen"))
    # when
    with pytest.raises(DomainError) as refusal:
        deal_update(actor=owner, deal=deal, **{field: value})
    # then
    assert refusal.value.status == 400
    assert list(refusal.value.fields) == [field]
    deal.refresh_from_db()
    assert (deal.stock, deal.max_quantity_per_order, deal.list_price_fen) == before
    assert list(deal.tiers.values_list("min_participants", "price_fen")) == tiers_before


@pytest.mark.parametrize("branch_active", [None, False])
def test_a_shop_with_no_active_branch_cannot_open_a_deal(branch_active):
    # given a draft at a shop with no branch, or only a closed one
    merchant = make_merchant(name="空店")
    if branch_active is not None:
        Branch.objects.create(
            merchant=merchant, name="Old", address="2 Road", is_active=branch_active
        )
    deal = _create(merchant=merchant)
    # when
    with pytest.raises(DomainError) as caught:
        deal_open(actor=None, deal=deal)
    # then
    error = caught.value
    assert (error.code, error.status) == ("no_pickup_branch", 400)
    assert error.fields == {}  # no request that opens a deal sends the shop
    deal.refresh_from_db()
    assert deal.state == Deal.State.DRAFT
    assert not AuditEntry.objects.filter(action="deals.deal.opened").exists()


def test_a_draft_opens_once_its_shop_has_a_branch():
    # given a draft made before the shop's first branch
    merchant = make_merchant()
    deal = _create(merchant=merchant)
    Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
    # when
    deal = deal_open(actor=None, deal=deal)
    # then
    assert deal.state == Deal.State.OPEN


def test_a_deadline_past_the_longest_a_deal_may_sell_is_refused():
    # given the default of 90 days from the start
    starts_at = timezone.now() + timedelta(days=1)
    # when the deadline is a minute past them, or in 2099
    for deadline_at in (
        starts_at + timedelta(days=90, minutes=1),
        starts_at.replace(year=2099),
    ):
        with pytest.raises(DomainError) as caught:
            _create(starts_at=starts_at, deadline_at=deadline_at)
        # then
        assert caught.value.fields["deadline_at"] == [
            "A group buy sells for at most 90 days, as buyers' payments wait until "
            "its deadline: choose a deadline by "
            + timezone.localtime(starts_at + timedelta(days=90)).strftime(
                "%Y-%m-%d %H:%M"
            )
            + "."
        ]
    assert Deal.objects.count() == 0
    # and 90 days to the minute is accepted
    deal = _create(starts_at=starts_at, deadline_at=starts_at + timedelta(days=90))
    assert deal.deadline_at == starts_at + timedelta(days=90)


LIMIT_ABOVE_STOCK = "The deal has 10 units in stock: allow at most 10 per order."


def test_a_limit_per_order_above_the_stock_is_refused_on_its_field():
    # when a deal with 10 units in stock allows 500 per order
    with translation.override("en"), pytest.raises(DomainError) as caught:
        _create(stock=10, tiers=[(2, 9_900)], max_quantity_per_order=500)
    # then it is refused on the limit, and nothing is saved
    assert (caught.value.code, caught.value.fields) == (
        "invalid",
        {"max_quantity_per_order": [LIMIT_ABOVE_STOCK]},
    )
    assert not Deal.objects.exists()
    # and the whole stock in one order is allowed
    assert _create(stock=10, max_quantity_per_order=10, tiers=[(2, 9_900)]).pk


def test_a_draft_edited_to_less_stock_than_its_limit_is_refused():
    # given a draft allowing 5 units per order
    deal = make_deal(is_open=False, stock=20, max_quantity_per_order=5)
    # when its stock is cut to 3, or its limit raised past its stock
    for changes in ({"stock": 3}, {"max_quantity_per_order": 21}):
        with pytest.raises(DomainError) as caught:
            deal_update(actor=None, deal=deal, **changes)
        # then it is refused on the limit, and nothing changes
        assert list(caught.value.fields) == ["max_quantity_per_order"]
    deal.refresh_from_db()
    assert (deal.stock, deal.max_quantity_per_order) == (20, 5)


def test_a_deal_made_without_a_limit_allows_five_or_its_whole_stock():
    # when deals with 3 and 30 units are made with no limit per order
    few = _create(stock=3, tiers=[(2, 9_900)])
    many = _create(stock=30, tiers=[(2, 9_900)])
    # then
    assert (few.max_quantity_per_order, many.max_quantity_per_order) == (3, 5)
