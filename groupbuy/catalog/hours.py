"""A branch's weekly opening hours: when buyers may pick up there.

Stored on ``Branch.opening_hours`` as one entry per day the branch opens,
``[{"day": "mon", "opens": "08:00", "closes": "22:00"}, ...]`` in week order.
An empty list means the shop gave no hours; once any day is given, the days
not listed are closed.

Times are "HH:MM" on the 24-hour clock. A branch closes after it opens: a close
at 24:00 is midnight, and 00:00 to 24:00 is open all day. Open overnight is one
entry whose close is earlier than its opening ("18:00" to "02:00": it closes at
2 in the morning of the next day), shown as such; a close equal to the opening
is refused, as it says neither "closed" nor "all day".
"""

from __future__ import annotations

import re
from itertools import groupby

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MIDNIGHT_CLOSE = "24:00"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class OpeningHoursError(ValueError):
    """The hours given cannot be stored; the message says why, for the owner."""


def day_label(day: str) -> str:
    """Return the day's short name in the reader's language ("Mon", 星期一)."""
    return str(WEEKDAYS_ABBR[DAYS.index(day)])


def _clean_time(value, *, day: str, closing: bool) -> str:
    text = str(value or "").strip()
    if closing and text == MIDNIGHT_CLOSE:
        return text
    match = _TIME.match(text)
    if not match:
        raise OpeningHoursError(
            _("%(day)s: write times as HH:MM on the 24-hour clock, e.g. 08:00.")
            % {"day": day_label(day)}
        )
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _clean_entry(entry) -> dict:
    if not isinstance(entry, dict) or entry.get("day") not in DAYS:
        raise OpeningHoursError(
            _("Each day is one of %(days)s.") % {"days": ", ".join(DAYS)}
        )
    day = entry["day"]
    if not entry.get("opens") or not entry.get("closes"):
        raise OpeningHoursError(
            _("%(day)s: give both the opening and the closing time.")
            % {"day": day_label(day)}
        )
    opens = _clean_time(entry["opens"], day=day, closing=False)
    closes = _clean_time(entry["closes"], day=day, closing=True)
    if opens == closes:
        raise OpeningHoursError(
            _(
                "%(day)s: the branch must close after it opens (00:00 to 24:00 "
                "is open all day)."
            )
            % {"day": day_label(day)}
        )
    return {"day": day, "opens": opens, "closes": closes}


def clean_opening_hours(value) -> list[dict]:
    """Return ``value`` as stored: each day at most once, in week order."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise OpeningHoursError(_("Give the opening hours as a list of days."))
    entries = [_clean_entry(entry) for entry in value]
    days = [entry["day"] for entry in entries]
    for day in DAYS:
        if days.count(day) > 1:
            raise OpeningHoursError(
                _("%(day)s is given twice: give each day once.")
                % {"day": day_label(day)}
            )
    return sorted(entries, key=lambda entry: DAYS.index(entry["day"]))


def is_overnight(entry: dict) -> bool:
    return entry["closes"] != MIDNIGHT_CLOSE and entry["closes"] < entry["opens"]


def _hours_said(entry: dict | None) -> str:
    if entry is None:
        return _("closed")
    if is_overnight(entry):
        return _("%(opens)s–%(closes)s (next day)") % entry
    return f"{entry['opens']}–{entry['closes']}"


def _days_said(days: list[str]) -> str:
    if len(days) == 1:
        return day_label(days[0])
    return f"{day_label(days[0])}–{day_label(days[-1])}"


def hours_summary(opening_hours) -> str:
    """Return the week in the reader's language, runs of days with the same
    hours together: "Mon–Fri 08:00–22:00; Sat–Sun 09:00–21:00". "" if none."""
    by_day = {entry["day"]: entry for entry in opening_hours or ()}
    if not by_day:
        return ""
    runs = groupby(DAYS, key=lambda day: _hours_said(by_day.get(day)))
    parts = [f"{_days_said(list(days))} {hours}" for hours, days in runs]
    return _("; ").join(parts)
