"""Joining a deal and paying for the order (cancelling: ``cancelling``).

``deal_join`` is one short transaction: the payment intent and the order are
written first (the order insert sits under a unique constraint: one live order
per shopper and deal), and a conditional UPDATE reserves the units last (never
oversold: the database checks ``sold + n <= stock`` as it writes, and
PostgreSQL re-checks after waiting for the row lock), so the deal's row lock is
held only from that UPDATE to the commit.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.accounts.services.payers import payer_lock
from groupbuy.catalog.selectors import branch_open_locked
from groupbuy.clock.services import late_by_ms
from groupbuy.core.audit import audit_log
from groupbuy.core.compiled import CompiledUpdate, insert
from groupbuy.core.errors import Conflict, Forbidden
from groupbuy.core.ids import new_public_id
from groupbuy.core.times import format_local_time
from groupbuy.core.transactions import after_commit
from groupbuy.deals import lock_timing, notifications
from groupbuy.deals.errors import (
    DealError,
    branch_closed_refusal,
    invalid_pickup_branch,
)
from groupbuy.deals.join_guards import check_join_allowed
from groupbuy.deals.links import order_page_url
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.pricing import highest_price_fen
from groupbuy.deals.services.common import (
    State,
    Status,
    push_progress_on_commit,
)
from groupbuy.deals.services.payments import (
    ORDER_PURPOSE,
    captured_fen,
)
from groupbuy.escrow.services import payment_intent_create


def _check_quantity(deal: Deal, quantity) -> None:
    limit = deal.max_quantity_per_order
    is_whole = isinstance(quantity, int) and not isinstance(quantity, bool)
    if not is_whole or quantity < 1 or quantity > limit:
        raise DealError(
            "invalid_quantity",
            ngettext(
                "Choose between 1 and %(limit)s unit.",
                "Choose between 1 and %(limit)s units.",
                limit,
            )
            % {"limit": limit},
            fields={"quantity": [_("Between 1 and %(limit)s.") % {"limit": limit}]},
        )


def _check_pickup_branch(deal: Deal, branch) -> None:
    if branch is None:
        return
    if branch.merchant_id != deal.merchant_id:
        raise invalid_pickup_branch()
    if not branch.is_active:
        raise branch_closed_refusal(branch)


def lock_pickup_branch(branch) -> None:
    """Lock ``branch`` until the join commits and refuse it if it has closed.

    Taken after the deal's stock UPDATE (deal, then branch, as ``deal_open``
    locks them); see ``catalog.selectors.branch_open_locked``.
    """
    if not branch_open_locked(branch):
        raise branch_closed_refusal(branch)


def _closed_refusal(deal: Deal, *, now) -> DealError:
    """A closed deal's refusal; past its deadline the JSON says by how much.

    The message stays short: the deal page shows it for as long as the deal
    is shown, when "passed 259200000 ms ago" would only be noise. A deal
    closed early (sold out) has no lateness to state.
    """
    late = late_by_ms(deal.deadline_at, now=now)
    return Conflict(
        "deal_closed",
        _("This group buy has closed."),
        extra={"late_by_ms": late} if late else None,
    )


def join_refusal(deal: Deal, *, quantity: int, now) -> DealError | None:
    """Return why ``quantity`` units of ``deal`` cannot be joined at ``now``."""
    if deal.state == State.DRAFT:
        return Conflict("not_started", _("This group buy has not opened yet."))
    if deal.state != State.OPEN:
        return _closed_refusal(deal, now=now)
    if now < deal.starts_at:
        return Conflict(
            "not_started",
            _("This group buy starts at %(start)s.")
            % {"start": format_local_time(deal.starts_at)},
        )
    if now >= deal.deadline_at:
        late = late_by_ms(deal.deadline_at, now=now)
        return Conflict(
            "deadline_passed",
            _(
                "The deadline for this group buy passed %(ms)s ms ago "
                "(by the server's clock)."
            )
            % {"ms": late},
            extra={"late_by_ms": late},
        )
    if deal.sold + quantity > deal.stock:
        left = max(0, deal.stock - deal.sold)
        message = (
            _("Sold out.")
            if left == 0
            else _("Only %(left)s left; choose a smaller quantity.") % {"left": left}
        )
        return Conflict("sold_out", message, fields={"quantity": [message]})
    left_for_buyer = units_left_for_next_buyer(deal)
    if quantity > left_for_buyer:
        message = ngettext(
            "Only %(left)s unit is left for you, so that enough buyers can "
            "still join to reach the first tier; choose a smaller quantity.",
            "Only %(left)s units are left for you, so that enough buyers can "
            "still join to reach the first tier; choose a smaller quantity.",
            left_for_buyer,
        ) % {"left": left_for_buyer}
        return Conflict("kept_for_buyers", message, fields={"quantity": [message]})
    return None


def first_tier_buyers(deal: Deal) -> int:
    return min(tier.min_participants for tier in deal.tiers.all())


def units_left_for_next_buyer(deal: Deal) -> int:
    """Return the most units one more buyer may take while leaving a unit for
    each buyer still needed to reach the first tier."""
    still_needed_after = max(0, first_tier_buyers(deal) - deal.buyers - 1)
    return max(0, deal.stock - deal.sold - still_needed_after)


def _take_stock(*, pk: int, now, quantity: int, first: int, first_less_one: int):
    # sold + quantity + (first - buyers - 1) <= stock, unless buyers + 1 >= first:
    # room is left for the buyers the first tier still needs.
    room = Q(buyers__gte=first_less_one) | Q(
        sold__lte=F("stock") - quantity - first + 1 + F("buyers")
    )
    taking = Deal.objects.filter(
        room,
        pk=pk,
        state=State.OPEN,
        starts_at__lte=now,
        deadline_at__gt=now,
        sold__lte=F("stock") - quantity,
    )
    return taking, {
        "sold": F("sold") + quantity,
        "buyers": F("buyers") + 1,
        "updated_at": now,
    }


# The stock UPDATE, built once per process (groupbuy.core.compiled: the ORM
# spent more CPU building it than PostgreSQL running it); pinned to
# ``_take_stock`` by deals/tests/test_join_compiled.py.
_TAKE_STOCK = CompiledUpdate(
    _take_stock, pk=int, now=datetime, quantity=int, first=int, first_less_one=int
)


def _reserve(deal: Deal, *, quantity: int, now) -> None:
    first = first_tier_buyers(deal)
    for _attempt in range(3):
        reserved = _TAKE_STOCK(
            pk=deal.pk,
            now=now,
            quantity=quantity,
            first=first,
            first_less_one=first - 1,
        )
        if reserved:
            return
        refusal = join_refusal(Deal.objects.get(pk=deal.pk), quantity=quantity, now=now)
        if refusal is not None:
            raise refusal
        # Someone released stock between our UPDATE and our look: try again.
    raise Conflict("sold_out", _("Sold out."))


def deal_join(*, actor, deal: Deal, quantity: int, pickup_branch=None) -> DealOrder:
    """Reserve ``quantity`` units for ``actor`` and create the payment to make.

    The order waits for payment of quantity × the first tier's price (the most
    a unit can cost); the difference to the final price is refunded at close.

    The payer's row is locked first (``payer_lock``: an erasure waits for the
    join, or the join finds the account erased). The deal's row is touched
    last: the payment intent, the order and their audit rows are written
    first (no lock on the deal), then the conditional UPDATE takes the stock
    and the deal's row lock, which the commit right after lets go; only the
    pickup branch's lock comes after it (``lock_pickup_branch``). When the
    stock is gone the UPDATE matches nothing and the whole transaction rolls
    back, so no order outlives a refused reservation.

    ``pickup_branch`` (optional) is one of the merchant's active branches; one
    closed by the time the join commits is refused (``branch_closed``).
    """
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden("forbidden", _("Please sign in first."))
    check_join_allowed(actor=actor, deal=deal)
    _check_quantity(deal, quantity)
    _check_pickup_branch(deal, pickup_branch)
    prefetch_related_objects([deal], "tiers")  # one read, used three times
    unit_price_cap_fen = highest_price_fen(list(deal.tiers.all()))
    order = DealOrder(
        public_id=new_public_id("ord"),
        deal=deal,
        shopper=actor,
        quantity=quantity,
        unit_price_cap_fen=unit_price_cap_fen,
        amount_fen=quantity * unit_price_cap_fen,
        pickup_branch=pickup_branch,
    )
    try:
        with transaction.atomic():
            # The payer's row first (accounts.services.payers: erasure waits).
            payer_lock(user=actor)
            now = timezone.now()
            order.joined_at = now
            order.payment_intent = payment_intent_create(
                actor=actor,
                payer=actor,
                amount_fen=order.amount_fen,
                purpose=ORDER_PURPOSE,
                reference=order.public_id,
                description=f"{quantity} × {deal.title}",
                return_url=order_page_url(order),
            )
            # The unique live-order constraint is checked here, before the
            # deal's lock is taken; a second join rolls back without waiting.
            insert(order)  # order.save(force_insert=True), compiled once
            audit_log(
                actor=actor,
                action="deals.order.joined",
                obj=order,
                data={
                    "deal": deal.public_id,
                    "quantity": quantity,
                    "amount_fen": order.amount_fen,
                    "joined_at": now.isoformat(),
                    "pickup_branch": getattr(pickup_branch, "public_id", None),
                },
            )
            _reserve(deal, quantity=quantity, now=now)
            lock_timing.note_stock_taken()  # held from here to the commit
            if pickup_branch is not None:
                lock_pickup_branch(pickup_branch)
            push_progress_on_commit(deal)
    except IntegrityError:
        raise Conflict(
            "already_joined", _("You have already joined this group buy.")
        ) from None
    return order


def order_payment_captured(*, intent) -> bool:
    """Capture handler for ``deals.order``: mark the order paid, or decline.

    An order paid by several intents (a deposit, then the rest) becomes paid
    when their captured amounts cover it; until then each is kept. Declining
    (the order was cancelled while its payer paid, or is already paid) makes
    escrow refund the payment in full. Runs inside escrow's capture transaction,
    holding the intent's lock, so it takes no deal lock.
    """
    order = DealOrder.objects.filter(public_id=intent.reference).first()
    if order is None or order.status != Status.PENDING_PAYMENT:
        return False
    if captured_fen(order) < order.amount_fen:
        return True
    now = timezone.now()
    paid = DealOrder.objects.filter(pk=order.pk, status=Status.PENDING_PAYMENT).update(
        status=Status.PAID, paid_at=now, updated_at=now
    )
    if not paid:
        return False
    mark_paid_effects(order_public_id=order.public_id, intent=intent)
    return True


def mark_paid_effects(*, order_public_id: str, intent) -> None:
    order = DealOrder.objects.select_related("deal", "shopper").get(
        public_id=order_public_id
    )
    audit_log(
        actor=None,
        action="deals.order.paid",
        obj=order,
        data={"amount_fen": order.amount_fen, "intent": intent.public_id},
    )
    notifications.notify_order_paid(
        order,
        paid_fen=intent.amount_fen,
        earlier_fen=max(0, captured_fen(order) - intent.amount_fen),
        # Only more buyers lower the price: a one-tier deal, or one whose units
        # are all taken, promises nothing.
        price_may_drop=order.deal.sold < order.deal.stock
        and order.deal.tiers.count() > 1,
    )
    push_progress_on_commit(order.deal)
    # Owners hear of a new tier before the sold-out close may end the deal.
    after_commit(_tell_owners_of_tier_later, order.deal.public_id)
    after_commit(_close_if_sold_out_later, order.deal.public_id)


def _tell_owners_of_tier_later(deal_public_id: str) -> None:
    from groupbuy.deals.tasks import deal_tier_reached_task

    deal_tier_reached_task(deal_public_id)


def _close_if_sold_out_later(deal_public_id: str) -> None:
    from groupbuy.deals.tasks import deal_close_task

    deal_close_task(deal_public_id)
