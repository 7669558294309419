"""Which offline redemptions of a coupon count: the earliest, by station time.

Stations redeem with no network, so two of them can each hand over the same
units. When their batches arrive, the platform weighs every offline claim on
the coupon (counted ones and those that lost only for lack of units) in the
order of the time the station signed, earliest first, and counts each one
that still fits in the units online redemptions left. The result depends only
on the set of claims, never on the order batches arrive in: a claim imported
first can be superseded (demoted to a conflict, its settlement reversed) by an
earlier one that arrives later, and a claim that lost can be reinstated.

Online redemptions are never demoted: the platform itself confirmed them at
the till, atomically (only online redemption prevents double spending).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from django.db import transaction
from django.db.models import Case, F, Sum, Value, When
from django.utils import timezone

from groupbuy.catalog.models import Branch
from groupbuy.catalog.selectors import branch_closed_at
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import DomainError
from groupbuy.coupons.models import (
    Coupon,
    Redemption,
    RedemptionBatch,
    RedemptionConflict,
)
from groupbuy.coupons.services.redeeming import (
    redeem_coupon,
    settlement_key,
    settles_on_redemption,
    take_units,
)

Reason = RedemptionConflict.Reason


@dataclasses.dataclass
class Claim:
    """One offline redemption a station signed: counted, waiting, or new."""

    nonce: str
    quantity: int
    redeemed_at: datetime
    branch: Branch | None = None
    branch_name: str = ""
    cashier_name: str = ""
    redemption: Redemption | None = None
    conflict: RedemptionConflict | None = None

    @property
    def sort_key(self) -> tuple[datetime, str]:
        return (self.redeemed_at, self.nonce)


def earliest_that_fit(claims: list[Claim], *, units: int) -> set[str]:
    """Return the nonces of the claims that count: earliest first, each one
    that still fits in ``units``."""
    counted = set()
    for claim in sorted(claims, key=lambda claim: claim.sort_key):
        if claim.quantity <= units:
            counted.add(claim.nonce)
            units -= claim.quantity
    return counted


def made_after_its_branch_closed(claim: Claim) -> bool:
    """Return whether ``claim`` was made at a branch that had closed by then.

    A station keeps redeeming with no network, so a claim uploaded after its
    branch closed still counts when the station's signed time is before the
    close (the audit trail's, ``branch_closed_at``). A closed branch with no
    recorded close time counts nothing: the claim waits as a conflict for
    people to settle rather than being paid on a guess.
    """
    branch = claim.branch
    if branch is None:
        return False
    branch = Branch.objects.get(pk=branch.pk)  # as it is now, not as loaded
    if branch.is_active:
        return False
    closed_at = branch_closed_at(branch=branch)
    return closed_at is None or claim.redeemed_at >= closed_at


def claim_place(*, actor, coupon: Coupon, batch: RedemptionBatch, new: Claim) -> bool:
    """Weigh ``new`` with the coupon's other offline claims; return whether it
    counts. Supersedes and reinstates others as the times decide, atomically.

    A later claim whose settlement cannot be reversed (the merchant was already
    paid out) keeps counting; ``new`` is then recorded as a ``paid_out``
    conflict instead, for people to settle (``ledger_refused`` when the ledger
    refused for another cause, see ``refusal_reason``). A claim made at a
    branch that had closed by then is a ``branch_closed`` conflict: the shop is
    not paid for it, but the station handed the goods over, so its units are
    taken off the coupon if it has them left (``holds_units``) and never given
    again.
    """
    with transaction.atomic():
        coupon = Coupon.objects.select_for_update().get(pk=coupon.pk)
        if coupon.status in (Coupon.Status.REVOKED, Coupon.Status.EXPIRED):
            record_conflict(actor, coupon, batch, new, reason=coupon.status)
            return False
        if made_after_its_branch_closed(new):
            record_conflict(
                actor,
                coupon,
                batch,
                new,
                reason=Reason.BRANCH_CLOSED,
                holds_units=take_units(coupon, new.quantity),
            )
            return False
        try:
            with transaction.atomic():
                counted = _rearrange(actor, coupon, batch, new)
        except DomainError as error:
            # Nothing of the rearrangement happened; the new claim waits.
            record_conflict(
                actor,
                coupon,
                batch,
                new,
                reason=refusal_reason(error),
                refusal=error.code,
            )
            return False
        if not counted:
            coupon.refresh_from_db()
            reason = Reason.NOT_ENOUGH_LEFT
            if coupon.remaining_quantity == 0:
                reason = Reason.ALREADY_REDEEMED
            record_conflict(actor, coupon, batch, new, reason=reason)
    return counted


# The ledger's refusal when reversing the later claim's settlement would take
# the shop's payable below zero: its money was already paid out.
PAID_OUT_REFUSALS = frozenset({"insufficient_funds"})


def refusal_reason(error: DomainError) -> str:
    """Return the reason a claim waits for when its rearrangement was refused:
    always one the API document declares (and the column holds).

    The coupon's own refusals (expired, revoked, already redeemed, not enough
    left) are reasons already. The shop's payable too low to take the later
    claim's money back is ``paid_out``; any other refusal of the money
    (a concurrent posting, a key used for another movement) is
    ``ledger_refused``. Either way the later claim keeps counting and this one
    waits for people to settle; the exact code goes to the audit entry.
    """
    if error.code in Reason.values:
        return error.code
    if error.code in PAID_OUT_REFUSALS:
        return Reason.PAID_OUT
    return Reason.LEDGER_REFUSED


def _rearrange(actor, coupon: Coupon, batch, new: Claim) -> bool:
    online = Redemption.objects.filter(
        coupon=coupon, channel=Redemption.Channel.ONLINE
    ).aggregate(units=Sum("quantity"))["units"]
    # Units handed over at a closed branch are gone, as online ones are.
    held = RedemptionConflict.objects.filter(coupon=coupon, holds_units=True).aggregate(
        units=Sum("quantity")
    )["units"]
    counted = [
        _claim_of_redemption(r)
        for r in Redemption.objects.filter(
            coupon=coupon, channel=Redemption.Channel.OFFLINE
        ).select_related("batch")
    ]
    waiting = [
        _claim_of_conflict(c)
        for c in RedemptionConflict.objects.filter(
            coupon=coupon, reason__in=RedemptionConflict.CAPACITY_REASONS
        ).select_related("batch", "branch")
    ]
    winners = earliest_that_fit(
        [*counted, *waiting, new],
        # Units refunded are gone too: no claim may take them.
        units=coupon.quantity - coupon.refunded_quantity - (online or 0) - (held or 0),
    )
    # What supersedes a demoted claim: the new one when it counts (it is
    # what changed), else the earliest claim that counts.
    cause = new if new.nonce in winners else None
    cause = cause or min(
        (c for c in [*counted, *waiting] if c.nonce in winners),
        key=lambda claim: claim.sort_key,
        default=None,
    )
    # Demote first, so the units are free for the claims that now count.
    for claim in counted:
        if claim.nonce not in winners:
            _supersede(actor, claim.redemption, batch, by=cause)
    for claim in sorted(waiting, key=lambda claim: claim.sort_key):
        if claim.nonce in winners:
            _reinstate(actor, coupon, claim.conflict, batch)
    if new.nonce not in winners:
        return False
    _redeem(actor, coupon, batch, new, settlement_round=0)
    return True


def _claim_of_redemption(redemption: Redemption) -> Claim:
    return Claim(
        redemption.nonce,
        redemption.quantity,
        redemption.redeemed_at,
        redemption=redemption,
    )


def _claim_of_conflict(conflict: RedemptionConflict) -> Claim:
    return Claim(
        conflict.nonce,
        conflict.quantity,
        conflict.redeemed_at,
        branch=conflict.branch,
        branch_name=conflict.branch_name,
        cashier_name=conflict.cashier_name,
        conflict=conflict,
    )


def _count(batch: RedemptionBatch, current: RedemptionBatch, **change: int) -> None:
    """Move a batch's counters; the batch being imported keeps them in memory
    (it saves them at the end)."""
    if batch.pk == current.pk:
        for name, delta in change.items():
            setattr(current, name, getattr(current, name) + delta)
        return
    RedemptionBatch.objects.filter(pk=batch.pk).update(
        **{name: F(name) + delta for name, delta in change.items()}
    )


def _redeem(actor, coupon, batch, claim: Claim, *, settlement_round: int):
    coupon.refresh_from_db()
    return redeem_coupon(
        actor=actor,
        coupon=coupon,
        quantity=claim.quantity,
        channel=Redemption.Channel.OFFLINE,
        nonce=claim.nonce,
        redeemed_at=claim.redeemed_at,
        branch=claim.branch,
        cashier_name=claim.cashier_name,
        batch=batch,
        settlement_round=settlement_round,
    )


def _supersede(actor, redemption: Redemption, current, *, by: Claim | None) -> None:
    """Demote a counted offline redemption to a conflict; reverse its money."""
    from groupbuy.escrow.pending import escrow_reverse_redemption

    order = redemption.coupon.order
    if settles_on_redemption(order):
        escrow_reverse_redemption(
            actor=actor,
            order=order,
            settlement_key=settlement_key(redemption),
            idempotency_key=(
                f"coupons.reversal:{redemption.nonce}:{redemption.settlement_round}"
            ),
        )
    Coupon.objects.filter(pk=redemption.coupon_id).update(
        redeemed_quantity=F("redeemed_quantity") - redemption.quantity,
        status=Case(
            When(status=Coupon.Status.REDEEMED, then=Value(Coupon.Status.VALID)),
            default=F("status"),
        ),
    )
    batch = redemption.batch
    data = {
        "redemption": redemption.public_id,
        "nonce": redemption.nonce,
        "quantity": redemption.quantity,
        "amount_fen": redemption.amount_fen,
        "redeemed_at": redemption.redeemed_at.isoformat(),
        "superseded_by": by.nonce if by else None,
    }
    redemption.delete()
    RedemptionConflict.objects.create(
        coupon_id=redemption.coupon_id,
        merchant_id=redemption.coupon.merchant_id,
        batch=batch,
        nonce=redemption.nonce,
        quantity=redemption.quantity,
        branch=redemption.branch,
        branch_name=redemption.branch.name if redemption.branch else "",
        cashier_name=redemption.cashier_name,
        device=batch.device if batch else "",
        reason=Reason.SUPERSEDED,
        redeemed_at=redemption.redeemed_at,
        superseded_at=timezone.now(),
        settlement_rounds=redemption.settlement_round + 1,
    )
    if batch is not None:
        _count(batch, current, accepted=-1, conflicts=1)
    audit_log(
        actor=actor,
        action="coupons.redemption.superseded",
        obj=redemption.coupon,
        data=data,
    )


def _reinstate(actor, coupon, conflict: RedemptionConflict, current) -> None:
    """Count a claim that had lost for lack of units (an earlier one gave way)."""
    claim = _claim_of_conflict(conflict)
    conflict.delete()
    redemption = _redeem(
        actor,
        coupon,
        conflict.batch,
        claim,
        settlement_round=conflict.settlement_rounds,
    )
    _count(conflict.batch, current, accepted=1, conflicts=-1)
    audit_log(
        actor=actor,
        action="coupons.redemption.reinstated",
        obj=coupon,
        data={"redemption": redemption.public_id, "nonce": conflict.nonce},
    )


def record_conflict(
    actor,
    coupon,
    batch,
    claim: Claim,
    *,
    reason: str,
    holds_units: bool = False,
    refusal: str | None = None,
) -> None:
    """Record ``claim`` as a conflict for ``reason``; ``refusal``, the code of
    the error that left it waiting, is kept in the audit entry."""
    RedemptionConflict.objects.create(
        coupon=coupon,
        merchant_id=coupon.merchant_id,
        batch=batch,
        nonce=claim.nonce,
        quantity=claim.quantity,
        branch=claim.branch,
        branch_name=claim.branch_name[:120],
        cashier_name=claim.cashier_name[:80],
        device=batch.device,
        reason=reason,
        redeemed_at=claim.redeemed_at,
        holds_units=holds_units,
    )
    if reason in RedemptionConflict.REFUSED_REASONS:
        batch.rejected += 1
    else:
        batch.conflicts += 1
    audit_log(
        actor=actor,
        action="coupons.redemption.conflict",
        obj=coupon,
        data={
            "batch": batch.public_id,
            "reason": reason,
            "nonce": claim.nonce,
            "quantity": claim.quantity,
            "holds_units": holds_units,
            **({"refusal": refusal} if refusal else {}),
        },
    )
