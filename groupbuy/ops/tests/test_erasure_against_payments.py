"""Joining and paying against an erasure: each takes the payer's row lock first
(``accounts.services.payers``), so it commits before the erasure reads the
blockers (and holds it back) or finds the account erased and takes nothing.

The races run on a SQLite file here; ``test_postgres`` runs them on
PostgreSQL's real connections.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.models import User
from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_join
from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.factories import make_deal, make_user
from groupbuy.deals.tests.racing import race
from groupbuy.demands.models import Participation
from groupbuy.demands.services import (
    demand_create,
    demand_deposit_start,
    demand_join,
)
from groupbuy.demands.tests.factories import make_published
from groupbuy.escrow.models import PaymentIntent
from groupbuy.escrow.services import sandbox_payment_submit
from groupbuy.ops.models import ErasureRequest
from groupbuy.ops.services import erasure_perform, erasure_request
from groupbuy.payments.services import payment_start
from groupbuy.teams.models import TeamMember
from groupbuy.teams.services import team_join, team_open
from groupbuy.teams.tests.factories import make_team_deal

ERASED = "This account has been deleted, so it cannot pay or join anything."


def _shopper() -> User:
    return User.objects.create_user(
        "+8613955551234",
        "long-enough-pw",
        preferred_language="en",
        phone_verified_at=timezone.now(),
    )


def _erase(user) -> None:
    erasure_perform(actor=None, request=erasure_request(actor=user))


def _refused_as_erased(call) -> None:
    with pytest.raises(DomainError) as caught:
        call()
    assert (caught.value.code, caught.value.status) == ("account_erased", 403)
    assert caught.value.message == ERASED


@pytest.mark.django_db
def test_a_person_erased_while_their_page_was_open_cannot_join_anything():
    # given what a shopper could join, and the shopper as their request loaded
    # them, erased before the join arrives (the erasure committed first)
    deal, team_deal = make_deal(), make_team_deal()
    team = team_open(actor=make_user(), team_deal=team_deal).team
    demand = make_published()
    shopper = _shopper()
    _erase(User.objects.get(pk=shopper.pk))
    intents_before = PaymentIntent.objects.count()
    # when they join a deal, open or join a team, join or start a demand
    for call in (
        lambda: deal_join(actor=shopper, deal=deal, quantity=1),
        lambda: team_open(actor=shopper, team_deal=team_deal),
        lambda: team_join(actor=shopper, team=team),
        lambda: demand_join(actor=shopper, demand=demand, quantity=1),
        lambda: demand_create(
            actor=shopper,
            title="Oat milk",
            quantity_wanted=10,
            initiator_quantity=1,
            target_unit_price_fen=1_000,
            deadline_at=timezone.now() + timedelta(days=3),
        ),
    ):
        # then each is refused, saying why
        _refused_as_erased(call)
    # and nothing of theirs was written: no order, place, deposit or payment
    assert not DealOrder.objects.filter(shopper=shopper).exists()
    assert not TeamMember.objects.filter(shopper=shopper).exists()
    assert not Participation.objects.filter(shopper=shopper).exists()
    assert PaymentIntent.objects.count() == intents_before


@pytest.mark.django_db
def test_a_person_erased_after_joining_cannot_pay():
    # given an unpaid order and an unpaid deposit (neither holds the erasure
    # back), then the erasure
    shopper = _shopper()
    order = deal_join(actor=shopper, deal=make_deal(), quantity=1)
    demand = make_published()
    _participation, deposit = demand_join(actor=shopper, demand=demand, quantity=1)
    _erase(User.objects.get(pk=shopper.pk))
    # when the payment pages, opened before, are used
    for call in (
        lambda: payment_start(
            actor=shopper,
            intent=order.payment_intent,
            provider_name="sandbox",
            device="desktop",
        ),
        lambda: sandbox_payment_submit(actor=shopper, intent=order.payment_intent),
        lambda: sandbox_payment_submit(actor=shopper, intent=deposit),
        lambda: demand_deposit_start(actor=shopper, demand=demand),
    ):
        # then each is refused
        _refused_as_erased(call)
    # and no payment was sent or taken for the erased account
    assert not PaymentIntent.objects.filter(
        payer=shopper, submitted_at__isnull=False
    ).exists()
    assert not PaymentIntent.objects.filter(
        payer=shopper, status=PaymentIntent.Status.SUCCEEDED
    ).exists()
    assert not AuditEntry.objects.filter(action="payments.payment.started").exists()


def join_and_pay_against_the_erasure(*, people: int) -> None:
    """Race each person's erasure against their joining and paying a deal."""
    deal = make_deal(stock=100)
    shoppers = [make_user() for _ in range(people)]
    requests = {shopper.pk: erasure_request(actor=shopper) for shopper in shoppers}

    def join_and_pay(shopper):
        order = deal_join(actor=shopper, deal=deal, quantity=1)
        sandbox_payment_submit(actor=shopper, intent=order.payment_intent)

    calls = []
    for shopper in shoppers:
        calls.append(lambda shopper=shopper: join_and_pay(shopper))
        calls.append(
            lambda shopper=shopper: erasure_perform(
                actor=None, request=requests[shopper.pk]
            )
        )
    outcomes = race(calls)
    # then every call ended in one of the designed ways
    assert set(outcomes) <= {"ok", "account_erased", "erasure_blocked"}
    for shopper in shoppers:
        request = ErasureRequest.objects.get(pk=requests[shopper.pk].pk)
        paid = PaymentIntent.objects.filter(payer=shopper, submitted_at__isnull=False)
        if request.status == ErasureRequest.Status.COMPLETED:
            # erased first (or before paying): nothing was paid by them
            assert not paid.exists()
        else:
            # paid first: the payment holds the erasure back, the person stays
            assert request.status == ErasureRequest.Status.PENDING
            assert paid.count() == 1
            assert User.objects.get(pk=shopper.pk).is_active


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", range(3))
def test_joining_and_paying_while_being_erased_never_pays_for_an_erased_account(
    file_database,  # noqa: F811
    run,
):
    join_and_pay_against_the_erasure(people=4)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_joining_and_paying_while_being_erased_on_postgres():
    join_and_pay_against_the_erasure(people=20)
