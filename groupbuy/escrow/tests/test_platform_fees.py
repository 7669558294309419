"""The platform's fee income over a period: earned, returned, net, by day or
month and by merchant, each a sum of the platform-revenue account's lines."""

from datetime import date, datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groupbuy.catalog.tests.factories import make_merchant, make_user
from groupbuy.core.days import days_window
from groupbuy.core.errors import DomainError, NotFound
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount, LedgerEntry, LedgerTransaction
from groupbuy.escrow.platform_fees import platform_fees_for_period
from groupbuy.escrow.services import escrow_release, platform_fee_fen
from groupbuy.escrow.tests.factories import make_captured_intent

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
Kind = LedgerAccount.Kind
_keys = count()


def local(day: date, seconds: int = 0) -> datetime:
    return datetime.combine(day, time.min, SHANGHAI) + timedelta(seconds=seconds)


def _post(kind: str, entries, at: datetime) -> None:
    posting = ledger.ledger_post(
        kind=kind, idempotency_key=f"test.fees:{next(_keys)}", entries=entries
    )
    LedgerTransaction.objects.filter(pk=posting.pk).update(created_at=at)


def settle(merchant, amount_fen: int, fee_fen: int, at: datetime) -> None:
    """A sale of ``amount_fen`` settled to the merchant, less ``fee_fen``."""
    _post(
        "escrow.hold.released",
        [
            (ledger.system_account(kind=Kind.EXTERNAL), -amount_fen),
            (ledger.merchant_payable_account(merchant=merchant), amount_fen - fee_fen),
            (ledger.system_account(kind=Kind.PLATFORM_REVENUE), fee_fen),
        ],
        at,
    )


def give_back(merchant, amount_fen: int, fee_fen: int, at: datetime) -> None:
    """Part of a settled sale refunded: the fee's part comes back too."""
    _post(
        "escrow.released.returned",
        [
            (ledger.system_account(kind=Kind.PLATFORM_REVENUE), -fee_fen),
            (
                ledger.merchant_payable_account(merchant=merchant),
                -(amount_fen - fee_fen),
            ),
            (ledger.system_account(kind=Kind.EXTERNAL), amount_fen),
        ],
        at,
    )


def keep_deposit(amount_fen: int, at: datetime) -> None:
    """A deposit kept for the platform: no merchant's money moves."""
    _post(
        "escrow.deposit.forfeited",
        [
            (ledger.system_account(kind=Kind.EXTERNAL), -amount_fen),
            (ledger.system_account(kind=Kind.PLATFORM_REVENUE), amount_fen),
        ],
        at,
    )


def november_activity():
    """Two shops' fees in November 2026 (Shanghai days), one given back, a
    deposit kept, and lines just outside November on either side."""
    fresh = make_merchant(name="鲜邻超市", name_en="")
    corner = make_merchant(name="Corner Shop", name_en="Corner Shop")
    settle(fresh, 50_000, 1_000, local(date(2026, 10, 31), 86_399))  # October
    settle(fresh, 20_000, 400, local(date(2026, 11, 1)))  # first second
    settle(corner, 10_000, 200, local(date(2026, 11, 1), 3_600))
    give_back(fresh, 5_000, 100, local(date(2026, 11, 3), 60))
    keep_deposit(1_500, local(date(2026, 11, 3), 120))
    settle(corner, 30_000, 600, local(date(2026, 11, 30), 86_399))  # last second
    settle(corner, 99_000, 1_980, local(date(2026, 12, 1)))  # December
    return fresh, corner


def operator():
    return make_user(is_staff=True)


def test_the_periods_fees_are_sums_of_the_revenue_accounts_lines():
    # given
    fresh, corner = november_activity()
    # when an operator asks for November
    fees = platform_fees_for_period(
        user=operator(), date_from=date(2026, 11, 1), date_to=date(2026, 11, 30)
    )
    # then earned, returned and net are November's lines, the edges of
    # Shanghai days included, nothing from October or December
    assert (fees.total.earned_fen, fees.total.returned_fen, fees.total.net_fen) == (
        400 + 200 + 1_500 + 600,
        100,
        2_600,
    )
    since, until = days_window(date(2026, 11, 1), date(2026, 11, 30))
    lines = LedgerEntry.objects.filter(
        account=ledger.system_account(kind=Kind.PLATFORM_REVENUE),
        transaction__created_at__gte=since,
        transaction__created_at__lt=until,
    )
    assert fees.total.net_fen == lines.aggregate(total=Sum("amount_fen"))["total"]
    assert fees.total.earned_fen == sum(
        lines.filter(amount_fen__gt=0).values_list("amount_fen", flat=True)
    )
    # by day, every day of November, each adding up to the total
    assert fees.by == "day" and len(fees.buckets) == 30
    assert {
        b.start: (b.earned_fen, b.returned_fen)
        for b in fees.buckets
        if b.earned_fen or b.returned_fen
    } == {
        date(2026, 11, 1): (600, 0),
        date(2026, 11, 3): (1_500, 100),
        date(2026, 11, 30): (600, 0),
    }
    assert sum(b.net_fen for b in fees.buckets) == fees.total.net_fen
    # and by merchant, the deposit under no merchant, last
    assert [
        (m.merchant_id, m.merchant_name, m.earned_fen, m.returned_fen, m.net_fen)
        for m in fees.merchants
    ] == [
        (corner.public_id, "Corner Shop", 800, 0, 800),
        (fresh.public_id, "鲜邻超市", 400, 100, 300),
        ("", "", 1_500, 0, 1_500),
    ]
    assert sum(m.net_fen for m in fees.merchants) == fees.total.net_fen


def test_a_long_period_is_charted_by_month():
    november_activity()
    fees = platform_fees_for_period(
        user=operator(), date_from=date(2026, 10, 1), date_to=date(2026, 12, 31)
    )
    assert fees.by == "month"
    assert [(b.start, b.net_fen) for b in fees.buckets] == [
        (date(2026, 10, 1), 1_000),
        (date(2026, 11, 1), 2_600),
        (date(2026, 12, 1), 1_980),
    ]


def test_a_real_release_is_counted_under_its_merchant():
    # given a payment released to its merchant through escrow, fee and all
    merchant = make_merchant()
    payer = make_user()
    intent = make_captured_intent(payer=payer, amount_fen=12_345)
    escrow_release(
        actor=None,
        intent=intent,
        merchant=merchant,
        amount_fen=12_345,
        idempotency_key="release-1",
    )
    # when an operator asks for today
    today = timezone.localdate()
    fees = platform_fees_for_period(user=operator(), date_from=today, date_to=today)
    # then the fee is earned, under that merchant
    fee = platform_fee_fen(12_345)
    assert fee > 0
    assert [(m.merchant_id, m.earned_fen) for m in fees.merchants] == [
        (merchant.public_id, fee)
    ]


def test_without_days_it_is_this_month_so_far():
    fees = platform_fees_for_period(user=operator(), date_from=None, date_to=None)
    today = timezone.localdate()
    assert (fees.date_from, fees.date_to) == (today.replace(day=1), today)


@pytest.mark.parametrize(
    "date_from, date_to, field",
    [
        (date(2026, 11, 30), date(2026, 11, 1), "date_to"),
        (date(2025, 1, 1), date(2026, 11, 1), "date_from"),
        (date(1, 1, 1), date(2026, 11, 1), "date_from"),
    ],
)
def test_a_period_that_cannot_be_read_is_refused_on_its_field(
    date_from, date_to, field
):
    with pytest.raises(DomainError) as refused:
        platform_fees_for_period(user=operator(), date_from=date_from, date_to=date_to)
    assert refused.value.code == "invalid_date"
    assert list(refused.value.fields) == [field]


@pytest.mark.parametrize("who", ["shopper", "anonymous"])
def test_only_operators_read_the_fees(who):
    from django.contrib.auth.models import AnonymousUser

    user = make_user() if who == "shopper" else AnonymousUser()
    with pytest.raises(NotFound):
        platform_fees_for_period(user=user, date_from=None, date_to=None)


# Activity: (merchant 0-2 or None for a deposit kept, day from FIRST, second of
# that day in Shanghai, fee): seconds near either end of the day, where UTC and
# Shanghai disagree on the date; every third fee of a merchant is given back.
FIRST = date(2026, 10, 1)
activity = st.lists(
    st.tuples(
        st.sampled_from([0, 1, 2, None]),
        st.integers(0, 70),
        st.sampled_from([0, 1, 8 * 3600 - 1, 8 * 3600, 16 * 3600, 86_399]),
        st.integers(1, 5_000),
    ),
    max_size=15,
)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(activity=activity, first=st.integers(0, 70), length=st.integers(0, 70))
def test_the_fees_add_up_to_the_revenue_lines_over_any_activity(
    activity, first, length
):
    # given fees settled, given back and deposits kept on random days (the
    # examples share one database: each counts from what was there before it)
    date_from = FIRST + timedelta(days=first)
    date_to = date_from + timedelta(days=length)
    reader = operator()
    before = platform_fees_for_period(user=reader, date_from=date_from, date_to=date_to)
    kept_before = sum(m.net_fen for m in before.merchants if not m.merchant_id)
    merchants = [make_merchant(name=f"Shop {n}") for n in range(3)]
    moves = []  # (Shanghai day, merchant public id or "", signed fee)
    for number, (shop, days, seconds, fee) in enumerate(activity):
        at = local(FIRST + timedelta(days=days), seconds)
        if shop is None:
            keep_deposit(fee, at)
            moves.append((at.date(), "", fee))
            continue
        merchant = merchants[shop]
        settle(merchant, fee * 50, fee, at)
        moves.append((at.date(), merchant.public_id, fee))
        if number % 3 == 2:
            give_back(merchant, fee * 50, fee, at + timedelta(seconds=1))
            returned_at = (at + timedelta(seconds=1)).astimezone(SHANGHAI)
            moves.append((returned_at.date(), merchant.public_id, -fee))
    # when an operator reads the period
    fees = platform_fees_for_period(user=reader, date_from=date_from, date_to=date_to)
    # then every figure is what the moves on those Shanghai days add up to
    inside = [
        (day, shop, fee) for day, shop, fee in moves if date_from <= day <= date_to
    ]
    earned = sum(fee for _d, _s, fee in inside if fee > 0)
    returned = -sum(fee for _d, _s, fee in inside if fee < 0)
    assert fees.total.earned_fen == before.total.earned_fen + earned
    assert fees.total.returned_fen == before.total.returned_fen + returned
    assert fees.total.net_fen == before.total.net_fen + earned - returned
    expected = {
        shop: sum(fee for _d, s, fee in inside if s == shop)
        for shop in {s for _d, s, _f in inside}
    }
    if kept_before:
        expected[""] = expected.get("", 0) + kept_before
    ours = {merchant.public_id for merchant in merchants} | {""}
    assert {
        m.merchant_id: m.net_fen for m in fees.merchants if m.merchant_id in ours
    } == expected
    assert sum(b.net_fen for b in fees.buckets) == fees.total.net_fen
    assert sum(row.net_fen for row in fees.rows) == fees.total.net_fen


def test_a_merchant_is_named_in_the_readers_language():
    merchant = make_merchant(name="鲜邻超市", name_en="Fresh Neighbour")
    settle(merchant, 10_000, 200, local(date(2026, 11, 2)))
    names = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            fees = platform_fees_for_period(
                user=operator(),
                date_from=date(2026, 11, 1),
                date_to=date(2026, 11, 30),
            )
        names[language] = [m.merchant_name for m in fees.merchants]
    assert names == {"en": ["Fresh Neighbour"], "zh-hans": ["鲜邻超市"]}
