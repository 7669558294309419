"""What demands exports about a person and cuts out on erasure."""

import pytest

from groupbuy.demands import services
from groupbuy.demands.models import Participation
from groupbuy.demands.personal_data import DemandsPersonalData
from groupbuy.demands.tests.factories import (
    assert_ledger_sound,
    join_and_pay,
    make_offer,
    make_published,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_erasure_cuts_the_person_out_of_an_accepted_demand_and_its_deal():
    # given an accepted demand whose words name its initiator
    initiator = make_user(display_name="Mei Ling")
    demand = make_published(
        initiator=initiator,
        title="Mei Ling wants kefir",
        description=f"Call {initiator.phone}",
    )
    join_and_pay(demand)
    demand = services.offer_accept(
        actor=initiator, offer=make_offer(demand, quantity=20)
    )
    assert initiator.phone in demand.deal.description

    # when demands erases its part
    DemandsPersonalData().erase(initiator)

    # then the demand and the deal made from it no longer name the person
    demand.refresh_from_db()
    demand.deal.refresh_from_db()
    assert demand.title == "[erased] wants kefir"
    assert initiator.phone not in demand.description
    assert initiator.phone not in demand.deal.description
    assert {"mei", "ling"}.isdisjoint(demand.search_text.split())
    # and the deposits are untouched money records
    assert Participation.objects.filter(demand=demand).count() == 2
    assert_ledger_sound()


def test_the_export_is_the_persons_own():
    first, second = make_user(), make_user()
    mine = make_published(initiator=first, title="Oat milk")
    join_and_pay(mine, second)

    exported = DemandsPersonalData().export(second).records

    assert exported["demands"] == []
    [participation] = exported["participations"]
    assert (participation["demand"], participation["is_initiator"]) == (
        mine.public_id,
        False,
    )


def test_erasure_cancels_the_persons_open_demand_and_gives_every_deposit_back():
    # given a published demand another shopper joined with a deposit
    from groupbuy.demands.models import Demand
    from groupbuy.notify.models import Notification

    initiator = make_user(display_name="Mei Ling")
    demand = make_published(initiator=initiator, title="Mei Ling wants kefir")
    joiner = make_user()
    join_and_pay(demand, joiner)
    accepted = make_published(initiator=initiator, title="Accepted one")
    accepted = services.offer_accept(
        actor=initiator, offer=make_offer(accepted, quantity=20)
    )

    # when demands erases its part
    DemandsPersonalData().erase(initiator)

    # then no offer could ever be accepted for it, so it is cancelled and the
    # deposits go back; an accepted demand is history and stays
    demand.refresh_from_db()
    assert demand.state == Demand.State.CANCELLED
    assert set(demand.participations.values_list("status", flat=True)) == {
        Participation.Status.REFUNDED
    }
    accepted.refresh_from_db()
    assert accepted.state == Demand.State.ACCEPTED
    # and the joiner is told, without the initiator's name
    [told] = Notification.objects.filter(recipient=joiner, kind="demands.closed")
    assert "Mei Ling" not in f"{told.title} {told.body}"
    assert_ledger_sound()
