"""How often SMS codes may be asked for: per number and per client address.

Counted from the stored ``PhoneVerification`` rows, so every process and machine
sees the same counts. Requests for one number are serialised (SQLite's
``BEGIN IMMEDIATE`` already serialises every writer; on PostgreSQL a transaction
advisory lock per number does), so two requests racing cannot both pass the check.
Requests for different numbers from one address may still overlap by a code or two.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import ngettext

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import PhoneVerification
from groupbuy.core.locks import transaction_lock

HOUR = timedelta(hours=1)


def _lock_number(phone: str) -> None:
    transaction_lock(f"phone-code:{phone}")


def _too_many(seconds: float) -> AccountError:
    seconds = max(1, int(seconds) + 1)
    minutes = (seconds + 59) // 60
    return AccountError(
        "too_many_codes",
        ngettext(
            "Too many codes were asked for. Try again in %(count)d minute.",
            "Too many codes were asked for. Try again in %(count)d minutes.",
            minutes,
        )
        % {"count": minutes},
        status=429,
        retry_after=seconds,
    )


def _too_soon(seconds: float) -> AccountError:
    # The pacing between two codes, not a cap: say how long is left, to the second.
    seconds = max(1, int(seconds) + 1)
    return AccountError(
        "too_many_codes",
        ngettext(
            "A code was just sent. You can ask for a new one in %(count)d second.",
            "A code was just sent. You can ask for a new one in %(count)d seconds.",
            seconds,
        )
        % {"count": seconds},
        status=429,
        retry_after=seconds,
    )


def code_request_throttle(*, phone: str, purpose: str, address: str) -> None:
    """Raise AccountError 429 (with ``retry_after``) if no code may be sent now.

    Call inside the transaction that stores the new code.
    """
    _lock_number(phone)
    now = timezone.now()
    recent = PhoneVerification.objects.filter(created_at__gt=now - HOUR)
    times = list(
        recent.filter(phone=phone)
        .order_by("-created_at")
        .values_list("created_at", "purpose")
    )
    # The resend interval is per purpose (a reset right after signing up is fine);
    # the hourly cap counts every code the number got.
    resend = timedelta(seconds=settings.GROUPBUY_PHONE_CODE_RESEND_SECONDS)
    latest = next((at for at, kind in times if kind == purpose), None)
    if latest is not None and now - latest < resend:
        raise _too_soon((latest + resend - now).total_seconds())
    per_number = settings.GROUPBUY_PHONE_CODES_PER_NUMBER_PER_HOUR
    if len(times) >= per_number:
        raise _too_many((times[per_number - 1][0] + HOUR - now).total_seconds())
    if not address:
        return
    per_address = settings.GROUPBUY_PHONE_CODES_PER_ADDRESS_PER_HOUR
    from_address = list(
        recent.filter(requested_from=address)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:per_address]
    )
    if len(from_address) >= per_address:
        raise _too_many((from_address[-1] + HOUR - now).total_seconds())
