"""A member leaving a confirmed pool (the patent's pools are formed by consent;
a member whose plans changed withdraws it).

The others carry on when, without the one who left, they still reach the
pool's tier (for a pool priced on items: still save more together than
apart); their shares are worked out again, so the saving is split among those
still in. Otherwise the pool is dissolved, and each other member's request goes
back to matching while its deadline allows (it expires if not). Everyone still
in is told, in the inbox and live on the pool's page; the one who left no longer
takes part: their open sockets on the pool close (4403), the chat refuses them.
"""

from __future__ import annotations

import contextlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.transactions import after_commit
from groupbuy.pooling import notifications
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.live import pool_group, publish_to_pool
from groupbuy.pooling.models import Pool, PoolMember, PoolRequest
from groupbuy.pooling.services.answers import publish_pool_state
from groupbuy.pooling.services.pools import _Component, pools_match
from groupbuy.realtime.access import ACCESS_ENDED, sockets_end

Answer = PoolMember.Answer


def pool_leave(*, actor, pool: Pool, now=None) -> Pool:
    """Leave a confirmed pool I am in; leaving again changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        # Locked, so two members leaving at once (or a leave racing the last
        # accept) take turns, and the second sees who is still in.
        locked = Pool.objects.select_for_update().get(pk=pool.pk)
        member = locked.members.filter(user=actor).select_related("request").first()
        if member is None:
            raise PoolingError("not_found", _("No such pool."), status=404)
        if member.answer == Answer.LEFT:
            pool.refresh_from_db()
            return pool
        _may_leave_or_error(locked, member)
        PoolMember.objects.filter(pk=member.pk).update(answer=Answer.LEFT)
        PoolRequest.objects.filter(pk=member.request_id).update(
            state=PoolRequest.State.WITHDRAWN
        )
        seat = _seat_of(locked, member)
        audit_log(
            actor=actor,
            action="pooling.pool.left",
            obj=locked,
            data={"member": actor.public_id},
        )
        sockets_end(
            user_public_id=actor.public_id,
            reason=ACCESS_ENDED,
            groups=[pool_group(locked.public_id)],
        )
        asked_again: set[int] = set()
        staying = list(
            locked.members.filter(answer=Answer.ACCEPTED).select_related(
                "request", "user"
            )
        )
        if _carry_on(locked, staying):
            audit_log(
                actor=None,
                action="pooling.pool.reshared",
                obj=locked,
                data={"amount_fen": locked.amount_fen, "saving_fen": locked.saving_fen},
            )
        else:
            asked_again = _dissolve_after_leave(locked, staying, now=now)
        for other in staying:
            is_asked_again = other.user_id in asked_again
            is_withdrawn = other.request.state == PoolRequest.State.WITHDRAWN
            if is_withdrawn and not is_asked_again:
                continue  # erased since (their seat stays): nobody to tell
            other.pool = locked
            notifications.notify_member_left(
                other, seat=seat, asked_again=is_asked_again
            )
        after_commit(
            publish_to_pool,
            locked.public_id,
            {"type": "pooling.left", "pool_id": locked.public_id, "seat": seat},
        )
        publish_pool_state(locked)
        if locked.state == Pool.State.DISSOLVED:
            # A concurrent run that takes some of these requests rolls its
            # savepoint back; the leave stands and the next batch matches them.
            with contextlib.suppress(PoolingError), transaction.atomic():
                pools_match(
                    branch_id=locked.branch_id,
                    promotion_id=locked.promotion_id,
                    now=now,
                )
    pool.refresh_from_db()
    return pool


def _seat_of(pool: Pool, member: PoolMember) -> str:
    """The member's seat letter ("B"), as the page names them ("Shopper B")."""
    return chr(ord("A") + pool.members.filter(pk__lt=member.pk).count())


def _may_leave_or_error(pool: Pool, member: PoolMember) -> None:
    if pool.state == Pool.State.PROPOSED:
        raise PoolingError(
            "not_confirmed",
            _("This pool is not confirmed yet: decline the suggestion instead."),
            status=409,
        )
    if pool.state != Pool.State.CONFIRMED:
        raise _already_dissolved(member.request)


def _already_dissolved(request: PoolRequest) -> PoolingError:
    """The refusal of a leave that came after another's dissolved the pool
    (a page opened before): it says where the leaver's request is now, since
    they pressed Leave to stop being pooled, and names it for clients."""
    extra = {"request_id": request.public_id, "request_state": request.state}
    if request.state == PoolRequest.State.SUGGESTED:
        message = _(
            "This pool was dissolved when another member left. Your request was "
            "suggested another pool: answer it from Pools."
        )
    elif request.state == PoolRequest.State.OPEN:
        message = _(
            "This pool was dissolved when another member left. Your request is "
            "looking for another pool: you can withdraw it from My pool "
            "requests on Pools."
        )
    elif request.state == PoolRequest.State.EXPIRED:
        message = _(
            "This pool was dissolved when another member left. Your request's "
            "deadline had passed, so it expired: we no longer look for a pool "
            "for it."
        )
    else:
        message = _("This pool has already ended.")
    return PoolingError("pool_ended", message, status=409, extra=extra)


def _carry_on(pool: Pool, staying: list[PoolMember]) -> bool:
    """Whether those ``staying`` still reach the pool's tier together; if so,
    the pool's amount and saving, and their shares, become theirs alone."""
    component = _Component(pool.promotion)
    requests = [member.request for member in staying]
    group = component.group([component.cart(request) for request in requests])
    if group is None or group.threshold_fen < pool.threshold_fen:
        return False
    shares_fen = component.shares(group, requests)
    for member, share in zip(staying, shares_fen, strict=True):
        member.share_fen = share
    PoolMember.objects.bulk_update(staying, ["share_fen"])
    pool.amount_fen = group.amount_fen
    pool.saving_fen = group.saving_fen
    pool.save(update_fields=["amount_fen", "saving_fen"])
    return True


def _dissolve_after_leave(pool: Pool, staying: list[PoolMember], *, now) -> set[int]:
    """Close the pool; each request still in goes back to matching while its
    deadline allows and the promotion runs, and expires if not. Return the
    members who asked to pool again for the promotion there meanwhile: their
    request in this pool is withdrawn and the newer one goes on looking (two of
    one person's requests looking at once would be pooled together)."""
    Pool.objects.filter(pk=pool.pk).update(state=Pool.State.DISSOLVED)
    pool.state = Pool.State.DISSOLVED
    requests = PoolRequest.objects.filter(
        pk__in=[member.request_id for member in staying],
        state=PoolRequest.State.POOLED,
    )
    asked_again = set(
        PoolRequest.objects.filter(
            user_id__in=[member.user_id for member in staying],
            promotion_id=pool.promotion_id,
            branch_id=pool.branch_id,
            state__in=[PoolRequest.State.OPEN, PoolRequest.State.SUGGESTED],
        ).values_list("user_id", flat=True)
    )
    requests.filter(user_id__in=asked_again).update(state=PoolRequest.State.WITHDRAWN)
    if pool.promotion.is_running(now):
        # Past its end nothing is matched for a promotion: back to looking
        # would be a request that never finds a pool (they expire below).
        requests.filter(deadline_at__gt=now).update(state=PoolRequest.State.OPEN)
    requests.update(state=PoolRequest.State.EXPIRED)  # those left: past deadline
    for member in staying:
        member.request.refresh_from_db(fields=["state"])
    audit_log(
        actor=None,
        action="pooling.pool.dissolved",
        obj=pool,
        data={"reason": "member_left"},
    )
    return asked_again
