"""The demand rules that come from settings, and input checks shared by services.

Settings (all optional):

- ``GROUPBUY_DEMAND_DEPOSIT_FIXED_FEN``: a fixed deposit per participant; 0 (the
  default) uses the share below instead.
- ``GROUPBUY_DEMAND_DEPOSIT_BPS``: the deposit as a share of the participant's
  target value (quantity × target unit price), in basis points (default 1000 =
  10 %), at least one fen.
- ``GROUPBUY_DEMAND_FORFEIT_RULE``: "merchant" (default), "platform" or "refund":
  what happens to the deposit of someone who withdraws after acceptance.
- ``GROUPBUY_DEMAND_MAX_DAYS``: how far ahead a deadline may be (default 60).
- ``GROUPBUY_DEMAND_NOTICE_HOURS``: how much notice a published demand's
  participants and merchants get when its deadline is brought forward: the new
  deadline is at least this far from now (default 24).
- ``GROUPBUY_DEMAND_PAYMENT_HOURS``: how long the deal made from an accepted
  offer stays open for the rest of the payments (default 48).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.api_urls import SitePath
from groupbuy.core.errors import Forbidden
from groupbuy.core.money import format_fen
from groupbuy.core.times import format_local_time
from groupbuy.demands.errors import DemandError
from groupbuy.demands.models import ForfeitRule

MAX_QUANTITY = 10_000
MAX_PRICE_FEN = 100_000_000


def deposit_fen_for(*, quantity: int, target_unit_price_fen: int) -> int:
    fixed = getattr(settings, "GROUPBUY_DEMAND_DEPOSIT_FIXED_FEN", 0)
    if fixed:
        return int(fixed)
    bps = getattr(settings, "GROUPBUY_DEMAND_DEPOSIT_BPS", 1000)
    return max(1, (quantity * target_unit_price_fen * bps + 5_000) // 10_000)


def forfeit_rule() -> str:
    rule = getattr(settings, "GROUPBUY_DEMAND_FORFEIT_RULE", ForfeitRule.MERCHANT)
    if rule not in ForfeitRule.values:
        raise ValueError(f"GROUPBUY_DEMAND_FORFEIT_RULE {rule!r} is not a rule")
    return rule


def kept_on_leaving_fen(*, rule: str, held_fen: int) -> int:
    """Return how much of a deposit still held (``held_fen``) someone who leaves
    after acceptance loses under ``rule``: all of it, unless it is refunded."""
    return 0 if rule == ForfeitRule.REFUND else held_fen


def payment_window() -> timedelta:
    return timedelta(hours=getattr(settings, "GROUPBUY_DEMAND_PAYMENT_HOURS", 48))


def _invalid(field: str, message: str) -> DemandError:
    return DemandError("invalid", message, fields={field: [message]})


def check_whole(value, *, field: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _invalid(field, _("Enter a whole number."))
    if not low <= value <= high:
        raise _invalid(
            field,
            _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high},
        )
    return value


def check_price(value, *, field: str) -> int:
    """Refuse a unit price outside one fen to ``MAX_PRICE_FEN``, naming the limits
    in yuan: people type prices in yuan, and "1 to 100000000" read as yuan was a
    hundred times the real limit."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise _invalid(field, _("Enter a whole number."))
    if not 1 <= value <= MAX_PRICE_FEN:
        raise _invalid(
            field,
            _("Enter a price from %(low)s to %(high)s.")
            % {"low": format_fen(1), "high": format_fen(MAX_PRICE_FEN)},
        )
    return value


def check_own_units(value, *, quantity_wanted: int) -> int:
    """Refuse an initiator taking more units than the demand wants in all,
    saying which total bounds them (a bare "1 to 10" named neither)."""
    check_whole(value, field="initiator_quantity", low=1, high=MAX_QUANTITY)
    # A total that is not a whole number is refused on its own field.
    if isinstance(quantity_wanted, int) and value > quantity_wanted:
        raise _invalid(
            "initiator_quantity",
            _("Your own units can be at most the units wanted in all (%(total)s).")
            % {"total": quantity_wanted},
        )
    return value


def check_text(value: str, *, field: str, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _invalid(field, _("This field is required."))
    if len(value) > limit:
        raise _invalid(
            field, _("Keep it to at most %(limit)s characters.") % {"limit": limit}
        )
    return value


def check_location(latitude, longitude) -> None:
    """Refuse one coordinate without the other, and a place not on Earth,
    naming the coordinate at fault."""
    if (latitude is None) != (longitude is None):
        field = "longitude" if longitude is None else "latitude"
        raise _invalid(field, _("Give both latitude and longitude, or neither."))
    if latitude is None:
        return
    # Written so that NaN, which compares false with everything, is refused too.
    problems = {}
    if not -90 <= latitude <= 90:
        problems["latitude"] = [_("The latitude must be between -90 and 90.")]
    if not -180 <= longitude <= 180:
        problems["longitude"] = [_("The longitude must be between -180 and 180.")]
    if problems:
        message = next(iter(problems.values()))[0]
        raise DemandError("invalid", message, fields=problems)


# Time for people to see a demand and answer it: a deadline sooner than this is
# refused (a deadline in the past is too).
MIN_DEADLINE_AHEAD = timedelta(minutes=5)


def check_deadline(deadline_at, *, now: datetime) -> datetime:
    if not isinstance(deadline_at, datetime) or timezone.is_naive(deadline_at):
        raise _invalid("deadline_at", _("Give a date and time with its time zone."))
    if deadline_at <= now + MIN_DEADLINE_AHEAD:
        raise _invalid(
            "deadline_at",
            _("The deadline must be more than %(minutes)s minutes from now.")
            % {"minutes": int(MIN_DEADLINE_AHEAD.total_seconds() // 60)},
        )
    days = getattr(settings, "GROUPBUY_DEMAND_MAX_DAYS", 60)
    if deadline_at > now + timedelta(days=days):
        raise _invalid(
            "deadline_at",
            _("The deadline can be at most %(days)s days ahead.") % {"days": days},
        )
    return deadline_at


def notice() -> timedelta:
    return timedelta(hours=getattr(settings, "GROUPBUY_DEMAND_NOTICE_HOURS", 24))


def check_notice(deadline_at: datetime, *, now: datetime) -> None:
    """Refuse bringing a published demand's deadline closer than the notice
    everyone who counted on it is owed."""
    earliest = now + notice()
    if deadline_at >= earliest:
        return
    hours = int(notice().total_seconds() // 3600)
    message = _(
        "Bringing the deadline forward needs %(hours)s hours' notice: "
        "the earliest is %(earliest)s."
    ) % {
        "hours": hours,
        "earliest": format_local_time(earliest),
    }
    raise DemandError(
        "deadline_too_soon",
        message,
        status=409,
        fields={"deadline_at": [message]},
    )


def deadline_passed_error(*, deadline_at: datetime, now: datetime) -> DemandError:
    """The refusal of a join or offer after the deadline, by the server's clock."""
    late_ms = int((now - deadline_at).total_seconds() * 1000)
    return DemandError(
        "deadline_passed",
        _("The deadline passed %(ms)s ms ago (server clock).") % {"ms": late_ms},
        status=409,
        fields={"late_ms": [str(late_ms)]},
    )


def check_phone_verified(actor) -> None:
    """Refuse a buyer whose phone number is not confirmed: a deposit holder must
    be reachable, and one number is one buyer (the patent's 防止恶意团购)."""
    if getattr(actor, "phone_verified_at", None) is not None:
        return
    # The message says what to do; the link goes beside it (``verify_url``),
    # for an app to open and a page to redirect to.
    raise Forbidden(
        "phone_not_verified",
        _(
            "Confirm your phone number before starting or joining a demand; "
            "it takes one SMS."
        ),
        extra={"verify_url": SitePath(reverse("web:phone_verify"))},
    )
