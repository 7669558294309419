import pytest
from django.test import override_settings

from groupbuy.core.errors import DomainError
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount, LedgerTransaction, Refund
from groupbuy.escrow.services import (
    escrow_release,
    payment_intent_cancel,
    payment_refund,
    platform_fee_fen,
)
from groupbuy.escrow.tests.factories import (
    make_captured_intent,
    make_intent,
    make_merchant,
    make_user,
)

pytestmark = pytest.mark.django_db
Kind = LedgerAccount.Kind


def _balance(kind, **owner):
    account = LedgerAccount.objects.filter(kind=kind, **owner).first()
    return ledger.account_balance_fen(account)


def test_partial_then_full_refund_moves_held_money_to_refunds_paid(
    django_capture_on_commit_callbacks,
):
    # given 99.00 captured
    payer = make_user()
    intent = make_captured_intent(payer=payer, amount_fen=9_900)
    # when (the provider is called after commit)
    with django_capture_on_commit_callbacks(execute=True):
        payment_refund(actor=None, intent=intent, amount_fen=1_000, idempotency_key="a")
    with django_capture_on_commit_callbacks(execute=True):
        payment_refund(actor=None, intent=intent, amount_fen=8_900, idempotency_key="b")
    # then
    intent.refresh_from_db()
    assert intent.refunded_fen == 9_900
    assert _balance(Kind.SHOPPER_HELD, user=payer) == 0
    assert _balance(Kind.REFUNDS_PAID) == 9_900
    assert _balance(Kind.GATEWAY_CLEARING) == 0
    assert _balance(Kind.EXTERNAL) == -9_900


def test_refund_with_the_same_key_refunds_once():
    payer = make_user()
    intent = make_captured_intent(payer=payer, amount_fen=9_900)
    first = payment_refund(
        actor=None, intent=intent, amount_fen=500, idempotency_key="k"
    )
    again = payment_refund(
        actor=None, intent=intent, amount_fen=500, idempotency_key="k"
    )
    assert first.pk == again.pk
    assert Refund.objects.count() == 1
    assert _balance(Kind.SHOPPER_HELD, user=payer) == 9_400


@pytest.mark.parametrize("amount_fen", [0, -5])
def test_refund_of_nothing_is_refused(amount_fen):
    intent = make_captured_intent(payer=make_user())
    with pytest.raises(DomainError) as caught:
        payment_refund(
            actor=None, intent=intent, amount_fen=amount_fen, idempotency_key="k"
        )
    assert caught.value.code == "invalid_amount"
    assert caught.value.status == 400
    assert Refund.objects.count() == 0


def test_refund_above_what_is_held_is_refused_and_changes_nothing():
    payer = make_user()
    intent = make_captured_intent(payer=payer, amount_fen=9_900)
    payment_refund(actor=None, intent=intent, amount_fen=9_000, idempotency_key="a")
    with pytest.raises(DomainError) as caught:
        payment_refund(actor=None, intent=intent, amount_fen=901, idempotency_key="b")
    assert caught.value.code == "refund_too_large"
    assert caught.value.message == ("Only ¥9.00 of this payment can still be refunded.")
    intent.refresh_from_db()
    assert intent.refunded_fen == 9_000
    assert _balance(Kind.SHOPPER_HELD, user=payer) == 900
    assert Refund.objects.count() == 1


def test_an_unpaid_intent_cannot_be_refunded():
    intent = make_intent(payer=make_user())
    with pytest.raises(DomainError) as caught:
        payment_refund(actor=None, intent=intent, amount_fen=100, idempotency_key="k")
    assert (caught.value.code, caught.value.status) == ("not_captured", 409)
    assert LedgerTransaction.objects.count() == 0


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_release_pays_the_merchant_minus_the_platform_fee():
    # given
    payer, merchant = make_user(), make_merchant()
    intent = make_captured_intent(payer=payer, amount_fen=9_900)
    # when releasing 89.00 of it
    escrow_release(
        actor=None,
        intent=intent,
        merchant=merchant,
        amount_fen=8_900,
        idempotency_key="rel",
    )
    # then 3% (267 fen) goes to the platform
    assert _balance(Kind.MERCHANT_PAYABLE, merchant=merchant) == 8_633
    assert _balance(Kind.PLATFORM_REVENUE) == 267
    assert _balance(Kind.SHOPPER_HELD, user=payer) == 1_000
    intent.refresh_from_db()
    assert intent.released_fen == 8_900


def test_release_is_idempotent_and_never_exceeds_what_is_held():
    payer, merchant = make_user(), make_merchant()
    intent = make_captured_intent(payer=payer, amount_fen=1_000)
    escrow_release(
        actor=None,
        intent=intent,
        merchant=merchant,
        amount_fen=600,
        idempotency_key="rel",
    )
    escrow_release(
        actor=None,
        intent=intent,
        merchant=merchant,
        amount_fen=600,
        idempotency_key="rel",
    )
    with pytest.raises(DomainError) as caught:
        escrow_release(
            actor=None,
            intent=intent,
            merchant=merchant,
            amount_fen=401,
            idempotency_key="rel-2",
        )
    assert (caught.value.code, caught.value.status) == ("not_enough_held", 409)
    assert _balance(Kind.SHOPPER_HELD, user=payer) == 400


def test_platform_fee_rounds_half_up_and_never_exceeds_the_amount():
    assert platform_fee_fen(8_900, fee_bps=300) == 267
    assert platform_fee_fen(50, fee_bps=300) == 2  # 1.5 → 2
    assert platform_fee_fen(16, fee_bps=300) == 0  # 0.48 → 0
    assert platform_fee_fen(10, fee_bps=20_000) == 10


def test_cancel_only_touches_an_intent_awaiting_payment():
    payer = make_user()
    waiting = make_intent(payer=payer)
    paid = make_captured_intent(payer=payer)
    assert payment_intent_cancel(actor=payer, intent=waiting).status == "cancelled"
    assert payment_intent_cancel(actor=payer, intent=paid).status == "succeeded"
    assert payment_intent_cancel(actor=payer, intent=waiting).status == "cancelled"


def test_each_captured_fen_is_held_for_its_payer():
    payer = make_user()
    make_captured_intent(payer=payer, amount_fen=100)
    make_captured_intent(payer=payer, amount_fen=250)
    assert ledger.shopper_held_account(user=payer).balance_fen == 350
