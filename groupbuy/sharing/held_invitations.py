"""What the sharer reads after sending the invitations a share held back."""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.core.i18n import join_sentences
from groupbuy.sharing.services.invitations import HeldInvitationsSent
from groupbuy.sharing.services.limits import invitation_texts_per_day


def held_invitations_messages(result: HeldInvitationsSent) -> list[tuple[int, str]]:
    """(level, text) for each thing the sharer should know, in order."""
    said = []
    if result.sent:
        said.append(
            (
                messages.SUCCESS,
                ngettext(
                    "%(count)d invitation sent.",
                    "%(count)d invitations sent.",
                    result.sent,
                )
                % {"count": result.sent},
            )
        )
    if result.held_by_daily_limit:
        said.append(
            (
                messages.WARNING,
                join_sentences(
                    (
                        ngettext(
                            "%(count)d invitation was not sent.",
                            "%(count)d invitations were not sent.",
                            result.held_by_daily_limit,
                        )
                        % {"count": result.held_by_daily_limit},
                        invitation_limit_sentence(),
                        _("Try again later."),
                    )
                ),
            )
        )
    if result.held_by_address_limit:
        said.append(
            (
                messages.WARNING,
                ngettext(
                    "%(count)d invitation was not sent: that number or address "
                    "was sent as many invitations as a day allows. Try again "
                    "tomorrow.",
                    "%(count)d invitations were not sent: those numbers or "
                    "addresses were sent as many invitations as a day allows. "
                    "Try again tomorrow.",
                    result.held_by_address_limit,
                )
                % {"count": result.held_by_address_limit},
            )
        )
    if not said:
        said.append((messages.INFO, _("There are no invitations left to send.")))
    return said


def invitation_limit_sentence() -> str:
    """The daily limit on invitations as a sentence of its own, its noun
    agreeing with the limit ("at most 1 person", "at most 5 people"); the
    thread page says the same (sharing/thread.html)."""
    limit = invitation_texts_per_day()
    return ngettext(
        "Your shares invite at most %(limit)s person without an account a day, "
        "by text or e-mail.",
        "Your shares invite at most %(limit)s people without an account a day, "
        "by text or e-mail.",
        limit,
    ) % {"limit": limit}
