"""End a person's open sockets when the right they were opened under ends.

A socket is authorised when it connects; what ends that right later (signing
out, a password change ending the other sessions, leaving a room) is told to the
person's sockets through ``access_group(user_public_id)``, which every
``SignedInConsumer`` listens to besides its own groups. ``sockets_end`` sends it
once the current transaction commits; each socket decides whether it is meant
(the session it was opened with, the rooms it listens to) and closes itself:

- ``SIGNED_OUT`` (4401): that browser's session ended; the page says so and
  stops reconnecting.
- ``SIGN_IN_CHANGED`` (4001): the person's sessions may have ended (a password
  changed or reset, the account closed). The socket closes and the page
  reconnects at once: the browser the change came from is still signed in and
  listens again; any other is refused with 4401, as a signed-out browser is.
- ``ACCESS_ENDED`` (4403): the person no longer belongs to one of the socket's
  groups (a room left, a role taken away); the page says so.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.utils.crypto import constant_time_compare

from groupbuy.core.transactions import after_commit
from groupbuy.realtime.publish import send_message

ACCESS_ENDED_MESSAGE = "access.ended"

SIGNED_OUT = "signed_out"
SIGN_IN_CHANGED = "sign_in_changed"
ACCESS_ENDED = "access_ended"

CLOSE_CODES = {SIGNED_OUT: 4401, SIGN_IN_CHANGED: 4001, ACCESS_ENDED: 4403}


def access_group(user_public_id: str) -> str:
    """Name the group every signed-in socket of one person listens to for the
    end of its right (never for events: those go to ``user_group``)."""
    return f"access.{user_public_id}"


def sockets_end(
    *,
    user_public_id: str,
    reason: str,
    session_key: str = "",
    groups: tuple[str, ...] | list[str] = (),
) -> None:
    """Close, after commit, the person's sockets ``reason`` ends: only those
    opened with ``session_key`` when one is given, only those listening to one of
    ``groups`` when some are given."""
    if reason not in CLOSE_CODES:
        raise ValueError(f"unknown reason {reason!r}")
    message = {
        "type": ACCESS_ENDED_MESSAGE,
        "reason": reason,
        "session_key": session_key or "",
        "groups": list(groups),
    }
    after_commit(send_message, access_group(user_public_id), message)


def session_signs_in(*, session_key: str, user) -> bool:
    """Return whether the session ``session_key`` still signs ``user`` in: it
    exists, names them, and was made with their current password."""
    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model

    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    if str(session.get(SESSION_KEY)) != str(user.pk):
        return False
    current = get_user_model()._default_manager.filter(pk=user.pk).first()
    return current is not None and constant_time_compare(
        session.get(HASH_SESSION_KEY, ""), current.get_session_auth_hash()
    )


def is_meant(message: dict, *, session_key: str, groups: list[str]) -> bool:
    """Return whether a socket opened with ``session_key`` and listening to
    ``groups`` is one ``message`` (an ``access.ended``) closes."""
    if message.get("session_key") and message["session_key"] != session_key:
        return False
    wanted = message.get("groups") or []
    return not wanted or bool(set(wanted) & set(groups))


def end_sockets_of_signed_out_session(sender, request, user, **kwargs) -> None:
    """Close the sockets a browser opened with the session it signs out of
    (``user_logged_out``, sent before the session is flushed)."""
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if user is None or not session_key:
        return
    sockets_end(
        user_public_id=user.public_id, reason=SIGNED_OUT, session_key=session_key
    )
