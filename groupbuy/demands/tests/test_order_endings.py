"""An order made from a demand that leaves its deal without its shopper leaving
the demand: a merchant's or operator's refund, the payment window's expiry, a
failed deal, a coupon refund that gives back all its units. The participation
ends ``refunded`` (nothing forfeited), and the demand page and API say so."""

import re
from datetime import timedelta

import pytest
from django.test import Client, TestCase
from django.utils import timezone
from nacl.public import PrivateKey
from nacl.signing import SigningKey

from groupbuy.accounts.services import api_token_create
from groupbuy.core.audit import AuditEntry
from groupbuy.core.errors import DomainError
from groupbuy.coupons.models import Coupon, Revocation
from groupbuy.coupons.services import (
    coupon_redeem_online,
    coupon_refund_by_merchant,
    coupon_refund_unused,
    coupons_expire_due,
    merchant_key_register,
)
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import (
    deal_close,
    deal_order_refund,
    deal_orders_expire_unpaid,
    deal_settle,
    deal_stop,
)
from groupbuy.deals.signals import order_refunded
from groupbuy.deals.tests.factories import pass_deadline
from groupbuy.demands import services
from groupbuy.demands.models import Participation
from groupbuy.demands.tests.factories import (
    assert_ledger_sound,
    balance,
    join_and_pay,
    make_offer,
    make_published,
    make_user,
    pay_intent,
)
from groupbuy.escrow.models import PaymentIntent

pytestmark = pytest.mark.django_db
Status = Participation.Status
Reason = DealOrder.CancelReason


def _accepted():
    """A demand whose offer (3 units at 45.00) is accepted, with a joiner whose
    15.00 deposit went to their order of 135.00 (120.00 still to pay)."""
    demand = make_published()
    joiner = join_and_pay(demand, quantity=3)
    offer = make_offer(demand, unit_price_fen=4_500)
    demand = services.offer_accept(actor=demand.initiator, offer=offer)
    order = demand.deal.orders.get(shopper=joiner.shopper)
    return demand, joiner, order


def _refund_by(by):
    def refund(demand, order):
        pay_intent(order.payment_intent)
        merchant = demand.accepted_offer.merchant
        actor = (
            merchant.memberships.get().user
            if by == "merchant"
            else make_user(is_staff=True)
        )
        deal_order_refund(actor=actor, deal=demand.deal, order_id=order.public_id)

    return refund


def _let_the_payment_window_expire(demand, order):
    deal_orders_expire_unpaid(now=timezone.now() + timedelta(days=30))


def _fail_at_the_deadline(demand, order):
    # nobody paid the rest: no paid order, the deal fails as it closes
    pass_deadline(demand.deal)
    deal_close(deal=demand.deal)


def _stop_the_deal(demand, order):
    # the joiner paid the rest; an operator stops the deal as failed
    pay_intent(order.payment_intent)
    deal_stop(actor=make_user(is_staff=True), deal=demand.deal, reason="recall")


ENDINGS = [
    (_refund_by("merchant"), DealOrder.Status.REFUNDED, Reason.MERCHANT, 13_500),
    (_refund_by("operator"), DealOrder.Status.REFUNDED, Reason.OPERATOR, 13_500),
    (
        _let_the_payment_window_expire,
        DealOrder.Status.CANCELLED,
        Reason.PAYMENT_EXPIRED,
        1_500,
    ),
    (_fail_at_the_deadline, DealOrder.Status.CANCELLED, Reason.DEAL_CLOSED, 1_500),
    (_stop_the_deal, DealOrder.Status.REFUNDED, Reason.DEAL_STOPPED, 13_500),
]
IDS = ["merchant_refund", "operator_refund", "expired", "deal_failed", "deal_stopped"]


@pytest.mark.parametrize(
    ("end", "order_status", "reason", "refunded"), ENDINGS, ids=IDS
)
def test_an_order_that_ends_without_leaving_ends_the_participation_refunded(
    end, order_status, reason, refunded
):
    # given a joiner whose 15.00 deposit went to their order
    demand, joiner, order = _accepted()
    # when the order ends without them leaving
    end(demand, order)
    # then the order is refunded or cancelled, everything given back
    order.refresh_from_db()
    assert (order.status, order.cancel_reason, order.refunded_fen) == (
        order_status,
        reason,
        refunded,
    )
    # and the participation says the deposit was refunded: no longer in, nothing
    # forfeited
    joiner.refresh_from_db()
    assert joiner.status == Status.REFUNDED
    assert PaymentIntent.objects.get(pk=joiner.intent_id).refunded_fen == 1_500
    assert balance("merchant_payable", merchant=demand.accepted_offer.merchant) == 0
    assert balance("shopper_held", user=joiner.shopper) == 0
    entry = AuditEntry.objects.get(
        action="demands.participation.refunded", object_id=joiner.public_id
    )
    assert entry.data == {
        "order": order.public_id,
        "order_status": order_status,
        "reason": reason,
        "deposit_refunded_fen": 1_500,
    }
    assert not AuditEntry.objects.filter(action="demands.participation.forfeited")
    assert_ledger_sound()
    # and there is nothing left to leave
    with pytest.raises(DomainError) as refused:
        services.demand_withdraw(actor=joiner.shopper, demand=demand)
    assert refused.value.code == "not_participating"


def test_a_shopper_who_leaves_stays_forfeited_when_the_order_ends():
    # given a joiner who left (their deposit went to the merchant)
    demand, joiner, _order = _accepted()
    services.demand_withdraw(actor=joiner.shopper, demand=demand)
    # when the deal then closes, then their participation still says they left
    pass_deadline(demand.deal)
    deal_close(deal=demand.deal)
    joiner.refresh_from_db()
    assert joiner.status == Status.FORFEITED
    assert not AuditEntry.objects.filter(
        action="demands.participation.refunded", object_id=joiner.public_id
    )


def _my_part(page: str) -> tuple[str, str, str]:
    status = re.search(r'id="my-participation" data-status="([^"]*)"', page)
    said = re.search(r'id="my-status">([^<]*)<', page)
    why = re.search(r'id="my-status-reason">([^<]*)<', page)
    return (
        status.group(1) if status else "",
        said.group(1) if said else "",
        why.group(1) if why else "",
    )


def test_the_demand_page_and_api_say_the_order_was_refunded():
    # given a joiner whose order the merchant refunded
    demand, joiner, order = _accepted()
    joiner.shopper.preferred_language = "en"
    joiner.shopper.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(joiner.shopper)
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    assert _my_part(page) == ("applied", "Deposit applied to the order", "")
    assert 'id="withdraw-demand"' in page
    _refund_by("merchant")(demand, order)
    # when they open the demand page, then it says the deposit was refunded and,
    # in one sentence as the order page does, why (it read "Deposit refunded ·
    # Refunded by the merchant", the order's reason glued on), and offers no Leave
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    assert _my_part(page) == (
        "refunded",
        "Deposit refunded",
        "The shop refunded this order: ¥135.00 is refunded to you.",
    )
    assert 'id="withdraw-demand"' not in page
    assert 'data-status="refunded"' in page  # the order's pill
    # and the API says the same, and counts only the initiator's 2 units
    _token, secret = api_token_create(actor=joiner.shopper)
    answer = client.get(
        f"/api/demands/{demand.public_id}",
        headers={"Authorization": f"Bearer {secret}"},
    ).json()
    assert answer["my_participation"] == {
        "id": joiner.public_id,
        "status": "refunded",
        "quantity": 3,
        "deposit_fen": 1_500,
    }
    assert answer["committed_units"] == 2
    # and someone signed out has no place in it
    anonymous = Client().get(f"/api/demands/{demand.public_id}").json()
    assert anonymous["my_participation"] is None


def test_a_cancelled_order_whose_deposit_came_back_does_not_say_nothing_was_charged():
    # The order page and the demand page said "…not paid in time; nothing was
    # charged." though the ¥15.00 deposit applied to it was charged, then
    # refunded.
    # given a joiner who did not pay the rest of their order in time
    demand, joiner, order = _accepted()
    joiner.shopper.preferred_language = "en"
    joiner.shopper.save(update_fields=["preferred_language"])
    _let_the_payment_window_expire(demand, order)
    client = Client()
    client.force_login(joiner.shopper)
    # when they open the demand page and the order page
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    order_page = client.get(f"/orders/{order.public_id}/").content.decode()
    # then both say the deposit already paid is refunded
    said = (
        "This order was cancelled as it was not paid in time: the ¥15.00 already "
        "paid is refunded to you."
    )
    assert _my_part(page) == ("refunded", "Deposit refunded", said)
    assert f'<p id="order-cancelled">{said}</p>' in order_page
    assert "nothing was charged" not in order_page


def _confirmed_with_a_coupon():
    """``_accepted``, the rest paid and the deal succeeded: the joiner's order of
    3 units is confirmed, its coupon issued, its participation still applied."""
    demand, joiner, order = _accepted()
    pay_intent(order.payment_intent)
    pass_deadline(demand.deal)
    deal = deal_close(deal=demand.deal)
    with TestCase.captureOnCommitCallbacks(execute=True):
        deal_settle(deal=deal)
    order.refresh_from_db()
    joiner.refresh_from_db()
    assert (order.status, joiner.status) == ("confirmed", Status.APPLIED)
    return demand, joiner, order, Coupon.objects.get(order=order)


def _refunded_by_the_shopper(demand, order, coupon):
    coupon_refund_unused(actor=order.shopper, coupon=coupon)


def _refunded_by_the_shop(demand, order, coupon):
    owner = demand.accepted_offer.merchant.memberships.get().user
    coupon_refund_by_merchant(actor=owner, coupon=coupon, reason="Kitchen closed.")


def _expired_under_refund_the_shopper(demand, order, coupon):
    coupons_expire_due(now=coupon.expires_at + timedelta(seconds=1))


COUPON_REFUNDS = [
    (_refunded_by_the_shopper, "", "revoked"),
    (_refunded_by_the_shop, Reason.MERCHANT, "revoked"),
    (_expired_under_refund_the_shopper, "", "expired"),
]


@pytest.mark.parametrize(
    ("refund", "reason", "coupon_status"),
    COUPON_REFUNDS,
    ids=["shopper", "shop", "expiry"],
)
def test_a_coupon_refund_that_refunds_the_order_ends_the_participation(
    refund, reason, coupon_status, django_capture_on_commit_callbacks
):
    # given a demand-made deal's confirmed order whose coupon was never used
    demand, joiner, order, coupon = _confirmed_with_a_coupon()
    sent = []

    def record(sender, *, order, reason, refunded_fen, **kwargs):
        sent.append((order.public_id, reason, refunded_fen))

    order_refunded.connect(record, dispatch_uid="test.coupon_refunds")
    try:
        # when the coupon's unused units (all 3) go back to the shopper, twice
        # (a double tap, the expiry sweep run again)
        with django_capture_on_commit_callbacks(execute=True):
            refund(demand, order, coupon)
            refund(demand, order, coupon)
    finally:
        order_refunded.disconnect(dispatch_uid="test.coupon_refunds")
    # then the order is refunded, and the deals app said so once, as every
    # other refund does
    order.refresh_from_db()
    assert (order.status, order.cancel_reason, order.refunded_fen) == (
        "refunded",
        reason,
        13_500,
    )
    assert sent == [(order.public_id, reason, 13_500)]
    # and the participation ended refunded (it stayed applied, a shopper fully
    # refunded still counted as in the demand)
    joiner.refresh_from_db()
    assert joiner.status == Status.REFUNDED
    entry = AuditEntry.objects.get(
        action="demands.participation.refunded", object_id=joiner.public_id
    )
    assert (entry.data["order"], entry.data["order_status"]) == (
        order.public_id,
        "refunded",
    )
    # and the coupon keeps what its own refund or expiry made it: the order's
    # refund revoked nothing more (no second revocation, no "order_refunded")
    coupon.refresh_from_db()
    assert coupon.status == coupon_status
    assert not Revocation.objects.filter(coupon=coupon, reason="order_refunded")
    assert Revocation.objects.filter(coupon=coupon).count() == (
        coupon_status == "revoked"
    )
    assert not AuditEntry.objects.filter(action="demands.participation.forfeited")
    assert_ledger_sound()


def test_a_partly_used_coupons_refund_leaves_the_participation_applied():
    # given a demand-made deal's confirmed order whose coupon had 1 of 3 used
    demand, joiner, order, coupon = _confirmed_with_a_coupon()
    merchant = demand.accepted_offer.merchant
    owner = merchant.memberships.get().user
    merchant_key_register(
        actor=owner,
        merchant=merchant,
        public_key=bytes(PrivateKey.generate().public_key),
        signing_public_key=bytes(SigningKey.generate().verify_key),
        device_name="till 1",
    )
    coupon.refresh_from_db()
    coupon_redeem_online(actor=owner, merchant=merchant, code=coupon.code, quantity=1)
    # when its shopper refunds the 2 unused units
    coupon_refund_unused(actor=order.shopper, coupon=coupon)
    # then the order stays confirmed, and so does the participation
    order.refresh_from_db()
    joiner.refresh_from_db()
    assert (order.status, order.refunded_fen, joiner.status) == (
        "confirmed",
        9_000,
        Status.APPLIED,
    )
