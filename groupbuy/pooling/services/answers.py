"""The accept / decline / timeout machine of a suggested pool, and the phone
consent of its confirmed members. A decline or a timeout re-matches the others
at once (``pools.pools_match``)."""

from __future__ import annotations

import contextlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.transactions import after_commit
from groupbuy.pooling import notifications
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.live import publish_to_member, publish_to_pool
from groupbuy.pooling.models import (
    Pool,
    PoolMember,
    PoolRequest,
)
from groupbuy.pooling.selectors import pool_phones_shown
from groupbuy.pooling.services.chat import left_pool
from groupbuy.pooling.services.pools import pools_match

Answer = PoolMember.Answer


def _member_for(pool: Pool, actor) -> PoolMember:
    member = pool.members.filter(user=actor).first()
    if member is None:
        raise PoolingError("not_found", _("No such pool."), status=404)
    return member


def pool_answer(*, actor, pool: Pool, accept: bool, now=None) -> Pool:
    """Accept or decline a suggested pool before its answer deadline."""
    now = now or timezone.now()
    with transaction.atomic():
        member = _member_for(pool, actor)
        pool.refresh_from_db()
        if member.answer != Answer.PENDING:
            raise PoolingError(
                "already_answered", _("You already answered."), status=409
            )
        if pool.state != Pool.State.PROPOSED or now > pool.answer_by:
            raise PoolingError(
                "answer_closed", _("This suggestion is closed."), status=409
            )
        answer = Answer.ACCEPTED if accept else Answer.DECLINED
        changed = PoolMember.objects.filter(pk=member.pk, answer=Answer.PENDING).update(
            answer=answer, answered_at=now
        )
        if not changed:
            raise PoolingError(
                "already_answered", _("You already answered."), status=409
            )
        if not accept:
            _declined(pool, member, actor=actor, now=now)
        else:
            audit_log(
                actor=actor,
                action="pooling.pool.accepted",
                obj=pool,
                data={"member": actor.public_id},
            )
            if not pool.members.exclude(answer=Answer.ACCEPTED).exists():
                _confirm(pool, now=now)
            else:
                publish_pool_state(pool)
    pool.refresh_from_db()
    return pool


def pools_decline_for_erasure(*, user, now=None) -> None:
    """Decline, for ``user`` whose account is being erased, every suggestion
    not confirmed yet, whether they had answered it or not: nobody would come
    to the till, and the others are matched again at once instead of waiting
    for an answer that cannot come. (What this tells the person is erased with
    their notifications.)"""
    now = now or timezone.now()
    seats = (
        PoolMember.objects.filter(user=user, pool__state=Pool.State.PROPOSED)
        .exclude(answer=Answer.DECLINED)
        .select_related("pool")
    )
    for member in seats:
        with transaction.atomic():
            PoolMember.objects.filter(pk=member.pk).update(
                answer=Answer.DECLINED, answered_at=now
            )
            _declined(member.pool, member, actor=user, now=now, account_erased=True)


def _declined(pool: Pool, member: PoolMember, *, actor, now, **facts) -> None:
    """``member`` (marked declined by the caller) leaves ``pool``: their request
    is withdrawn and the others are matched again at once."""
    audit_log(
        actor=actor,
        action="pooling.pool.declined",
        obj=pool,
        data={"member": actor.public_id, **facts},
    )
    PoolRequest.objects.filter(pk=member.request_id).update(
        state=PoolRequest.State.WITHDRAWN
    )
    _dissolve(pool, now=now)


def _confirm(pool: Pool, *, now) -> None:
    changed = Pool.objects.filter(pk=pool.pk, state=Pool.State.PROPOSED).update(
        state=Pool.State.CONFIRMED, confirmed_at=now
    )
    if not changed:
        return
    pool.state = Pool.State.CONFIRMED
    PoolRequest.objects.filter(memberships__pool=pool).update(
        state=PoolRequest.State.POOLED
    )
    audit_log(actor=None, action="pooling.pool.confirmed", obj=pool)
    for member in pool.members.select_related("user"):
        notifications.notify_outcome(member, confirmed=True)
    publish_pool_state(pool)


def _dissolve(pool: Pool, *, now) -> None:
    """Close the pool and put those who accepted (or had not answered yet, if the
    pool is dissolved by a decline) back into matching at once, each before
    their own deadline; past it their request ends now (expired): nobody could
    match it any more, and they would see it looking until the next sweep."""
    changed = Pool.objects.filter(pk=pool.pk, state=Pool.State.PROPOSED).update(
        state=Pool.State.DISSOLVED
    )
    if not changed:
        return
    pool.state = Pool.State.DISSOLVED
    others = pool.members.exclude(answer__in=[Answer.DECLINED, Answer.TIMED_OUT])
    back = PoolRequest.objects.filter(
        memberships__in=others, state=PoolRequest.State.SUGGESTED
    )
    out_of_time = list(back.filter(deadline_at__lte=now).values_list("pk", flat=True))
    back.filter(pk__in=out_of_time).update(state=PoolRequest.State.EXPIRED)
    back.exclude(pk__in=out_of_time).update(state=PoolRequest.State.OPEN)
    audit_log(
        actor=None,
        action="pooling.pool.dissolved",
        obj=pool,
        data={"expired_requests": len(out_of_time)} if out_of_time else None,
    )
    _tell_dissolved(pool)
    publish_pool_state(pool)
    # Should a concurrent run take some of these requests, its savepoint rolls
    # back; the answer itself stands and the next batch matches the rest.
    with contextlib.suppress(PoolingError):
        pools_match(branch_id=pool.branch_id, promotion_id=pool.promotion_id, now=now)


def _tell_dissolved(pool: Pool) -> None:
    """Tell each member what became of their request: looking again, or over
    (they did not answer in time, or their own deadline has passed). The one
    who declined knows: they are not told."""
    seats = pool.members.exclude(answer=Answer.DECLINED).select_related(
        "user", "request"
    )
    for member in seats:
        notifications.notify_outcome(
            member,
            confirmed=False,
            still_looking=member.request.state == PoolRequest.State.OPEN,
        )


def pool_state(pool: Pool) -> dict:
    """The pool's state, how many have answered, whether the phone numbers
    are shown (every member agreed) and when its promotion ended: a page shows
    each member's answer and number, and refreshes when one of these changes.
    No number travels here: the page asks for itself again, and is shown what
    its reader may see."""
    return {
        "pool_id": pool.public_id,
        "state": pool.state,
        "answered": pool.members.exclude(answer=Answer.PENDING).count(),
        "left": pool.members.filter(answer=Answer.LEFT).count(),
        "phones_shown": pool_phones_shown(pool=pool),
        # When its promotion ended (null while it runs): a page whose socket
        # joined just after the live notice learns it here and says so.
        "promotion_ended_at": None
        if pool.promotion.is_running()
        else pool.promotion.ends_at.isoformat(),
    }


def publish_pool_state(pool: Pool) -> None:
    event = {"type": "pooling.pool", **pool_state(pool)}
    after_commit(publish_to_pool, pool.public_id, event)
    for member in pool.members.select_related("user"):
        after_commit(publish_to_member, member.user.public_id, event)


def pools_expire_due(*, now=None) -> int:
    """Dissolve suggestions not answered in time; expire requests past deadline."""
    now = now or timezone.now()
    expired = 0
    for pool_id in list(
        Pool.objects.filter(state=Pool.State.PROPOSED, answer_by__lt=now).values_list(
            "pk", flat=True
        )
    ):
        with transaction.atomic():
            pool = Pool.objects.get(pk=pool_id)
            if pool.state != Pool.State.PROPOSED:
                continue
            late = pool.members.filter(answer=Answer.PENDING)
            PoolRequest.objects.filter(memberships__in=late).update(
                state=PoolRequest.State.EXPIRED
            )
            late.update(answer=Answer.TIMED_OUT, answered_at=now)
            _dissolve(pool, now=now)
            expired += 1
    _expire_past_deadline(now=now)
    return expired


def _expire_past_deadline(*, now) -> None:
    """Close the requests still looking past their deadline, and tell each
    shopper once. The others that end (a pool dissolved, the promotion ended, a
    member left) are told by that path and are no longer open here."""
    with transaction.atomic():
        due = list(
            PoolRequest.objects.select_for_update(of=("self",))
            .select_related("user", "promotion", "branch")
            .filter(state=PoolRequest.State.OPEN, deadline_at__lte=now)
        )
        PoolRequest.objects.filter(
            pk__in=[request.pk for request in due], state=PoolRequest.State.OPEN
        ).update(state=PoolRequest.State.EXPIRED)
        for request in due:
            notifications.notify_request_expired(request)


def pool_phone_consent(*, actor, pool: Pool, agree: bool) -> PoolMember:
    """Agree (or stop agreeing) to show my phone number to the pool."""
    with transaction.atomic():
        member = _member_for(pool, actor)
        if member.answer == Answer.LEFT:
            raise left_pool()
        if pool.state != Pool.State.CONFIRMED:
            raise PoolingError(
                "not_confirmed", _("The pool is not confirmed."), status=409
            )
        if member.shares_phone != agree:
            member.shares_phone = agree
            member.save(update_fields=["shares_phone"])
            audit_log(
                actor=actor,
                action="pooling.phone.shared" if agree else "pooling.phone.hidden",
                obj=pool,
            )
            publish_pool_state(pool)
    return member
