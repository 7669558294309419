"""What pool members are told, in their own language."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from groupbuy.core.i18n import interpolate_lazy
from groupbuy.core.money import format_fen
from groupbuy.notify.services import notification_enqueue
from groupbuy.pooling.models import Pool, PoolMember, PoolRequest, Promotion


def pool_url(pool: Pool) -> str:
    return reverse("pooling:pool", args=[pool.public_id])


def notify_suggestion(member: PoolMember) -> None:
    pool = member.pool
    others = pool.members.exclude(pk=member.pk).count()  # the reader is not one
    if pool.promotion.kind == Promotion.Kind.THRESHOLD:
        body = _(
            "Together your carts reach %(threshold)s at %(promotion)s. "
            "Your part: %(amount)s, you save %(saving)s. Answer by %(time)s."
        )
    else:
        body = _(
            "Together your items get %(promotion)s. "
            "Your part: %(amount)s, you save %(saving)s. Answer by %(time)s."
        )
    notification_enqueue(
        recipient=member.user,
        kind="pooling.suggestion",
        title=interpolate_lazy(
            ngettext_lazy(
                "Pool with %(count)d other shopper and save %(saving)s",
                "Pool with %(count)d other shoppers and save %(saving)s",
                others,
            ),
            {"count": others, "saving": format_fen(member.share_fen)},
        ),
        body=interpolate_lazy(
            body,
            {
                "threshold": format_fen(pool.threshold_fen),
                "promotion": pool.promotion.title,
                "amount": format_fen(member.amount_fen),
                "saving": format_fen(member.share_fen),
                "time": timezone.localtime(pool.answer_by).strftime("%H:%M"),
            },
        ),
        url=pool_url(pool),
        data={"pool_id": pool.public_id, "share_fen": member.share_fen},
        idempotency_key=f"pooling.suggestion:{pool.public_id}:{member.user_id}",
    )


def notify_outcome(
    member: PoolMember, *, confirmed: bool, still_looking: bool = False
) -> None:
    """Tell a member their pool is confirmed, or that it did not form and
    whether their request is ``still_looking`` for another."""
    pool = member.pool
    kind = "pooling.confirmed" if confirmed else "pooling.dissolved"
    data = {"pool_id": pool.public_id}
    if confirmed:
        title = _("Your pool is confirmed: chat to meet at the till")
        body = interpolate_lazy(
            _("Everyone accepted. You save %(saving)s."),
            {"saving": format_fen(member.share_fen)},
        )
    else:
        title = _("Your pool did not form")
        body = _dissolved_body(member, still_looking=still_looking)
        data["still_looking"] = still_looking
    notification_enqueue(
        recipient=member.user,
        kind=kind,
        title=title,
        body=body,
        url=pool_url(pool),
        data=data,
        idempotency_key=f"{kind}:{pool.public_id}:{member.user_id}",
    )


def _dissolved_body(member: PoolMember, *, still_looking: bool):
    if still_looking:
        return _("Someone declined or did not answer. We keep looking for you.")
    if member.answer == PoolMember.Answer.TIMED_OUT:
        return _(
            "You did not answer in time, so we stopped looking for a pool for "
            "this cart. Ask to pool again if you still want to."
        )
    return _(
        "Someone declined or did not answer, and the time you gave to find a "
        "pool is up. Ask to pool again if you still want to."
    )


def notify_promotion_ended(
    *, user, promotion: Promotion, pool: Pool | None, branch=None
) -> None:
    """A shopper whose request (or pool) the promotion's early end closed; one
    still looking (no pool, at ``branch``) or suggested a pool it dissolved is
    sent to the branch's page, where the shop's other promotions may run."""
    if pool is not None and pool.state == Pool.State.CONFIRMED:
        # The pool stays (its members agreed, may have paid together already,
        # and keep their chat), but the till gives a promotion's saving only
        # while it runs: say so plainly rather than promise it.
        body = interpolate_lazy(
            _(
                "The shop ended this promotion early, at %(time)s: the till gives "
                "its saving only to baskets paid before then. Your pool's chat "
                "stays open."
            ),
            {"time": timezone.localtime(promotion.ends_at).strftime("%H:%M")},
        )
    else:
        body = _("The shop ended this promotion early, so we no longer pool for it.")
    notification_enqueue(
        recipient=user,
        kind="pooling.promotion_ended",
        title=interpolate_lazy(
            _("%(promotion)s has ended"), {"promotion": promotion.title}
        ),
        body=body,
        # A confirmed pool goes on (its chat, its numbers); a suggestion it
        # dissolved pools nothing, so its members, like those still looking,
        # go where the shop's other promotions may run.
        url=pool_url(pool)
        if pool is not None and pool.state == Pool.State.CONFIRMED
        else reverse("pooling:branch", args=[(branch or pool.branch).public_id]),
        data={"promotion_id": promotion.public_id},
        idempotency_key=f"pooling.promotion_ended:{promotion.public_id}:{user.pk}",
    )


def notify_member_left(member: PoolMember, *, seat: str, asked_again=False) -> None:
    """A member still in a pool that Shopper ``seat`` left: whether the pool
    carries on (and their saving now) or was dissolved (and what became of
    their request, or that the one they made since goes on looking)."""
    pool = member.pool
    if pool.state == Pool.State.CONFIRMED:
        if pool.promotion.kind == Promotion.Kind.THRESHOLD:
            text = _(
                "The others still reach the %(threshold)s tier: "
                "your saving is now %(saving)s."
            )
        else:
            text = _("The others still save together: your saving is now %(saving)s.")
        body = interpolate_lazy(
            text,
            {
                "threshold": format_fen(pool.threshold_fen),
                "saving": format_fen(member.share_fen),
            },
        )
    elif asked_again:
        body = _(
            "Without them the pool no longer gets its saving, so it is "
            "dissolved. The request you made since for this promotion goes on "
            "looking for a pool."
        )
    elif member.request.state == PoolRequest.State.OPEN:
        body = _(
            "Without them the pool no longer gets its saving, so it is "
            "dissolved. We keep looking for other shoppers to pool your cart "
            "with."
        )
    else:
        body = _(
            "Without them the pool no longer gets its saving, so it is "
            "dissolved. Your request's deadline has passed, so we stopped "
            "looking."
        )
    notification_enqueue(
        recipient=member.user,
        kind="pooling.member_left",
        title=interpolate_lazy(_("Shopper %(seat)s left your pool"), {"seat": seat}),
        body=body,
        url=pool_url(pool),
        data={"pool_id": pool.public_id, "state": pool.state},
        idempotency_key=f"pooling.member_left:{pool.public_id}:{seat}:{member.user_id}",
    )


def notify_request_expired(request: PoolRequest) -> None:
    """A shopper whose request aged past its deadline without a pool: we stopped
    looking (they would otherwise find out only by looking at *Pools*)."""
    notification_enqueue(
        recipient=request.user,
        kind="pooling.request_expired",
        title=_("We stopped looking for a pool"),
        body=interpolate_lazy(
            _(
                "No pool formed for your cart at %(promotion)s in the time you "
                "gave, so we stopped looking. Ask to pool again if you still want "
                "to."
            ),
            {"promotion": request.promotion.title},
        ),
        url=reverse("pooling:branch", args=[request.branch.public_id]),
        data={"request_id": request.public_id},
        idempotency_key=f"pooling.request_expired:{request.public_id}",
    )
