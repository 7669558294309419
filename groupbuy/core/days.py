"""Calendar days people type into filters, reports and statements.

A period is read as days in the display time zone, from the start of its first
day to the start of the day after its last. At the edges of the calendar that
moment does not exist: 0001-01-01 in Asia/Shanghai is before year 1 in UTC, and
the day after 9999-12-31 is past ``date.max`` (both were a 500). A day outside
FIRST_DAY…LAST_DAY is refused on its field rather than clamped, so the person
sees that what they typed was not read. The range is wide (a statement of many
years is fine), with a year to spare at the top for a period's arithmetic.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9998, 12, 31)


def day_refusal(day: date | None) -> str:
    """Why ``day`` cannot be read as a day of the platform, or "" when it can."""
    if day is None or FIRST_DAY <= day <= LAST_DAY:
        return ""
    return _("Choose a day from %(first)s to %(last)s.") % {
        "first": FIRST_DAY.isoformat(),
        "last": LAST_DAY.isoformat(),
    }


def day_range_errors(**days: date | None) -> dict[str, list[str]]:
    """Return the refusals of the named days, by name (empty when all fit)."""
    return {name: [why] for name, day in days.items() if (why := day_refusal(day))}


def validate_day(day: date | None) -> None:
    """A form field's validator: a day outside FIRST_DAY…LAST_DAY is refused."""
    if message := day_refusal(day):
        raise ValidationError(message, code="day_out_of_range")


def day_start(day: date, zone=None) -> datetime:
    """Return the first moment of ``day`` in ``zone`` (the display time zone)."""
    zone = zone or timezone.get_current_timezone()
    return timezone.make_aware(datetime.combine(day, time.min), zone)


def day_after(day: date, zone=None) -> datetime:
    """Return the first moment after ``day`` (where a period ending it stops)."""
    return day_start(day + timedelta(days=1), zone)


def days_window(first: date, last: date, zone=None) -> tuple[datetime, datetime]:
    """Return the start of ``first`` and the start of the day after ``last``."""
    return day_start(first, zone), day_after(last, zone)
