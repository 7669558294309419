"""Orders of a deal whose money another app keeps (an extension point).

An app that sells a deal its own way (the teams app) creates the deal's orders
but takes their payments under its own payment purpose, so escrow holds their
money for that app, not for ``deals.order``. Were the deals app to close,
settle, cancel or refund such an order itself it would find none of its
intents and mark the order refunded with the money still held. So the app
registers an ``OrderKeeper`` from its ``AppConfig.ready()`` and the deals app

- leaves every order paid through the keeper's purpose out of closing,
  settling and the tier count;
- calls ``deal_closing(actor=, deal=, now=, stopping=, stop=)`` before it
  takes the row lock of a deal it is about to close (the keeper takes its own
  locks in its own order): the keeper decides, refunds or cancels every live
  order it keeps; ``stopping`` is the deal closing as failed whatever its
  orders (refund everything unfinished), otherwise the deadline passed or an
  operator closed it early; ``stop``, when someone stopped it, says who and
  why (``closing.Stop``: ``by``, a ``Deal.StoppedBy``, and ``reason``, their
  words), for the keeper to tell its shoppers as the deals app tells its own
  (the deal row gets them only once it is closed, after the keepers);
- asks ``deal_outcome(deal)`` how a closed deal ended, for the label people
  read (``Deal.state_label``): an ``Outcome(label, has_failed)`` or None (the
  deals app's own label: a team deal's row closes "failed" because no order
  of its own was paid); a list of deals asks ``deal_outcomes(deals)`` once
  for the lot instead (``{deal pk: Outcome}`` for those it sells, one query:
  ``outcomes_remembered`` keeps the answers on the deals it shows);
- asks ``deals_not_failed()`` for a ``Q`` over deals matching the closed deals it
  sells whose outcome is not a failure (``Outcome.has_failed`` false), so that the
  merchant's lists filter on ``Deal.shown_state`` as its label reads;
- asks ``sales(deals)`` how the deals it sells are selling where the deal row
  does not say (``{deal pk: Sales(ends_at, sold, stock)}``, for deal cards and
  the consoles): a team deal's row closes an hour after its sales end, so teams
  are decided first, and the units teams take come out of the team deal's own
  stock, not the row's (whose ``sold`` would close the deal once every unit
  was taken, teams still forming);
- hands a shopper's cancellation, a merchant's refund and the payment
  window's expiry of a kept order to ``order_leave(actor=, order=, reason=,
  refund=)`` (``refund=False``: only an unpaid order leaves), which returns the
  order as it stands, and asks ``leave_refusals(orders, now=)`` whether the
  shoppers of orders it keeps may leave now (``{order pk: an error, or None}``,
  one query for the lot: My orders asks for a whole page at once), after the
  deals app's own rules (the order awaiting payment or paid, the deal open, its
  deadline ahead): what the order page, the cancel page and the API's
  ``can_cancel`` go by, so that an order the keeper would not let go (a team
  place whose team is complete) is never offered a cancel that changes nothing;
- hands paying again for a kept order whose payment was declined (the order
  page's "Try again", ``POST /api/deals/orders/{id}/pay-again``) to
  ``payment_retry(actor=, order=)``, which returns the order with its new
  payment, and asks ``payment_retry_refusal(order, now=)`` whether it may (an
  error, or None); a keeper without them refuses (``not_payable``). The deals
  app's own retry would pay the order through ``deals.order``, whose capture
  marks the order paid and leaves the keeper's place unpaid.

Every callable must be safe to repeat: the deals app may call it again (a
retried job, a second stop).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Outcome:
    label: str
    has_failed: bool


@dataclass(frozen=True)
class Sales:
    ends_at: datetime
    sold: int
    stock: int
    # Said by the app that sells the deal (a team buy); False: the deal row's own.
    is_kept: bool = True

    @property
    def units_left(self) -> int:
        return max(0, self.stock - self.sold)


@dataclass(frozen=True)
class OrderKeeper:
    purpose: str
    deal_closing: Callable[..., None]
    order_leave: Callable[..., object]
    deal_outcome: Callable[..., Outcome | None] | None = None
    deal_outcomes: Callable[..., dict] | None = None
    sales: Callable[..., dict] | None = None
    payment_retry_refusal: Callable[..., object] | None = None
    leave_refusals: Callable[..., dict] | None = None
    payment_retry: Callable[..., object] | None = None
    deals_not_failed: Callable[[], object] | None = None


_keepers: dict[str, OrderKeeper] = {}


def register_order_keeper(keeper: OrderKeeper) -> None:
    _keepers[keeper.purpose] = keeper


def kept_purposes() -> list[str]:
    return list(_keepers)


def exclude_kept(orders):
    """Filter a DealOrder queryset to the orders the deals app holds."""
    if not _keepers:
        return orders
    return orders.exclude(payment_intent__purpose__in=kept_purposes())


def keeper_for(order) -> OrderKeeper | None:
    """Return the keeper of ``order``'s money, None if the deals app holds it."""
    if not _keepers or order.payment_intent_id is None:
        return None
    from groupbuy.deals.models import DealOrder
    from groupbuy.escrow.models import PaymentIntent

    if DealOrder.payment_intent.is_cached(order):  # read with the order already
        return _keepers.get(order.payment_intent.purpose)
    purpose = (
        PaymentIntent.objects.filter(pk=order.payment_intent_id)
        .values_list("purpose", flat=True)
        .first()
    )
    return _keepers.get(purpose)


def run_deal_closing(*, actor, deal, now, stopping: bool, stop=None) -> None:
    for keeper in list(_keepers.values()):
        keeper.deal_closing(
            actor=actor, deal=deal, now=now, stopping=stopping, stop=stop
        )


def deal_outcome(deal) -> Outcome | None:
    """Return how a keeper says ``deal`` ended, None if no keeper sells it."""
    for keeper in list(_keepers.values()):
        if keeper.deal_outcome is not None:
            outcome = keeper.deal_outcome(deal)
        elif keeper.deal_outcomes is not None:
            outcome = keeper.deal_outcomes([deal]).get(deal.pk)
        else:
            continue
        if outcome is not None:
            return outcome
    return None


def deal_outcomes(deals) -> dict[int, Outcome]:
    """Return ``{deal pk: Outcome}`` for the deals among ``deals`` a keeper
    sells and says how they ended; the others are left out. One query a
    keeper that answers for many at once."""
    outcomes: dict[int, Outcome] = {}
    for keeper in list(_keepers.values()):
        left = [deal for deal in deals if deal.pk not in outcomes]
        if not left:
            break
        if keeper.deal_outcomes is not None:
            outcomes.update(keeper.deal_outcomes(left))
        elif keeper.deal_outcome is not None:
            for deal in left:
                if (outcome := keeper.deal_outcome(deal)) is not None:
                    outcomes[deal.pk] = outcome
    return outcomes


def outcomes_remembered(deals):
    """Ask the keepers once how each closed deal among ``deals`` ended and keep
    the answer on the deal, which ``Deal.kept_outcome`` then reads instead of
    asking again: a list of closed deals read one query or more a deal (its
    label, whether it failed). Return ``deals``."""
    from groupbuy.deals.models import Deal

    unopened = (Deal.State.DRAFT, Deal.State.OPEN)
    closed = [deal for deal in deals if deal.state not in unopened]
    outcomes = deal_outcomes(closed) if closed else {}
    for deal in closed:
        deal.remember_kept_outcome(outcomes.get(deal.pk))
    return deals


def kept_deals_not_failed():
    """Return a ``Q`` over deals matching those a keeper sells that did not fail
    (``Outcome.has_failed`` false), or None when no keeper says."""
    found = None
    for keeper in list(_keepers.values()):
        if keeper.deals_not_failed is not None:
            q = keeper.deals_not_failed()
            found = q if found is None else found | q
    return found


def kept_sales(deals) -> dict[int, Sales]:
    """Return ``{deal pk: Sales}`` for the deals among ``deals`` a keeper sells;
    the others are left out (their row says how they sell)."""
    sales: dict[int, Sales] = {}
    for keeper in list(_keepers.values()):
        if keeper.sales is not None and deals:
            sales.update(keeper.sales(deals))
    return sales


def sales_of(deals) -> dict[int, Sales]:
    """Return ``{deal pk: Sales}`` for every deal among ``deals``: what its keeper
    says, else its row's own deadline, units sold and stock. What every page,
    answer and push that shows how a deal sells reads, one query a keeper."""
    kept = kept_sales(deals)
    return {
        deal.pk: kept.get(deal.pk)
        or Sales(
            ends_at=deal.deadline_at, sold=deal.sold, stock=deal.stock, is_kept=False
        )
        for deal in deals
    }
