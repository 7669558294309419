"""A pool as its members see it (by seat, their numbers once every one
agreed) and its chat."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from groupbuy.accounts.personal_data import is_erased
from groupbuy.pooling.models import ChatMessage, Pool, PoolMember, PoolRequest
from groupbuy.pooling.selectors.common import chat_page, not_found
from groupbuy.realtime.language import in_each_language


def pools_for_user(*, user):
    """The pools I was suggested for, newest first (a QuerySet, to paginate),
    each with my answer (``my_answer``: ``left`` once I left it)."""
    return (
        Pool.objects.filter(members__user=user)
        .annotate(
            my_answer=Subquery(
                PoolMember.objects.filter(pool=OuterRef("pk"), user=user).values(
                    "answer"
                )[:1]
            )
        )
        .select_related("promotion", "branch")
        .order_by("-created_at", "-id")
    )


def pool_get_for_member(*, user, pool_id: str) -> Pool:
    """Return the pool if ``user`` is (or was proposed as) one of its members."""
    pool = (
        Pool.objects.select_related("promotion", "branch", "branch__merchant")
        .filter(public_id=pool_id, members__user=user)
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if pool is None:
        raise not_found()
    return pool


def member_label(member: PoolMember) -> str:
    # Members are named by their seat, never by their account.
    return _("Shopper %(seat)s") % {"seat": chr(ord("A") + member.seat_index)}


def _with_seats(pool: Pool) -> list[PoolMember]:
    members = list(pool.members.select_related("user", "request").order_by("id"))
    for index, member in enumerate(members):
        member.seat_index = index
    return members


def _phones_shown(pool: Pool, members) -> bool:
    """Whether every member still in agreed (one who left counts no more)."""
    return pool.state == Pool.State.CONFIRMED and all(
        member.shares_phone
        for member in members
        if member.answer != PoolMember.Answer.LEFT
    )


def member_has_left(*, pool: Pool, user) -> bool:
    """Whether ``user`` left ``pool`` (they still see its page, not its chat)."""
    return pool.members.filter(user=user, answer=PoolMember.Answer.LEFT).exists()


def pool_phones_shown(*, pool: Pool) -> bool:
    """Whether the members see each other's numbers: once every one agreed."""
    return _phones_shown(pool, pool.members.all())


def pool_view(*, pool: Pool, viewer) -> dict:
    """What a member sees of a pool: members by seat ("Shopper B"), the
    others' numbers only once every member agreed (``None`` until then)."""
    members = _with_seats(pool)
    everyone_agreed = _phones_shown(pool, members)
    me = next(member for member in members if member.user_id == viewer.pk)
    Answer = PoolMember.Answer
    return {
        "pool": pool,
        "me": me,
        "me_left": me.answer == Answer.LEFT,
        # a dissolved pool's member whose request went back to matching (they
        # had accepted, or not answered before another declined)
        "still_looking": pool.state == Pool.State.DISSOLVED
        and me.request.state in (PoolRequest.State.OPEN, PoolRequest.State.SUGGESTED),
        # where my request is now: a dissolved pool's page links it (and
        # withdraws it, or opens the pool it was suggested for since)
        "my_request": me.request,
        "my_next_pool_id": _next_pool_id(me.request)
        if pool.state == Pool.State.DISSOLVED
        else None,
        "answered": sum(member.answer != Answer.PENDING for member in members),
        "left": sum(member.answer == Answer.LEFT for member in members),
        # When its promotion is over, when it ended (the till gives the saving
        # only to baskets paid before then); None while it runs.
        "promotion_ended_at": (
            None if pool.promotion.is_running() else pool.promotion.ends_at
        ),
        "phones_shown": everyone_agreed,
        "members": [
            {
                "label": member_label(member),
                "is_me": member.user_id == viewer.pk,
                "amount_fen": member.amount_fen,
                "share_fen": member.share_fen,
                "answer": member.answer,
                "answer_label": member.get_answer_display(),
                "shares_phone": member.shares_phone,
                "phone": _member_phone(
                    member, viewer, everyone_agreed and me.answer != Answer.LEFT
                ),
            }
            for member in members
        ],
    }


def _next_pool_id(request: PoolRequest) -> str | None:
    """The pool a request was suggested for since, while it waits on it."""
    if request.state != PoolRequest.State.SUGGESTED:
        return None
    return (
        PoolMember.objects.filter(request=request)
        .order_by("-id")
        .values_list("pool__public_id", flat=True)
        .first()
    )


def _member_phone(member: PoolMember, viewer, everyone_agreed: bool) -> str | None:
    """A member's number as ``viewer`` may see it: in full once every member
    agreed (and one's own always), otherwise none of it. A masked number
    ("+86138****0002") still gave the network and the last four digits of
    people who had not agreed to anything."""
    if is_erased(member.user):
        return _("Deleted user")
    if member.user_id == viewer.pk:
        return member.user.phone
    if everyone_agreed and member.answer != PoolMember.Answer.LEFT:
        return member.user.phone
    return None


def chat_history(
    *, pool: Pool, before: str | None = None, limit: int | None = None
) -> list[dict]:
    """A pool chat's last messages, or those before ``before``, oldest first."""
    labels = {member.user_id: member_label(member) for member in _with_seats(pool)}
    return chat_page(
        ChatMessage.objects.filter(pool=pool),
        lambda message: labels.get(message.author_id, "?"),
        room=pool,
        before=before,
        limit=limit,
    )


def chat_label_for(*, pool: Pool, user) -> str:
    return _chat_labeller(pool, user)()


def chat_label_in_each_language(*, pool: Pool, user) -> dict:
    """``chat_label_for`` in each of the site's languages, for a live event
    that every member's page shows in its own (``realtime.language``)."""
    return in_each_language(_chat_labeller(pool, user))


def _chat_labeller(pool: Pool, user) -> Callable[[], str]:
    """What names ``user`` in ``pool``'s chat, in the language active when
    called ("?" for one not in it)."""
    member = next((m for m in _with_seats(pool) if m.user_id == user.pk), None)
    if member is None:
        return lambda: "?"
    return lambda: member_label(member)
