"""How much sharing takes (recipients a share, characters a reply, days a book
is kept), and how a sharer is named."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from groupbuy.core.locks import transaction_lock
from groupbuy.sharing.errors import SharingError
from groupbuy.sharing.models import Participant, person_label

DEFAULT_MAX_RECIPIENTS = 500
DEFAULT_COMMENT_MAX_CHARS = 2_000
DEFAULT_BOOK_RETENTION_DAYS = 30
# A share like one the sender sent this recently is taken for it sent again.
DEFAULT_DUPLICATE_WINDOW_SECONDS = 600
# Invitations (SMS, or e-mail: the setting's "texts" counts both) one person's
# shares send in any 24 hours to people without an account. Each costs the
# platform a text or a mail and carries the sender's comment under its name;
# a shopper telling friends about a deal invites a few, not hundreds (the
# matching limit alone allowed 10,000).
DEFAULT_INVITATION_TEXTS_PER_DAY = 50


def max_recipients() -> int:
    return int(
        getattr(settings, "GROUPBUY_SHARING_MAX_RECIPIENTS", DEFAULT_MAX_RECIPIENTS)
    )


def invitation_texts_per_day() -> int:
    return int(
        getattr(
            settings,
            "GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY",
            DEFAULT_INVITATION_TEXTS_PER_DAY,
        )
    )


def invitation_texts_left(*, actor, now) -> int:
    """How many more people without an account ``actor``'s shares may text (or
    e-mail) now: the limit less those sent in the last 24 hours.

    Call inside the share's transaction: the lock keeps two shares sent at
    once from both spending the last ones (SQLite's BEGIN IMMEDIATE already
    queues them)."""
    transaction_lock(f"sharing.invitations:{actor.pk}")
    since = now - timedelta(days=1)
    sent = Participant.objects.filter(
        Q(invited_at__gt=since)
        | Q(invited_at__isnull=True, share__created_at__gt=since),
        share__sender=actor,
        invitation=Participant.Invitation.SENT,
    ).count()
    return max(0, invitation_texts_per_day() - sent)


def comment_max_chars() -> int:
    return int(
        getattr(
            settings, "GROUPBUY_SHARING_COMMENT_MAX_CHARS", DEFAULT_COMMENT_MAX_CHARS
        )
    )


def book_retention() -> timedelta:
    return timedelta(
        days=int(
            getattr(
                settings,
                "GROUPBUY_SHARING_BOOK_RETENTION_DAYS",
                DEFAULT_BOOK_RETENTION_DAYS,
            )
        )
    )


def duplicate_window() -> timedelta:
    """How long a share sent is the answer to the same share sent again with
    another key (the compose page shown again from the history)."""
    return timedelta(
        seconds=int(
            getattr(
                settings,
                "GROUPBUY_SHARING_DUPLICATE_WINDOW_SECONDS",
                DEFAULT_DUPLICATE_WINDOW_SECONDS,
            )
        )
    )


def check_text(text: str, *, field: str) -> str:
    """``text`` stripped, or refused when longer than a reply may be."""
    text = (text or "").strip()
    if len(text) > comment_max_chars():
        raise SharingError(
            "text_too_long",
            _("Please keep it to at most %(count)s characters.")
            % {"count": comment_max_chars()},
            fields={field: [_("Too long.")]},
        )
    return text


def recipient_count_check(count: int) -> None:
    """Refuse an empty or oversized recipient list (before parsing it)."""
    if not count:
        raise SharingError(
            "no_recipients",
            _("Choose at least one person to share with."),
            fields={"recipients": [_("Required.")]},
        )
    if count > max_recipients():
        raise SharingError(
            "too_many_recipients",
            _("You can share with at most %(count)s people at once.")
            % {"count": max_recipients()},
            fields={"recipients": [_("Too many.")]},
        )


def sender_name(user) -> str:
    """A sharer or replier as others see them: their name, else a masked number
    (``person_label``; a recipient reached by a number is shown by
    ``recipient_label`` until they reply)."""
    return person_label(user)
