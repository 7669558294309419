"""How closed deals ended, asked of the order keepers once for a list
(``order_keepers.outcomes_remembered``) and read from the deals after."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.deals import order_keepers
from groupbuy.deals.models import Deal
from groupbuy.deals.order_keepers import OrderKeeper, Outcome

pytestmark = pytest.mark.django_db

ENDED = Outcome(label="Ended: sold in pairs", has_failed=False)


def _keeper(asked: list, *, batch: bool) -> OrderKeeper:
    """A keeper selling the deals whose title starts "kept", noting each ask."""

    def one(deal):
        asked.append([deal.pk])
        return ENDED if deal.title.startswith("kept") else None

    def many(deals):
        asked.append([deal.pk for deal in deals])
        return {deal.pk: ENDED for deal in deals if deal.title.startswith("kept")}

    return OrderKeeper(
        purpose="test.kept",
        deal_closing=lambda **kwargs: None,
        order_leave=lambda **kwargs: None,
        deal_outcome=None if batch else one,
        deal_outcomes=many if batch else None,
    )


def _deals() -> list[Deal]:
    """Two closed deals, one sold by the keeper, and an open one (unsaved)."""
    started = timezone.now() - timedelta(days=1)
    return [
        Deal(pk=1, title="kept one", state=Deal.State.FAILED, starts_at=started),
        Deal(pk=2, title="plain", state=Deal.State.FAILED, starts_at=started),
        Deal(pk=3, title="kept but open", state=Deal.State.OPEN, starts_at=started),
    ]


@pytest.mark.parametrize("batch", [True, False])
def test_a_list_asks_the_keepers_once_and_each_deal_reads_its_answer(
    monkeypatch, batch
):
    # given a keeper answering for many deals at once, or one at a time
    asked = []
    monkeypatch.setattr(
        order_keepers, "_keepers", {"test.kept": _keeper(asked, batch=batch)}
    )
    kept, plain, still_open = _deals()
    # when a list remembers its deals' outcomes and reads their labels
    order_keepers.outcomes_remembered([kept, plain, still_open])
    asked_for_the_list = list(asked)
    labels = [deal.state_label for deal in (kept, plain, still_open)]
    # then the closed deals were asked about, the open one not, and reading
    # the labels asked nothing more
    assert asked_for_the_list == ([[1, 2]] if batch else [[1], [2]])
    assert asked == asked_for_the_list
    assert labels[0] == "Ended: sold in pairs"
    assert (kept.has_failed, plain.has_failed) == (False, True)
    assert still_open.kept_outcome is None


def test_a_deal_not_in_a_list_still_asks_its_keeper(monkeypatch):
    # given a keeper answering for many deals at once
    asked = []
    monkeypatch.setattr(
        order_keepers, "_keepers", {"test.kept": _keeper(asked, batch=True)}
    )
    kept, _plain, _open = _deals()
    # when one deal's outcome is read on its own
    outcome = kept.kept_outcome
    # then its keeper was asked for that deal
    assert (outcome, asked) == (ENDED, [[1]])
