"""Reads of shares: a user's list, one checked for them, who takes part."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from groupbuy.core.errors import Forbidden, NotFound
from groupbuy.core.times import api_time
from groupbuy.sharing.models import Message, Participant, Share

# Before any reply: a share never opened has every reply of others unread.
NEVER = datetime(2000, 1, 1, tzinfo=UTC)


def thread_list_for_user(*, user, box: str = "") -> QuerySet[Share]:
    """The shares ``user`` received (``box="received"``: others' shares they
    are in), sent (``"sent"``) or both (``""``), latest activity first, each
    with ``my_last_read_at`` (None: never opened) and ``unread_count``, the
    replies of others since (all of them for a share never opened)."""
    my_last_read = Participant.objects.filter(share=OuterRef("pk"), user=user)
    replies_since = (
        Message.objects.filter(
            share=OuterRef("pk"),
            created_at__gt=Coalesce(OuterRef("my_last_read_at"), Value(NEVER)),
        )
        .exclude(author=user)
        .order_by()
        .values("share")
        .annotate(count=Count("pk"))
        .values("count")
    )
    shares = Share.objects.filter(participants__user=user)
    if box == "received":
        shares = shares.exclude(sender=user)
    elif box == "sent":
        shares = shares.filter(sender=user)
    return (
        shares.select_related("sender", "product", "deal")
        .annotate(my_last_read_at=Subquery(my_last_read.values("last_read_at")[:1]))
        .annotate(unread_count=Coalesce(Subquery(replies_since), 0))
        .order_by("-last_activity_at", "-pk")
        .distinct()
    )


def share_recipient_labels(*, shares: list[Share], viewer) -> dict[int, list[str]]:
    """The recipients of each share, by share id, as ``viewer`` sees them in
    its thread (``Participant.label_for``): the sender's "Shared by me" list
    names who each share went to."""
    by_id = {share.pk: share for share in shares}
    labels: dict[int, list[str]] = {share_id: [] for share_id in by_id}
    recipients = (
        Participant.objects.filter(
            share_id__in=list(by_id), role=Participant.Role.RECIPIENT
        )
        .select_related("user")
        .order_by("pk")
    )
    for participant in recipients:
        participant.share = by_id[participant.share_id]
        labels[participant.share_id].append(participant.label_for(viewer))
    return labels


def share_get_for_user(*, user, share_id: str) -> Share:
    """Return the share; 404 when there is none, 403 when ``user`` is not in it."""
    share = (
        Share.objects.select_related("sender", "product", "deal", "link")
        .filter(public_id=share_id)
        .first()
    )
    if share is None:
        raise NotFound("not_found", _("There is no such share."))
    participant_for(user=user, share=share)
    return share


def participant_for(*, user, share: Share) -> Participant:
    participant = (
        Participant.objects.filter(share=share, user_id=getattr(user, "pk", None))
        .select_related("user")
        .first()
    )
    if participant is None:
        raise Forbidden("forbidden", _("You are not part of this conversation."))
    participant.share = share  # known: its labels and key read it
    return participant


def share_summary(share: Share) -> dict:
    return {
        "id": share.public_id,
        "sender": share.sender_label,
        "product": share.product.name,
        "comment": share.comment,
        "url": reverse("sharing:thread", args=[share.public_id]),
        # Only for the share's participants: the view and the API check it.
        "voice_note_url": reverse("sharing:voice_note", args=[share.public_id])
        if share.voice_note
        else "",
        "created_at": api_time(share.created_at),
        "last_activity_at": api_time(share.last_activity_at),
    }
