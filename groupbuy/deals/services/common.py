"""Helpers every deals service shares: permissions, locks, stock, pushes, links.

Lock order (PostgreSQL waits on row locks; a shared order means no deadlock):
the deal row, then payment intents (``escrow.services.payment_intents_lock``, pk
order), then orders (pk order), then ledger accounts (taken by escrow last).
A capture callback enters at the intent, so it never waits on a deal row.
"""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.selectors import user_membership_for
from groupbuy.core.errors import Conflict, Forbidden
from groupbuy.core.transactions import after_commit
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.progress import progress_push
from groupbuy.deals.services.payments import ORDER_PURPOSE
from groupbuy.realtime.publish import publish_to_deal

__all__ = ["ORDER_PURPOSE"]

State = Deal.State
Status = DealOrder.Status
Reason = DealOrder.CancelReason


def check_can_manage(*, actor, merchant) -> None:
    """Allow operators and the merchant's owners; ``None`` is the system itself."""
    if actor is None or getattr(actor, "is_staff", False):
        return
    membership = user_membership_for(user=actor, merchant_id=merchant.pk)
    if membership is not None and membership.role == MerchantMembership.Role.OWNER:
        return
    raise Forbidden(
        "forbidden", _("Only this merchant's owners can manage its group buys.")
    )


def check_is_operator(*, actor) -> None:
    if actor is None or getattr(actor, "is_staff", False):
        return
    raise Forbidden("forbidden", _("Only platform operators can do this."))


def check_sold_here(deal: Deal) -> None:
    """Refuse to change the stock or deadline of a deal another app sells (a
    team buy): its units come out of that app's stock and its sales end on that
    app's clock, so the row's would change nothing a buyer sees, or close the
    deal before its teams are decided."""
    from groupbuy.deals.order_keepers import kept_sales

    if kept_sales([deal]):
        raise Conflict(
            "sold_in_teams",
            _(
                "This group buy sells in teams: add stock or sell for longer on "
                "its teams page."
            ),
        )


def lock_deal(deal: Deal) -> Deal:
    """Return a fresh copy of ``deal``, locked until the transaction ends."""
    return (
        Deal.objects.select_for_update(of=("self",))
        .select_related("merchant")
        .get(pk=deal.pk)
    )


def release_stock(*, deal: Deal, quantity: int) -> None:
    """Give back one leaving order's units (and its place among the buyers)."""
    Deal.objects.filter(pk=deal.pk, sold__gte=quantity, buyers__gte=1).update(
        sold=F("sold") - quantity, buyers=F("buyers") - 1
    )


def _publish_progress(deal_public_id: str) -> None:
    from groupbuy.deals.selectors import deal_progress

    snapshot = deal_progress(deal_public_id=deal_public_id)
    if snapshot is not None:
        publish_to_deal(deal_public_id, {"type": "deal.progress", **snapshot})


def _publish_deadline(deal_public_id: str, deadline_at, reason: str) -> None:
    from groupbuy.clock.services import deadline_event

    # Built at send time: clients judge lateness by its ``sent_ms``.
    publish_to_deal(
        deal_public_id,
        deadline_event(deal_id=deal_public_id, deadline=deadline_at, reason=reason),
    )


def push_deadline_on_commit(deal: Deal, *, reason: str, deadline_at=None) -> None:
    """Send every watcher the deal's new deadline (clock's deadline event), so
    open countdowns move; nothing is sent if the transaction rolls back.

    ``deadline_at`` is the moment the countdowns show when it is not the row's
    (a team buy's end of sales)."""
    after_commit(
        _publish_deadline, deal.public_id, deadline_at or deal.deadline_at, reason
    )


def announce_deadline_moved(
    *, deal: Deal, actor, previous_deadline_at, shown_deadline_at=None
) -> None:
    """After a deal's deadline moved (saved, inside the transaction): tell the
    receivers of ``deal_deadline_changed``, close the deal at its new deadline
    (the job at the old one finds it not due and does nothing), and move every
    watcher's countdown to ``shown_deadline_at`` (default: the deadline), all
    after commit."""
    from groupbuy.deals.services.setup import schedule_close_at_deadline
    from groupbuy.deals.signals import deal_deadline_changed

    deal_deadline_changed.send(
        sender=Deal,
        deal=deal,
        actor=actor,
        previous_deadline_at=previous_deadline_at,
        deadline_at=deal.deadline_at,
    )
    if deal.state == State.OPEN:
        after_commit(schedule_close_at_deadline, deal.public_id, deal.deadline_at)
    later = deal.deadline_at > previous_deadline_at
    push_deadline_on_commit(
        deal,
        reason="extended" if later else "brought_forward",
        deadline_at=shown_deadline_at,
    )


def push_progress_on_commit(deal: Deal) -> None:
    """Send every watcher the deal's progress as committed (read after commit),
    coalesced to a few pushes a second (``groupbuy.deals.progress``)."""
    after_commit(progress_push, deal.public_id, send=_publish_progress)
