"""Refunding what a payment still holds: the admin's action, the operator's
page and API all call ``payment_refund_held``."""

import pytest

from groupbuy.core.errors import Forbidden
from groupbuy.core.models import AuditEntry
from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.racing import race
from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.models import Refund
from groupbuy.escrow.services import payment_refund, payment_refund_held
from groupbuy.escrow.tests.factories import make_captured_intent, make_intent, make_user


@pytest.mark.django_db
def test_it_refunds_all_that_is_still_held_and_audits_it():
    # given 99.00 captured, 10.00 of it already refunded
    operator = make_user(is_staff=True)
    intent = make_captured_intent(payer=make_user(), amount_fen=9_900)
    payment_refund(actor=None, intent=intent, amount_fen=1_000, idempotency_key="a")
    # when
    refund = payment_refund_held(actor=operator, intent=intent)
    # then the 89.00 left goes back, by the platform, audited with its actor
    assert (refund.amount_fen, refund.reason, refund.actor) == (
        8_900,
        "operator",
        operator,
    )
    intent.refresh_from_db()
    assert (intent.refunded_fen, intent.remaining_held_fen) == (9_900, 0)
    [entry] = AuditEntry.objects.filter(
        action="escrow.refund.issued", data__refund=refund.public_id
    )
    assert entry.actor == operator
    assert entry.data["amount_fen"] == 8_900


@pytest.mark.django_db
def test_repeating_it_refunds_nothing_twice_and_says_nothing_is_held():
    # given a payment whose held money was refunded
    operator = make_user(is_staff=True)
    intent = make_captured_intent(payer=make_user(), amount_fen=9_900)
    payment_refund_held(actor=operator, intent=intent)
    # when again
    with pytest.raises(EscrowError) as refused:
        payment_refund_held(actor=operator, intent=intent)
    # then a 409 saying why, and still one refund
    assert (refused.value.code, refused.value.status) == ("nothing_held", 409)
    assert refused.value.message == "This payment holds no money to refund."
    assert Refund.objects.filter(intent=intent).count() == 1
    intent.refresh_from_db()
    assert intent.refunded_fen == 9_900


@pytest.mark.django_db
def test_a_payment_never_captured_holds_nothing_to_refund():
    intent = make_intent(payer=make_user(), amount_fen=9_900)
    with pytest.raises(EscrowError) as refused:
        payment_refund_held(actor=make_user(is_staff=True), intent=intent)
    assert refused.value.code == "nothing_held"
    assert not Refund.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["the payer", "another shopper", "nobody"])
def test_only_an_operator_may_refund_it_whoever_calls_the_service(who):
    # given 99.00 held
    payer = make_user()
    intent = make_captured_intent(payer=payer, amount_fen=9_900)
    actor = {"the payer": payer, "another shopper": make_user(), "nobody": None}[who]
    # when someone who is not an operator calls the service itself (no page,
    # API or admin in front of it)
    with pytest.raises(Forbidden) as refused:
        payment_refund_held(actor=actor, intent=intent)
    # then it is refused saying why, and nothing moved or was written
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert refused.value.message == (
        "Only operators can refund what a payment still holds."
    )
    intent.refresh_from_db()
    assert (intent.refunded_fen, intent.remaining_held_fen) == (0, 9_900)
    assert not Refund.objects.exists()
    assert not AuditEntry.objects.filter(action="escrow.refund.issued").exists()


@pytest.mark.django_db(transaction=True)
def test_two_operators_at_once_refund_it_once(file_database):  # noqa: F811
    # given 99.00 held
    intent = make_captured_intent(payer=make_user(), amount_fen=9_900)
    # when two operators press the button at the same moment
    outcomes = race(
        [
            lambda operator=operator: payment_refund_held(actor=operator, intent=intent)
            for operator in (make_user(is_staff=True), make_user(is_staff=True))
        ]
    )
    # then one refunds all of it, the other finds nothing held
    assert outcomes == {"ok": 1, "nothing_held": 1}
    assert list(Refund.objects.values_list("amount_fen", flat=True)) == [9_900]
    intent.refresh_from_db()
    assert intent.refunded_fen == 9_900
