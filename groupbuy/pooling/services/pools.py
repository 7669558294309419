"""Forming pools from open requests (the answers to them: ``answers``).

A matching run writes all its pools in one transaction, so a run that fails
halfway leaves no half-formed pool; requests move from open to suggested with a
conditional update, so a request taken by a concurrent run is never in two pools.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Branch
from groupbuy.core.audit import audit_log
from groupbuy.core.transactions import after_commit
from groupbuy.pooling import notifications, savings
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.live import publish_to_member
from groupbuy.pooling.matching.types import Cart, Group, make_group
from groupbuy.pooling.models import (
    Pool,
    PoolingProfile,
    PoolMember,
    PoolRequest,
    Promotion,
)
from groupbuy.pooling.savings import shares
from groupbuy.pooling.services.shoppers import walk_m

Answer = PoolMember.Answer


def answer_minutes() -> int:
    return getattr(settings, "GROUPBUY_POOL_ANSWER_MINUTES", 15)


def match_budget_s() -> float:
    return getattr(settings, "GROUPBUY_POOL_MATCH_BUDGET_S", 0.5)


def _standing(*, branch_id: int, promotion_id: int, now) -> dict[int, list]:
    """The suggestions still out at this branch for this promotion (proposed,
    not past their answer deadline, nobody declined): pool id -> its requests."""
    members = (
        PoolMember.objects.select_related("request__user")
        .filter(
            pool__branch_id=branch_id,
            pool__promotion_id=promotion_id,
            pool__state=Pool.State.PROPOSED,
            pool__answer_by__gt=now,
        )
        .exclude(pool__members__answer__in=[Answer.DECLINED, Answer.TIMED_OUT])
        .order_by("pool_id", "id")
    )
    standing: dict[int, list] = {}
    for member in members:
        standing.setdefault(member.pool_id, []).append(member.request)
    return standing


def match(tiers, carts, **kwargs):
    """The matching engine's ``match``, imported on the first call: it loads
    OR-Tools, which most processes never need (see ``pooling.matching``)."""
    from groupbuy.pooling.matching import match as engine_match

    return engine_match(tiers, carts, **kwargs)


class _Component:
    """How one promotion's carts become groups: by amount against tiers (满减),
    or by the items the till prices together (buy n pay m, second item)."""

    def __init__(self, promotion: Promotion):
        self.rules = promotion.rules()
        self.by_items = promotion.kind != savings.THRESHOLD

    def cart(self, request: PoolRequest):
        window = {
            "max_group_size": request.max_group_size,
            "window_start": request.window_start_at.timestamp(),
            "window_end": request.window_end_at.timestamp(),
        }
        if not self.by_items:
            return Cart(key=str(request.pk), amount_fen=request.amount_fen, **window)
        from groupbuy.pooling.matching.items import ItemCart

        lines = tuple(
            savings.Line(item["product_id"], item["unit_price_fen"], item["quantity"])
            for item in request.items
        )
        return ItemCart(key=str(request.pk), lines=lines, **window)

    def group(self, carts) -> Group | None:
        if not self.by_items:
            return make_group(self.rules.tiers, carts)
        from groupbuy.pooling.matching.items import make_item_group

        return make_item_group(self.rules, carts)

    def match(self, carts, hint=()) -> list[Group]:
        if not self.by_items:
            return match(
                self.rules.tiers, carts, budget_s=match_budget_s(), hint=hint
            ).groups
        from groupbuy.pooling.matching.items import match_items

        return match_items(
            self.rules, carts, budget_s=match_budget_s(), hint=hint
        ).groups

    def shares(self, group: Group, members: list[PoolRequest]) -> list[int]:
        """Each member's part of the pool's saving. By amount: in proportion to
        the carts. By items: what each would save alone, plus the gain in
        proportion to the items' amounts, so nobody saves less by pooling."""
        amounts = [member.amount_fen for member in members]
        if not self.by_items:
            return shares(group.saving_fen, amounts)
        from groupbuy.pooling.matching.items import solo_saving

        alone = [solo_saving(self.rules, self.cart(member)) for member in members]
        gains = shares(group.saving_fen - sum(alone), amounts)
        return [solo + gain for solo, gain in zip(alone, gains, strict=True)]


def pools_match(*, branch_id: int, promotion_id: int, now=None) -> list[Pool]:
    """Match the open requests of one branch and promotion; return new pools.

    The engine sees the standing suggestions too, as its warm start (``hint``),
    so it builds the new groups around them. A standing suggestion is never
    broken up by a re-match (its members were asked already, some may have
    accepted): a group the engine forms with a member of one is left out, and
    the open requests are then matched among themselves.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Locked, so that ending the promotion (promotion_end) waits for this
        # run and a run after it sees it ended: read unlocked, a run that began
        # before the end could suggest a pool for a promotion already over.
        # Runs for the promotion's branches take turns.
        promotion = Promotion.objects.select_for_update().get(pk=promotion_id)
        requests = {
            str(request.pk): request
            for request in PoolRequest.objects.select_related("user").filter(
                branch_id=branch_id,
                promotion_id=promotion_id,
                state=PoolRequest.State.OPEN,
                deadline_at__gt=now,
            )
        }
        requests = _within_walk(branch_id, requests)
        if not requests or promotion.ends_at <= now:
            return []
        component = _Component(promotion)
        hint = []
        standing_carts = []
        for members in _standing(
            branch_id=branch_id, promotion_id=promotion_id, now=now
        ).values():
            carts = [component.cart(request) for request in members]
            group = component.group(carts)
            if group is not None:  # a suggestion the rules no longer justify stays out
                hint.append(group)
                standing_carts += carts
        if len(requests) + len(standing_carts) < 2:
            return []
        open_carts = [component.cart(request) for request in requests.values()]
        matched = component.match(open_carts + standing_carts, hint)
        groups = [g for g in matched if set(g.keys) <= requests.keys()]
        if len(groups) < len(matched) - _kept(matched, hint):
            # The engine wanted a standing member elsewhere: match the open
            # requests it left among themselves instead.
            used = {key for group in groups for key in group.keys}
            rest = [cart for cart in open_carts if cart.key not in used]
            if len(rest) >= 2:
                groups += component.match(rest)
        return [
            _pool_create(
                promotion=promotion,
                members=(members := [requests[key] for key in group.keys]),
                group=group,
                shares_fen=component.shares(group, members),
                now=now,
            )
            for group in groups
        ]


def _within_walk(branch_id: int, requests: dict) -> dict:
    """Leave out the requests made from farther than their shopper will now walk
    (the profile may have changed since the request was made)."""
    located = [r for r in requests.values() if r.latitude is not None]
    if not located:
        return requests
    branch = Branch.objects.get(pk=branch_id)
    walks = dict(
        PoolingProfile.objects.filter(
            user_id__in=[r.user_id for r in located]
        ).values_list("user_id", "max_walk_m")
    )
    far = {
        key
        for key, request in requests.items()
        if request.latitude is not None
        and (walk_m(branch, request.latitude, request.longitude) or 0)
        > walks.get(request.user_id, PoolingProfile.max_walk_m.field.default)
    }
    return {key: r for key, r in requests.items() if key not in far}


def _kept(groups: list[Group], hint: list[Group]) -> int:
    standing = {frozenset(group.keys) for group in hint}
    return sum(frozenset(group.keys) in standing for group in groups)


def _pool_create(*, promotion, members, group: Group, shares_fen, now) -> Pool:
    answer_by = min(
        [now + timedelta(minutes=answer_minutes())]
        + [member.deadline_at for member in members]
    )
    taken = PoolRequest.objects.filter(
        pk__in=[member.pk for member in members], state=PoolRequest.State.OPEN
    ).update(state=PoolRequest.State.SUGGESTED)
    if taken != len(members):
        # Another run took one of these requests first; give up this whole run.
        raise PoolingError("conflict", _("Requests changed meanwhile."), status=409)
    amounts = [member.amount_fen for member in members]
    pool = Pool.objects.create(
        promotion=promotion,
        branch_id=members[0].branch_id,
        amount_fen=sum(amounts),
        threshold_fen=group.threshold_fen,
        saving_fen=group.saving_fen,
        answer_by=answer_by,
    )
    seats = PoolMember.objects.bulk_create(
        PoolMember(
            pool=pool,
            request=request,
            user=request.user,
            amount_fen=request.amount_fen,
            share_fen=share,
        )
        for request, share in zip(members, shares_fen, strict=True)
    )
    audit_log(
        actor=None,
        action="pooling.pool.proposed",
        obj=pool,
        data={
            "requests": [member.public_id for member in members],
            "amount_fen": pool.amount_fen,
            "saving_fen": group.saving_fen,
        },
    )
    for seat in seats:
        seat.pool = pool
        notifications.notify_suggestion(seat)
        after_commit(
            publish_to_member,
            seat.user.public_id,
            {"type": "pooling.suggestion", "pool_id": pool.public_id},
        )
    return pool


def pools_match_all(*, now=None) -> int:
    """The periodic batch: re-match every branch and promotion with open requests."""
    now = now or timezone.now()
    components = (
        PoolRequest.objects.filter(state=PoolRequest.State.OPEN, deadline_at__gt=now)
        .values_list("branch_id", "promotion_id")
        .distinct()
    )
    formed = 0
    for branch_id, promotion_id in list(components):
        try:
            formed += len(
                pools_match(branch_id=branch_id, promotion_id=promotion_id, now=now)
            )
        except PoolingError:
            continue  # a concurrent run got there first; the next batch retries
    return formed
