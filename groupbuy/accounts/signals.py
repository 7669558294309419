"""Signals other apps listen to (documented extension points)."""

from django.dispatch import Signal

# Sent when sign-up (or a later check) verifies that ``user`` holds the phone
# number ``phone_e164``, after the verification commits. Arguments: sender (the
# User class), user, phone_e164. notify attaches pending invitations on it.
phone_verified = Signal()
