"""Refunds after commit, redemption-driven settlement, deposits, one formatter."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from groupbuy.catalog.services import format_yuan
from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.core.money import format_fen
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount, LedgerTransaction, Refund
from groupbuy.escrow.providers.sandbox import SandboxProvider
from groupbuy.escrow.refunds import (
    refund_backoff,
    refunds_retry_due,
    refunds_send_many,
)
from groupbuy.escrow.selectors import ledger_kind_label
from groupbuy.escrow.services import (
    escrow_forfeit_deposit,
    escrow_release,
    escrow_settle_redemption,
    payment_refund,
)
from groupbuy.escrow.tests.factories import (
    make_captured_intent,
    make_merchant,
    make_user,
)

pytestmark = pytest.mark.django_db
Kind = LedgerAccount.Kind


def _balance(kind, **owner):
    account = LedgerAccount.objects.filter(kind=kind, **owner).first()
    return ledger.account_balance_fen(account)


class _Gateway:
    """Record refund calls; fail the first ``failures`` of them."""

    def __init__(self, failures=0):
        self.calls, self.failures = [], failures

    def install(self, monkeypatch):
        monkeypatch.setattr(
            SandboxProvider, "refund", lambda provider, **kwargs: self(**kwargs)
        )
        return self

    def __call__(self, *, intent, amount_fen, idempotency_key):
        self.calls.append((amount_fen, idempotency_key))
        if len(self.calls) <= self.failures:
            raise ConnectionError("gateway unreachable")
        return "sbx_rf_ok"


# --- 6. provider refunds run after commit ---------------------------------------


def test_the_provider_is_called_after_commit_and_its_answer_is_posted(
    monkeypatch, django_capture_on_commit_callbacks
):
    gateway = _Gateway().install(monkeypatch)
    payer = make_user()
    intent = make_captured_intent(payer=payer, amount_fen=9_900)
    # when
    with django_capture_on_commit_callbacks() as queued:
        refund = payment_refund(
            actor=None, intent=intent, amount_fen=900, idempotency_key="r"
        )
        # then inside the transaction: pending, money in flight, no provider call
        assert refund.status == Refund.Status.PENDING
        assert gateway.calls == []
        assert _balance(Kind.SHOPPER_HELD, user=payer) == 9_000
        assert _balance(Kind.GATEWAY_CLEARING) == 900
    for callback in queued:
        callback()
    # and after commit the provider confirmed and the ledger says paid
    refund.refresh_from_db()
    assert (refund.status, refund.provider_reference) == ("succeeded", "sbx_rf_ok")
    assert len(gateway.calls) == 1
    assert _balance(Kind.GATEWAY_CLEARING) == 0
    assert _balance(Kind.REFUNDS_PAID) == 900


def test_a_rolled_back_refund_never_reaches_the_provider(
    monkeypatch, django_capture_on_commit_callbacks
):
    gateway = _Gateway().install(monkeypatch)
    intent = make_captured_intent(payer=make_user(), amount_fen=9_900)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                payment_refund(
                    actor=None, intent=intent, amount_fen=900, idempotency_key="r"
                )
                raise RuntimeError("the caller failed later")
        except RuntimeError:
            pass
    assert gateway.calls == []
    assert Refund.objects.count() == 0
    assert _balance(Kind.GATEWAY_CLEARING) == 0


@override_settings(
    GROUPBUY_REFUND_RETRY_BASE_SECONDS=30, GROUPBUY_REFUND_RETRY_MAX_SECONDS=600
)
def test_a_failing_provider_is_retried_with_backoff(
    monkeypatch, django_capture_on_commit_callbacks
):
    gateway = _Gateway(failures=2).install(monkeypatch)
    payer = make_user()
    intent = make_captured_intent(payer=payer, amount_fen=9_900)
    with django_capture_on_commit_callbacks(execute=True):
        refund = payment_refund(
            actor=None, intent=intent, amount_fen=9_900, idempotency_key="r"
        )
    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == ("pending", 1)
    first_retry = refund.next_attempt_at
    # not due yet: nothing is sent
    assert refunds_retry_due(now=first_retry - timedelta(seconds=1)) == 0
    assert len(gateway.calls) == 1
    # due: fails again, waits twice as long
    assert refunds_retry_due(now=first_retry) == 0
    refund.refresh_from_db()
    assert refund.attempts == 2
    assert refund.next_attempt_at - first_retry == timedelta(seconds=60)
    # then succeeds, once, with the same key every time
    assert refunds_retry_due(now=refund.next_attempt_at) == 1
    assert refunds_retry_due(now=refund.next_attempt_at + timedelta(hours=1)) == 0
    assert gateway.calls == [(9_900, "r")] * 3
    assert _balance(Kind.REFUNDS_PAID) == 9_900
    assert _balance(Kind.GATEWAY_CLEARING) == 0
    assert refund_backoff(20) == timedelta(seconds=600)


def test_a_refund_that_succeeds_on_retry_keeps_no_error(
    monkeypatch, django_capture_on_commit_callbacks
):
    # given a refund whose first send failed
    _Gateway(failures=1).install(monkeypatch)
    intent = make_captured_intent(payer=make_user(), amount_fen=9_900)
    with django_capture_on_commit_callbacks(execute=True):
        refund = payment_refund(
            actor=None, intent=intent, amount_fen=9_900, idempotency_key="r"
        )
    refund.refresh_from_db()
    assert refund.last_error == "ConnectionError('gateway unreachable')"
    # when the retry succeeds
    assert refunds_retry_due(now=refund.next_attempt_at) == 1
    # then the refund no longer reports the old failure
    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.last_error) == ("succeeded", 1, "")


def test_refunds_sent_together_clear_the_error_of_a_failed_first_send(
    monkeypatch, django_capture_on_commit_callbacks
):
    # given a refund whose first send failed
    _Gateway(failures=1).install(monkeypatch)
    intent = make_captured_intent(payer=make_user(), amount_fen=9_900)
    with django_capture_on_commit_callbacks(execute=True):
        refund = payment_refund(
            actor=None, intent=intent, amount_fen=9_900, idempotency_key="r"
        )
    # when it is sent again with a batch's refunds
    assert refunds_send_many(refund_pks=[refund.pk]) == 1
    # then
    refund.refresh_from_db()
    assert (refund.status, refund.last_error) == ("succeeded", "")


# --- 5. idempotency -----------------------------------------------------------------


def test_escrow_release_again_returns_the_first_posting():
    merchant = make_merchant()
    intent = make_captured_intent(payer=make_user(), amount_fen=9_900)
    first = escrow_release(
        actor=None,
        intent=intent,
        merchant=merchant,
        amount_fen=5_000,
        idempotency_key="k",
    )
    again = escrow_release(
        actor=None,
        intent=intent,
        merchant=merchant,
        amount_fen=5_000,
        idempotency_key="k",
    )
    intent.refresh_from_db()
    assert first.pk == again.pk
    assert intent.released_fen == 5_000


def test_ledger_post_refuses_a_key_reused_for_another_movement():
    payer = make_user()
    make_captured_intent(payer=payer, amount_fen=500)
    held = ledger.shopper_held_account(user=payer)
    revenue = ledger.system_account(kind=Kind.PLATFORM_REVENUE)
    ledger.ledger_post(
        kind="test.move", idempotency_key="k", entries=[(held, -100), (revenue, 100)]
    )
    with pytest.raises(DomainError) as caught:
        ledger.ledger_post(
            kind="test.move",
            idempotency_key="k",
            entries=[(held, -200), (revenue, 200)],
        )
    assert caught.value.code == "idempotency_key_reused"
    assert _balance(Kind.PLATFORM_REVENUE) == 100


# --- 10. redemption-driven settlement and deposits ------------------------------


class _Order:
    def __init__(self, public_id):
        self.public_id = public_id


def _merchant_pending_for_an_order(order_id: str, *, amount_fen: int):
    """A merchant whose pending account holds an order's charge (a coupon deal
    that succeeded); return the merchant."""
    merchant = make_merchant()
    escrow_release(
        actor=None,
        intent=make_captured_intent(payer=make_user(), amount_fen=amount_fen),
        merchant=merchant,
        amount_fen=amount_fen,
        idempotency_key="settle",
        to_pending=True,
        reference=order_id,
    )
    return merchant


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_redemptions_move_pending_money_to_payable_minus_the_fee():
    # given an order's 200.00 charge released to the merchant's pending account
    merchant = _merchant_pending_for_an_order("ord_1", amount_fen=20_000)
    assert _balance(Kind.MERCHANT_PENDING, merchant=merchant) == 20_000
    assert _balance(Kind.MERCHANT_PAYABLE, merchant=merchant) == 0
    order = _Order("ord_1")
    # when one of two coupons is redeemed (twice: a retried request)
    for _ in range(2):
        escrow_settle_redemption(
            actor=None, order=order, amount_fen=10_000, idempotency_key="redeem:1"
        )
    # then half moved, minus 3%
    assert _balance(Kind.MERCHANT_PENDING, merchant=merchant) == 10_000
    assert _balance(Kind.MERCHANT_PAYABLE, merchant=merchant) == 9_700
    assert _balance(Kind.PLATFORM_REVENUE) == 300
    # and more than what is left is refused
    with pytest.raises(DomainError) as caught:
        escrow_settle_redemption(
            actor=None, order=order, amount_fen=10_001, idempotency_key="redeem:2"
        )
    assert caught.value.message == (
        "Only ¥100.00 of this order is still waiting to be settled."
    )
    with pytest.raises(DomainError) as caught:
        escrow_settle_redemption(
            actor=None, order=_Order("ord_x"), amount_fen=1, idempotency_key="x"
        )
    assert caught.value.code == "nothing_pending"


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_a_redemptions_ledger_line_reads_in_the_readers_language():
    # given a redemption settled while the cashier's page was in Chinese
    _merchant_pending_for_an_order("ord_1", amount_fen=20_000)
    with translation.override("zh-hans"):
        escrow_settle_redemption(
            actor=None, order=_Order("ord_1"), amount_fen=10_000, idempotency_key="r"
        )
    # then its memo holds no words of that language (it read "ord_1 的核销结算"
    # on an English page), and its label is the reader's
    posting = LedgerTransaction.objects.get(kind="escrow.redemption.settled")
    assert posting.memo == "ord_1"
    with translation.override("en"):
        assert ledger_kind_label(posting.kind) == "Redemption settled to merchant"
        # on the merchant's own money page it counts in its balance
        assert (
            ledger_kind_label(posting.kind, for_merchant=True)
            == "Coupon redemption settled to your balance"
        )
    with translation.override("zh-hans"):
        assert ledger_kind_label(posting.kind) == "核销款已结算给商户"


def test_a_deposit_is_forfeited_to_a_named_account_under_a_stated_rule():
    payer, merchant = make_user(), make_merchant()
    deposit = make_captured_intent(
        payer=payer, amount_fen=5_000, description="Deposit: Wuchang rice 5 kg"
    )
    payable = ledger.merchant_payable_account(merchant=merchant)
    posting = escrow_forfeit_deposit(
        actor=None,
        intent=deposit,
        amount_fen=2_000,
        to_account=payable,
        rule="demands.initiator_withdrew",
        idempotency_key="forfeit:1",
    )
    deposit.refresh_from_db()
    # the payer reads what the deposit was for; the rule is in the audit log
    assert posting.memo == "Deposit: Wuchang rice 5 kg"
    assert AuditEntry.objects.get(action="escrow.deposit.forfeited").data["rule"] == (
        "demands.initiator_withdrew"
    )
    assert (deposit.released_fen, deposit.remaining_held_fen) == (2_000, 3_000)
    assert _balance(Kind.MERCHANT_PAYABLE, merchant=merchant) == 2_000
    assert _balance(Kind.SHOPPER_HELD, user=payer) == 3_000
    with pytest.raises(ValueError):
        escrow_forfeit_deposit(
            actor=None,
            intent=deposit,
            amount_fen=1,
            to_account=payable,
            rule="",
            idempotency_key="forfeit:2",
        )
    assert (
        LedgerTransaction.objects.filter(kind="escrow.deposit.forfeited").count() == 1
    )


# --- 8. one money formatter ----------------------------------------------------------


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "¥0.00"),
        (5, "¥0.05"),
        (-250, "-¥2.50"),
        (-5, "-¥0.05"),
        (123_456_78, "¥123,456.78"),
    ],
)
def test_every_surface_formats_money_the_same_way(fen, text):
    from groupbuy.web.templatetags.money import fen as fen_filter

    assert format_fen(fen) == text
    assert format_yuan(fen) == text
    assert fen_filter(fen) == text


def test_notifications_format_a_negative_amount_with_the_sign_first():
    from groupbuy.deals import notifications

    assert notifications.format_fen(-250) == "-¥2.50"


def test_a_release_key_reused_for_another_amount_is_refused():
    merchant = make_merchant()
    intent = make_captured_intent(payer=make_user(), amount_fen=9_900)
    escrow_release(
        actor=None,
        intent=intent,
        merchant=merchant,
        amount_fen=100,
        idempotency_key="k",
    )
    with pytest.raises(DomainError) as caught:
        escrow_release(
            actor=None,
            intent=intent,
            merchant=merchant,
            amount_fen=200,
            idempotency_key="k",
        )
    assert caught.value.code == "idempotency_key_reused"
    intent.refresh_from_db()
    assert intent.released_fen == 100
