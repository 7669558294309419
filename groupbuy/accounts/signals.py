"""Signals the accounts app sends: documented extension points, not business flow.

``phone_verified(sender=User, user, phone_e164)``
    Sent after the transaction commits, once a person has proved with an SMS code
    that ``phone_e164`` (E.164, e.g. ``+8613800138000``) is theirs and it is the
    phone number of ``user``: when a sign-up is completed, a number is confirmed,
    or an account is moved to another number (``phone_change_complete``; then
    what a receiver derived from the old number must follow). Receivers may, for
    example, attach invitations that were sent to that number before the account
    existed. A receiver that raises is logged and does not undo the sign-up.

``email_verified(sender=User, user, email)``
    Sent after the transaction commits, once ``user`` has opened the link sent to
    ``email`` (their current address, lower- and upper-case as stored) and
    confirmed it while signed in. Receivers may attach invitations e-mailed to
    that address. A receiver that raises is logged.
"""

from django.dispatch import Signal

phone_verified = Signal()
email_verified = Signal()
