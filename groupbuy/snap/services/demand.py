"""Demand signals: the patent's counter, the operator prompt, the launch notice.

CN102880974A claim 2: when a snapped product has no group buy, the server
creates a counter for it at 0 (first request) or adds 1 (each further one);
past a threshold the operator is prompted to launch one; once launched, every
client that snapped the product is told. Here a request is a signed-in person,
so one person's repeated snaps count once, and "passes the threshold" means
the counter has reached it: with threshold 5, the sixth distinct person's snap
(counter 5) prompts the operators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from groupbuy.catalog.models import Product
from groupbuy.catalog.selectors import category_demand_threshold, product_name_lazy
from groupbuy.core.audit import audit_log
from groupbuy.notify.services import notification_enqueue
from groupbuy.snap import deal_lookup
from groupbuy.snap.models import DemandRequest, DemandSignal, Snap


@dataclass(frozen=True)
class DemandOutcome:
    """What recording a request did, for the snap answer and the tests."""

    signal: DemandSignal
    is_new_requester: bool
    threshold: int

    @property
    def count(self) -> int:
        return self.signal.count


class _DealIsOpen(Exception):
    """Raised inside the transaction to undo a signal created too late."""


def threshold_is_passed(*, count: int, threshold: int) -> bool:
    return count >= threshold


def demand_record(
    *,
    actor,
    product: Product,
    snap: Snap | None = None,
    snapped_at: datetime | None = None,
) -> DemandOutcome | None:
    """Count ``actor`` as asking for ``product``, which has no open deal.

    Return None (and count nothing) for anonymous actors and when a deal for the
    product is open. Safe to call concurrently: the first request creates the
    counter at 0 under a unique constraint, each further distinct person adds 1
    with an atomic increment, and a repeat by the same person only moves their
    last-snapped time.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    snapped_at = snapped_at or timezone.now()
    try:
        with transaction.atomic():
            signal, is_new_signal = _open_signal_locked(product, snapped_at)
            # Checked after taking the signal's lock: deal_opened's receiver takes
            # the same lock, so a request either lands before the launch (and is
            # notified) or sees the open deal (and is not counted).
            if deal_lookup.product_has_open_deal(product):
                raise _DealIsOpen
            is_new_requester = _request_upsert(signal, actor, snap, snapped_at)
            if is_new_requester and not is_new_signal:
                DemandSignal.objects.filter(pk=signal.pk).update(
                    count=F("count") + 1,
                    last_requested_at=Greatest(F("last_requested_at"), snapped_at),
                )
                signal.refresh_from_db(fields=["count", "last_requested_at"])
            if is_new_requester:
                audit_log(
                    actor=actor,
                    action="snap.demand.requested",
                    obj=signal,
                    data={"product": product.public_id, "count": signal.count},
                )
            threshold = category_demand_threshold(category=product.category)
            if threshold_is_passed(count=signal.count, threshold=threshold):
                _alert_operators_once(signal, product, threshold)
    except _DealIsOpen:
        return None
    return DemandOutcome(
        signal=signal, is_new_requester=is_new_requester, threshold=threshold
    )


def demand_withdraw_snap(*, actor, snap: Snap, signal_id: str) -> None:
    """Take back what ``snap`` counted into the signal ``signal_id``: the snap
    turned out not to show its product (its taker named another).

    The person's request goes when this was its only snap, and the counter
    counts one person fewer (see ``_request_take_back``); a request with other
    snaps counts one snap fewer. A signal a deal has fulfilled since is
    history: left as it was.
    """
    if snap.user_id is None:
        return
    with transaction.atomic():
        signal = (
            DemandSignal.objects.select_for_update()
            .filter(public_id=signal_id, fulfilled_at__isnull=True)
            .first()
        )
        request = (
            DemandRequest.objects.filter(signal=signal, user_id=snap.user_id).first()
            if signal is not None
            else None
        )
        if request is None:
            return
        if request.snap_count > 1:
            DemandRequest.objects.filter(pk=request.pk).update(
                snap_count=F("snap_count") - 1
            )
            return
        _request_take_back(signal, request)
        audit_log(
            actor=actor,
            action="snap.demand.withdrawn",
            obj=snap,
            data={"signal": signal_id},
        )


def demand_requests_erase(*, user) -> None:
    """Delete every request of ``user``, whose account is being erased: the
    signals still open count them no more; a fulfilled one keeps its count,
    which is history."""
    with transaction.atomic():
        for request in DemandRequest.objects.filter(user=user):
            signal = DemandSignal.objects.select_for_update().get(pk=request.signal_id)
            if signal.fulfilled_at is None:
                _request_take_back(signal, request)
            else:
                request.delete()


def _request_take_back(signal: DemandSignal, request: DemandRequest) -> None:
    """Remove ``request`` from its open ``signal`` (locked by the caller): the
    counter counts one person fewer, and a signal nobody else asks for goes
    with it. A signal that falls back under its threshold no longer waits for a
    deal past it (the operators' alert, once sent, stays in their inboxes)."""
    request.delete()
    if not signal.requests.exists():
        signal.delete()
        return
    count = max(signal.count - 1, 0)
    changes: dict = {"count": count}
    threshold = category_demand_threshold(category=signal.product.category)
    if signal.threshold_passed_at is not None and not threshold_is_passed(
        count=count, threshold=threshold
    ):
        changes["threshold_passed_at"] = None
    DemandSignal.objects.filter(pk=signal.pk).update(**changes)


def demand_thresholds_apply() -> dict[str, int]:
    """Bring every signal waiting for a deal in line with its product's
    threshold now: one that a lowered threshold (or a move to another
    category) has reached is marked and alerted as if the last person had just
    asked; one that a raised threshold puts out of reach waits past it no more.
    Return how many passed and how many fell back."""
    thresholds: dict[int | None, int] = {}
    changed = {"passed": 0, "fell_back": 0}
    waiting = DemandSignal.objects.filter(fulfilled_at__isnull=True)
    for signal in waiting.select_related("product__category").iterator():
        category = signal.product.category
        key = category.pk if category else None
        if key not in thresholds:
            thresholds[key] = category_demand_threshold(category=category)
        threshold = thresholds[key]
        passed = threshold_is_passed(count=signal.count, threshold=threshold)
        if passed == (signal.threshold_passed_at is not None):
            continue
        with transaction.atomic():
            locked = waiting.select_for_update().filter(pk=signal.pk).first()
            if locked is None:
                continue
            if threshold_is_passed(count=locked.count, threshold=threshold):
                if locked.threshold_passed_at is None:
                    _alert_operators_once(locked, signal.product, threshold)
                    changed["passed"] += 1
            elif locked.threshold_passed_at is not None:
                waiting.filter(pk=locked.pk).update(threshold_passed_at=None)
                changed["fell_back"] += 1
                audit_log(
                    actor=None,
                    action="snap.demand.under_threshold",
                    obj=locked,
                    data={"count": locked.count, "threshold": threshold},
                )
    return changed


def _open_signal_locked(
    product: Product, snapped_at: datetime
) -> tuple[DemandSignal, bool]:
    """Return the product's unfulfilled signal, locked, creating it at 0."""
    open_signals = DemandSignal.objects.select_for_update().filter(
        product=product, fulfilled_at__isnull=True
    )
    signal = open_signals.first()
    if signal is not None:
        return signal, False
    try:
        with transaction.atomic():
            signal = DemandSignal.objects.create(
                product=product,
                count=0,
                created_at=snapped_at,
                last_requested_at=snapped_at,
            )
        return signal, True
    except IntegrityError:
        # Another person's first snap created it a moment ago: count into it.
        return open_signals.get(), False


def _request_upsert(
    signal: DemandSignal, actor, snap: Snap | None, snapped_at: datetime
) -> bool:
    """Record the person's snap; return True when they were not counted yet."""
    request, created = DemandRequest.objects.get_or_create(
        signal=signal,
        user=actor,
        defaults={
            "first_snap": snap,
            "first_snapped_at": snapped_at,
            "last_snapped_at": snapped_at,
        },
    )
    if not created:
        DemandRequest.objects.filter(pk=request.pk).update(
            snap_count=F("snap_count") + 1,
            last_snapped_at=Greatest(F("last_snapped_at"), snapped_at),
        )
    return created


def _alert_operators_once(
    signal: DemandSignal, product: Product, threshold: int
) -> None:
    """Mark ``signal`` (locked by the caller) as past its threshold, and tell
    the operators the first time only: a signal that a correction or an
    erasure took back under its threshold and that passes it again waits for
    a deal again, but its alert is already in their inboxes."""
    # Conditional updates, not the values read: on SQLite the lock is the
    # write itself, so two requests may both have read "not passed".
    now = timezone.now()
    this_signal = DemandSignal.objects.filter(pk=signal.pk)
    if not this_signal.filter(threshold_passed_at__isnull=True).update(
        threshold_passed_at=now
    ):
        return
    signal.threshold_passed_at = now
    if not this_signal.filter(operators_alerted_at__isnull=True).update(
        operators_alerted_at=now
    ):
        return
    signal.operators_alerted_at = now
    operators = get_user_model().objects.filter(is_staff=True, is_active=True)
    for operator in operators.order_by("pk"):
        notification_enqueue(
            recipient=operator,
            kind="snap.demand.threshold_passed",
            title=format_lazy(
                _("{people} people want a group buy for {product}"),
                people=signal.requester_count,
                product=product_name_lazy(product),
            ),
            body=format_lazy(
                _(
                    "{people} people snapped {product} while no deal was open "
                    "(threshold {threshold}). Launch a deal for them."
                ),
                people=signal.requester_count,
                product=product_name_lazy(product),
                threshold=threshold,
            ),
            url=deal_lookup.launch_url(product=product, signal=signal),
            data={"signal": signal.public_id, "product": product.public_id},
            idempotency_key=f"snap.demand.threshold:{signal.public_id}:"
            f"{operator.public_id}",
        )
    audit_log(
        actor=None,
        action="snap.demand.threshold_passed",
        obj=signal,
        data={
            "product": product.public_id,
            "count": signal.count,
            "threshold": threshold,
            "operators": operators.count(),
        },
    )


def demand_fulfil(*, actor, deal) -> DemandSignal | None:
    """Tell everyone who asked for ``deal``'s product that it launched, once.

    Called from deal_opened inside deal_open's transaction. Marks the product's
    open signal fulfilled; a second call (the signal sent twice, or a second deal
    for the product) finds no open signal and changes nothing.
    """
    product = deal_lookup.deal_product(deal)
    with transaction.atomic():
        signal = (
            DemandSignal.objects.select_for_update()
            .filter(product=product, fulfilled_at__isnull=True)
            .first()
        )
        if signal is None:
            return None
        now = timezone.now()
        pending = list(
            DemandRequest.objects.filter(signal=signal, notified_at__isnull=True)
            .select_related("user")
            .order_by("pk")
        )
        DemandRequest.objects.filter(pk__in=[r.pk for r in pending]).update(
            notified_at=now
        )
        for request in pending:
            _notify_requester(request, deal, product)
        signal.fulfilled_at = now
        signal.fulfilled_deal = deal
        signal.save(update_fields=["fulfilled_at", "fulfilled_deal"])
        audit_log(
            actor=actor,
            action="snap.demand.fulfilled",
            obj=signal,
            data={
                "product": product.public_id,
                "deal": deal.public_id,
                "notified": len(pending),
            },
        )
    return signal


def _notify_requester(request: DemandRequest, deal, product: Product) -> None:
    notification_enqueue(
        recipient=request.user,
        kind="snap.demand.deal_launched",
        title=format_lazy(
            _("A group buy for {product} has launched"),
            product=product_name_lazy(product),
        ),
        body=format_lazy(
            _("You snapped {product}, so we said we'd tell you: join the deal now."),
            product=product_name_lazy(product),
        ),
        url=deal_lookup.deal_url(deal),
        data={"deal": deal.public_id, "product": product.public_id},
        idempotency_key=f"snap.demand.launched:{request.signal.public_id}:"
        f"{request.user.public_id}",
    )
