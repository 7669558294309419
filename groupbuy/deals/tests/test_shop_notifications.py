"""A deal's owners hear of it: each new tier once, how it ended, a platform stop.

Until 2026-12-06 an owner's inbox held nothing about their deals' orders.
"""

from collections import Counter

import pytest

from groupbuy.accounts.models import User
from groupbuy.accounts.services import merchant_membership_add
from groupbuy.deals.models import Deal
from groupbuy.deals.services import (
    deal_close,
    deal_join,
    deal_order_cancel,
    deal_stop,
)
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_user,
    pass_deadline,
    pay,
)
from groupbuy.deals.tests.racing import race
from groupbuy.notify.models import Delivery, Notification

SHOP_KINDS = (
    "deals.shop.tier_reached",
    "deals.shop.succeeded",
    "deals.shop.failed",
    "deals.shop.stopped",
    "deals.shop.stopped_by_owner",
)


def _shop(**owner_profile):
    """A merchant with an owner (English, SMS as their channel), a second owner
    and a cashier."""
    owner = make_user(preferred_language="en", **owner_profile)
    merchant = make_merchant(owner=owner)
    other_owner = make_user(preferred_language="zh-hans")
    merchant_membership_add(
        actor=None, user=other_owner, merchant=merchant, role="owner"
    )
    cashier = make_user(preferred_language="en")
    merchant_membership_add(actor=None, user=cashier, merchant=merchant, role="cashier")
    return merchant, owner, other_owner, cashier


def _told(user) -> list[tuple[str, str, str]]:
    notes = Notification.objects.filter(recipient=user, kind__in=SHOP_KINDS)
    return [
        (note.kind, *note.text_in("en")) for note in notes.order_by("created_at", "pk")
    ]


def _paid_and_committed(deal, django_capture_on_commit_callbacks, **join):
    order = deal_join(actor=make_user(), deal=deal, quantity=1, **join)
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    return order


@pytest.mark.django_db
def test_owners_hear_of_each_tier_once_and_of_the_success(
    django_capture_on_commit_callbacks,
):
    # given a deal at 99.00 from two buyers and 89.00 from three
    merchant, owner, other_owner, cashier = _shop()
    deal = make_deal(merchant=merchant, tiers=[(2, 9_900), (3, 8_900)], stock=20)
    # when three buyers pay, then a fourth (no new tier), one at a time
    orders = [
        _paid_and_committed(deal, django_capture_on_commit_callbacks) for _ in range(4)
    ]
    # and the deadline passes and the deal closes and settles
    pass_deadline(deal)
    with django_capture_on_commit_callbacks(execute=True):
        deal_close(deal=deal)
    # then the owner was told of each tier once, then of the success
    deal.refresh_from_db()
    assert deal.state == Deal.State.SETTLED
    assert _told(owner) == [
        (
            "deals.shop.tier_reached",
            "Your group buy is going ahead: Jasmine tea 500 g",
            "2 buyers have paid, reaching its first tier: ¥99.00 each. It goes "
            "ahead when it closes unless buyers leave.",
        ),
        (
            "deals.shop.tier_reached",
            "Your group buy reached a new tier: Jasmine tea 500 g",
            "3 buyers have paid, so everyone now pays ¥89.00 each (the tier for "
            "3 or more).",
        ),
        (
            "deals.shop.succeeded",
            "Your group buy succeeded: Jasmine tea 500 g",
            "It closed at ¥89.00 a unit: 4 buyers bought 4 units, ¥356.00 in all.",
        ),
    ]
    succeeded = Notification.objects.get(recipient=owner, kind="deals.shop.succeeded")
    assert succeeded.url == (f"/merchant/{merchant.public_id}/deals/{deal.public_id}/")
    assert succeeded.data == {
        "deal_id": deal.public_id,
        "final_price_fen": 8_900,
        "buyers": 4,
        "units": 4,
        "charged_fen": 4 * 8_900,
    }
    # and the other owner the same
    assert [kind for kind, _title, _body in _told(other_owner)] == [
        "deals.shop.tier_reached",
        "deals.shop.tier_reached",
        "deals.shop.succeeded",
    ]
    # and neither the cashier nor a buyer heard any of it
    assert _told(cashier) == []
    assert not Notification.objects.filter(
        recipient__in=[order.shopper for order in orders], kind__in=SHOP_KINDS
    ).exists()
    # and nothing went by SMS, though SMS is the owner's channel
    channels = Delivery.objects.filter(notification__kind__in=SHOP_KINDS).values_list(
        "channel", flat=True
    )
    assert set(channels) == {"in_app"}


@pytest.mark.django_db
def test_the_success_says_the_units_bought_so_the_total_adds_up(
    django_capture_on_commit_callbacks,
):
    # given a deal at ¥89.00 a unit, one buyer taking one unit, another two
    merchant, owner, _other, _cashier = _shop()
    deal = make_deal(merchant=merchant, tiers=[(2, 8_900)], stock=20)
    for quantity in (1, 2):
        order = deal_join(actor=make_user(), deal=deal, quantity=quantity)
        with django_capture_on_commit_callbacks(execute=True):
            pay(order)
    # when the deal closes and settles
    pass_deadline(deal)
    with django_capture_on_commit_callbacks(execute=True):
        deal_close(deal=deal)
    # then the owner reads the price a unit and the units, which make the total
    succeeded = Notification.objects.get(recipient=owner, kind="deals.shop.succeeded")
    assert succeeded.text_in("en")[1] == (
        "It closed at ¥89.00 a unit: 2 buyers bought 3 units, ¥267.00 in all."
    )
    assert succeeded.data["units"] == 3


@pytest.mark.django_db
def test_an_owner_who_chose_email_gets_it_unless_they_keep_the_kind_to_the_inbox(
    django_capture_on_commit_callbacks,
):
    # given an owner who is told by e-mail, but keeps tiers to the inbox
    merchant, owner, _other, _cashier = _shop(
        contact_channel="email",
        email="owner@example.com",
        inbox_only_kinds=["deals.shop.tier_reached"],
    )
    deal = make_deal(merchant=merchant, tiers=[(1, 9_900)])
    # when a buyer pays and the deal closes
    _paid_and_committed(deal, django_capture_on_commit_callbacks)
    pass_deadline(deal)
    with django_capture_on_commit_callbacks(execute=True):
        deal_close(deal=deal)
    # then the tier stays in the inbox and the success also comes by e-mail
    by_kind = {
        kind: sorted(
            Delivery.objects.filter(
                notification__recipient=owner, notification__kind=kind
            ).values_list("channel", flat=True)
        )
        for kind in ("deals.shop.tier_reached", "deals.shop.succeeded")
    }
    assert by_kind == {
        "deals.shop.tier_reached": ["in_app"],
        "deals.shop.succeeded": ["email", "in_app"],
    }


@pytest.mark.django_db
def test_owners_hear_a_deal_failed_and_its_buyers_were_refunded(
    django_capture_on_commit_callbacks,
):
    # given one paid buyer where two are needed
    merchant, owner, _other, cashier = _shop()
    deal = make_deal(merchant=merchant)
    _paid_and_committed(deal, django_capture_on_commit_callbacks)
    # when the deadline passes
    pass_deadline(deal)
    with django_capture_on_commit_callbacks(execute=True):
        deal_close(deal=deal)
    # then
    assert _told(owner) == [
        (
            "deals.shop.failed",
            "Your group buy did not go ahead: Jasmine tea 500 g",
            "Fewer than 2 buyers paid before it closed, so every buyer is "
            "refunded in full.",
        )
    ]
    assert _told(cashier) == []


@pytest.mark.django_db
def test_a_tier_reached_again_after_a_buyer_left_is_not_told_again(
    django_capture_on_commit_callbacks,
):
    # given a deal whose first tier (two buyers) was reached and told
    merchant, owner, _other, _cashier = _shop()
    deal = make_deal(merchant=merchant, tiers=[(2, 9_900)])
    first = _paid_and_committed(deal, django_capture_on_commit_callbacks)
    _paid_and_committed(deal, django_capture_on_commit_callbacks)
    # when one leaves and another pays
    with django_capture_on_commit_callbacks(execute=True):
        deal_order_cancel(actor=first.shopper, order=first)
    _paid_and_committed(deal, django_capture_on_commit_callbacks)
    # then the owner was told once
    assert [kind for kind, _title, _body in _told(owner)] == ["deals.shop.tier_reached"]


@pytest.mark.django_db
def test_owners_hear_the_platform_stopped_their_deal_and_why(
    django_capture_on_commit_callbacks,
):
    # given a deal with a paid buyer
    merchant, owner, other_owner, cashier = _shop()
    deal = make_deal(merchant=merchant)
    join_and_pay(deal)
    # when an operator stops it with a reason
    with django_capture_on_commit_callbacks(execute=True):
        deal_stop(actor=make_user(is_staff=True), deal=deal, reason="Supplier recall")
    # then both owners are told (once: not also that it failed), the cashier not
    assert _told(owner) == [
        (
            "deals.shop.stopped",
            "The platform stopped your group buy: Jasmine tea 500 g",
            "Every buyer is refunded in full. The platform says: “Supplier recall”",
        )
    ]
    assert [kind for kind, _title, _body in _told(other_owner)] == [
        "deals.shop.stopped"
    ]
    assert _told(cashier) == []


@pytest.mark.django_db
def test_an_owner_whose_account_is_switched_off_is_not_told(
    django_capture_on_commit_callbacks,
):
    # given a shop whose second owner's account is switched off, and a deal
    # with a paid buyer
    merchant, owner, other_owner, _cashier = _shop()
    User.objects.filter(pk=other_owner.pk).update(is_active=False)
    deal = make_deal(merchant=merchant)
    join_and_pay(deal)
    # when an operator stops it
    with django_capture_on_commit_callbacks(execute=True):
        deal_stop(actor=make_user(is_staff=True), deal=deal, reason="Supplier recall")
    # then the owner still running the shop is told, the switched-off one not
    assert [kind for kind, _title, _body in _told(owner)] == ["deals.shop.stopped"]
    assert _told(other_owner) == []


@pytest.mark.django_db
def test_an_owner_stopping_their_own_deal_is_not_told_it_failed(
    django_capture_on_commit_callbacks,
):
    merchant, owner, _other, _cashier = _shop()
    deal = make_deal(merchant=merchant)
    join_and_pay(deal)
    with django_capture_on_commit_callbacks(execute=True):
        deal_stop(actor=owner, deal=deal, reason="Out of stock")
    assert _told(owner) == []


@pytest.mark.django_db
def test_the_other_owners_hear_an_owner_stopped_the_deal_who_and_why(
    django_capture_on_commit_callbacks,
):
    # given a shop with two owners and a cashier, and a deal with a paid buyer
    merchant, owner, other_owner, cashier = _shop(display_name="Ms Wang")
    deal = make_deal(merchant=merchant)
    join_and_pay(deal)
    # when the first owner stops it with a reason
    with django_capture_on_commit_callbacks(execute=True):
        deal_stop(actor=owner, deal=deal, reason="Out of stock")
    # then the other owner is told who stopped it and why, in their language
    assert _told(other_owner) == [
        (
            "deals.shop.stopped_by_owner",
            "Ms Wang stopped your group buy: Jasmine tea 500 g",
            "Every buyer is refunded in full. Ms Wang says: “Out of stock”",
        )
    ]
    note = Notification.objects.get(recipient=other_owner)
    assert note.data == {
        "deal_id": deal.public_id,
        "stopped_by": "merchant",
        "stopped_by_user_id": owner.public_id,
        "reason": "Out of stock",
    }
    # and neither the owner who stopped it nor the cashier is
    assert _told(owner) == []
    assert _told(cashier) == []


@pytest.mark.django_db(transaction=True)
def test_payments_committing_at_once_tell_each_owner_of_a_tier_once(file_database):
    # given a deal whose only tier is three buyers, and six unpaid orders
    merchant, owner, other_owner, cashier = _shop()
    deal = make_deal(merchant=merchant, tiers=[(3, 9_900)], stock=10)
    orders = [deal_join(actor=make_user(), deal=deal, quantity=1) for _ in range(6)]
    # when all six payments arrive at the same moment (each commit runs its
    # own tier check: four or more of them find the tier reached)
    outcomes = race([lambda order=order: pay(order) for order in orders])
    # then each owner was told once, the cashier never
    assert outcomes == Counter(ok=6)
    told = Counter(
        Notification.objects.filter(kind="deals.shop.tier_reached").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == Counter({owner.pk: 1, other_owner.pk: 1})
    assert cashier.pk not in told
