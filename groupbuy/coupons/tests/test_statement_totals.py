"""The statement's totals and charted days are sums the database makes: the
same figures as adding up every redemption, without loading them all."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groupbuy.coupons.models import Redemption
from groupbuy.coupons.statements import StatementDay, statement_days, statement_for
from groupbuy.coupons.tests.factories import confirmed_orders, coupon_for, make_station
from groupbuy.coupons.tests.test_api import auth
from groupbuy.escrow.services import platform_fee_fen

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
_nonces = count()


@pytest.fixture
def shop():
    """A station, a coupon of a deal settled on redemption and one of a deal
    that paid the merchant when it closed."""
    station = make_station()
    (settles,) = confirmed_orders(station.merchant, quantities=(1,))
    (at_close,) = confirmed_orders(
        station.merchant, quantities=(1,), settlement_mode="on_close"
    )
    return station, {True: coupon_for(settles), False: coupon_for(at_close)}


def _redeem(coupon, *, at: datetime, amount_fen: int, quantity: int) -> None:
    Redemption.objects.create(
        coupon=coupon,
        quantity=quantity,
        amount_fen=amount_fen,
        channel=Redemption.Channel.ONLINE,
        nonce=f"totals-{next(_nonces)}",
        redeemed_at=at,
    )


def _redeem_many(coupon, number: int, *, day: date) -> None:
    Redemption.objects.bulk_create(
        Redemption(
            coupon=coupon,
            quantity=1,
            amount_fen=9_900,
            channel=Redemption.Channel.ONLINE,
            nonce=f"totals-{next(_nonces)}",
            redeemed_at=datetime.combine(day, time(12), SHANGHAI)
            + timedelta(seconds=n),
        )
        for n in range(number)
    )


redemptions = st.lists(
    st.tuples(
        st.booleans(),  # of the deal settled on redemption, or paid at close
        st.integers(-1, 30),  # days after 2026-11-01: the day before to after
        # seconds into the Shanghai day: its edges, and UTC's midnight (08:00)
        st.sampled_from([0, 1, 8 * 3600 - 1, 8 * 3600, 16 * 3600, 86_399]),
        st.integers(1, 2_000_000_000),  # up to a 32-bit column's largest
        st.integers(1, 9),
    ),
    max_size=25,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    redeemed=redemptions,
    fee_bps=st.sampled_from([0, 1, 250, 300, 9_999, 10_000]),
)
def test_the_totals_and_days_are_the_sums_of_every_redemption(shop, redeemed, fee_bps):
    # given redemptions on and around November's Shanghai days (the examples
    # share the shop: each starts from none)
    station, coupons = shop
    Redemption.objects.filter(coupon__merchant=station.merchant).delete()
    made = []  # (settled on redemption, Shanghai day, amount, units)
    for settled, days, seconds, amount_fen, quantity in redeemed:
        day = NOVEMBER[0] + timedelta(days=days)
        at = datetime.combine(day, time.min, SHANGHAI) + timedelta(seconds=seconds)
        _redeem(coupons[settled], at=at, amount_fen=amount_fen, quantity=quantity)
        made.append((settled, day, amount_fen, quantity))
    # when November's statement is made
    with override_settings(GROUPBUY_PLATFORM_FEE_BPS=fee_bps):
        start, end = NOVEMBER
        statement = statement_for(merchant=station.merchant, start=start, end=end)
        days = statement_days(statement)
    # then its figures are those of adding up each of its redemptions
    inside = [row for row in made if start <= row[1] <= end]
    settled = [amount for is_settled, _d, amount, _q in inside if is_settled]
    fees = sum(platform_fee_fen(amount, fee_bps=fee_bps) for amount in settled)
    assert statement.redeemed_fen == sum(settled)
    assert statement.paid_at_close_fen == sum(
        amount for is_settled, _d, amount, _q in inside if not is_settled
    )
    assert statement.fee_fen == fees
    assert statement.net_fen == sum(settled) - fees
    assert statement.has_redemptions == bool(inside)
    assert statement.redemptions.count() == len(inside)
    assert days == [
        StatementDay(
            day=day,
            units=sum(q for _s, d, _a, q in inside if d == day),
            settled_fen=sum(a for s, d, a, _q in inside if s and d == day),
            fee_fen=sum(
                platform_fee_fen(a, fee_bps=fee_bps)
                for s, d, a, _q in inside
                if s and d == day
            ),
        )
        for day in (start + timedelta(days=n) for n in range(30))
    ]


def _loading_redemptions(monkeypatch) -> list:
    """Count the redemptions read from the database from now on."""
    loaded = []
    from_db = Redemption.from_db.__func__

    def counting(cls, *args, **kwargs):
        loaded.append(1)
        return from_db(cls, *args, **kwargs)

    monkeypatch.setattr(Redemption, "from_db", classmethod(counting))
    return loaded


def test_the_statement_reads_one_page_of_redemptions_however_many(
    client, shop, monkeypatch
):
    # given a month of 3 redemptions, read once (what is read once per
    # process, translations and such, is left out of the count)
    station, coupons = shop
    today = timezone.localdate()
    _redeem_many(coupons[True], 3, day=today)
    client.force_login(station.owner)
    page = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    api = f"/api/coupons/merchants/{station.merchant.public_id}/statement"
    headers = auth(station.owner)
    client.get(page)
    client.get(api, headers=headers)
    loaded = _loading_redemptions(monkeypatch)
    queries = {}
    for redeemed in (3, 3 + 57):
        # when the owner opens the page and the API reads the statement
        with CaptureQueriesContext(connection) as on_page:
            assert client.get(page).status_code == 200
        with CaptureQueriesContext(connection) as on_api:
            body = client.get(api, headers=headers).json()
        queries[redeemed] = (len(on_page), len(on_api))
        assert body["redeemed_fen"] == redeemed * 9_900
        assert sum(day["units"] for day in body["days"]) == redeemed
        _redeem_many(coupons[True], 57, day=today)
    # then each reads one page of them (20), however many the month has,
    # in as many queries
    assert len(loaded) == 3 + 3 + 20 + 20
    assert queries[3] == queries[60]


def _adjustments_of(order, number: int) -> dict[str, int]:
    """Give ``order``'s shop ``number`` more coupons, each refunded unused and
    expired (outcomes taking turns), the take-backs posted to its payable as
    the ledger posts them; return what the statement's figures should be."""
    from groupbuy.coupons.models import Coupon, CouponExpiry, CouponRefund
    from groupbuy.coupons.services.expiry import take_back_key
    from groupbuy.coupons.services.refunding import refund_key
    from groupbuy.deals.models import DealOrder
    from groupbuy.escrow import ledger
    from groupbuy.escrow.models import LedgerEntry, LedgerTransaction

    coupon = coupon_for(order)
    orders = []
    for _n in range(number):
        clone = DealOrder.objects.get(pk=order.pk)
        clone.pk, clone.public_id, clone.status = None, "", "refunded"
        clone.payment_intent = None
        orders.append(clone)
    orders = DealOrder.objects.bulk_create(orders)
    coupons = []
    for clone_order in orders:
        clone = Coupon.objects.get(pk=coupon.pk)
        clone.pk, clone.public_id, clone.code_digest = None, "", None
        clone.order, clone.serial = clone_order, f"TOT{next(_nonces):09d}"
        coupons.append(clone)
    coupons = Coupon.objects.bulk_create(coupons)
    refund_outcomes = [CouponRefund.Outcome.TAKEN_BACK, CouponRefund.Outcome.REFUNDED]
    expiry_outcomes = [
        CouponExpiry.Outcome.TAKEN_BACK,
        CouponExpiry.Outcome.PAID_MERCHANT,
        CouponExpiry.Outcome.REFUNDED,
    ]
    refunds = CouponRefund.objects.bulk_create(
        CouponRefund(
            coupon=c,
            quantity=1,
            amount_fen=9_900 + n,
            outcome=refund_outcomes[n % 2],
            escrow_key=refund_key(c),
        )
        for n, c in enumerate(coupons)
    )
    expiries = CouponExpiry.objects.bulk_create(
        CouponExpiry(
            coupon=c,
            rule="refund_shopper",
            quantity=1,
            amount_fen=5_000 + n,
            outcome=expiry_outcomes[n % 3],
            settled_at=timezone.now(),
        )
        for n, c in enumerate(coupons)
    )
    taken = [(r.escrow_key, r) for r in refunds if r.outcome == "taken_back"]
    taken += [
        (take_back_key(e.coupon.serial), e)
        for e in expiries
        if e.outcome == "taken_back"
    ]
    postings = LedgerTransaction.objects.bulk_create(
        LedgerTransaction(kind="escrow.released.returned", idempotency_key=key)
        for key, _row in taken
    )
    payable = ledger.merchant_payable_account(merchant=order.deal.merchant)
    held = ledger.shopper_held_account(user=order.shopper)
    # The shop's part: all but the fee's, here 3 % rounded down.
    parts = [row.amount_fen - row.amount_fen * 3 // 100 for _key, row in taken]
    LedgerEntry.objects.bulk_create(
        entry
        for posting, part in zip(postings, parts, strict=True)
        for entry in (
            LedgerEntry(transaction=posting, account=payable, amount_fen=-part),
            LedgerEntry(transaction=posting, account=held, amount_fen=part),
        )
    )
    paid = [e.amount_fen for e in expiries if e.outcome == "paid_merchant"]
    return {
        "expiry_paid_fen": sum(paid),
        "fee_fen": sum(platform_fee_fen(amount) for amount in paid),
        "taken_back_fen": sum(parts),
        "refund_from_pending_fen": sum(
            r.amount_fen for r in refunds if r.outcome == "refunded"
        ),
        "expiry_refunded_fen": sum(
            e.amount_fen for e in expiries if e.outcome == "refunded"
        ),
    }


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_the_statement_sums_its_refunds_and_expiries_without_loading_them(
    monkeypatch, django_assert_max_num_queries
):
    # given a shop with 120 coupons refunded unused and expired this month,
    # a third and a half of them taken back from its balance
    from groupbuy.coupons.models import CouponExpiry, CouponRefund

    station = make_station()
    (order,) = confirmed_orders(
        station.merchant, quantities=(1,), settlement_mode="on_close"
    )
    expected = _adjustments_of(order, 120)
    loaded = []
    for model in (CouponExpiry, CouponRefund):
        from_db = model.from_db.__func__
        monkeypatch.setattr(
            model,
            "from_db",
            classmethod(
                lambda cls, *a, _f=from_db, **k: loaded.append(cls) or _f(cls, *a, **k)
            ),
        )
    start, end = timezone.localdate().replace(day=1), timezone.localdate()
    # when this month's statement is made and its figures read
    with django_assert_max_num_queries(6):
        statement = statement_for(merchant=station.merchant, start=start, end=end)
        figures = {name: getattr(statement, name) for name in expected}
        net = statement.net_fen
    # then they are the sums of every row, none of which was read (until
    # 2026-12-06 every refund and expiry of the period was loaded for them)
    assert figures == expected
    assert net == (
        expected["expiry_paid_fen"] - expected["fee_fen"] - expected["taken_back_fen"]
    )
    assert loaded == []
    # and a page of them reads its lines' parts at once, as the figures count
    page = statement.listed(statement.refunds[:20])
    assert sum(-statement.adjustment_fen(r) for r in page) == sum(
        statement.refund_merchant_fen(r) for r in page
    )
