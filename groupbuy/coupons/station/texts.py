"""What the station says to the cashier, in the station's language.

The station runs without Django, so it reads the coupons app's compiled
catalog (``groupbuy/coupons/locale``) with the standard library's gettext.
The messages are marked with calls named ``gettext`` and ``ngettext`` so that
``makemessages`` extracts them into that catalog with the rest of the app.
"""

from __future__ import annotations

import gettext as gnu_gettext
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
# The languages the site speaks (settings.LANGUAGES); the first is a new
# station's, as it is the site's default.
LANGUAGES = ("zh-hans", "en")

_catalog: gnu_gettext.NullTranslations = gnu_gettext.NullTranslations()
_language = "en"


def use_language(language: str) -> None:
    """Speak ``language`` from now on (English, the source, if it is unknown)."""
    global _catalog, _language
    language = language.lower()
    if language not in LANGUAGES:
        language = "en"
    # Django names the folder zh_Hans; gettext finds it under that name only.
    folder = {"zh-hans": "zh_Hans"}.get(language, language)
    _catalog = gnu_gettext.translation(
        "django", localedir=LOCALE_DIR, languages=[folder], fallback=True
    )
    _language = language


def language() -> str:
    return _language


def gettext(message: str) -> str:
    return _catalog.gettext(message)


def ngettext(singular: str, plural: str, number: int) -> str:
    return _catalog.ngettext(singular, plural, number)


# Django's DATE_FORMAT in each language ("N j, Y": AP-style month names), so a
# day reads as on the platform's till.
_AP_MONTHS = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)


def _in_zone(moment: int, zone_name: str | None) -> datetime:
    """Return ``moment`` (Unix seconds) in ``zone_name`` (the site's display
    zone, from the last sync), or in this machine's zone if there is none."""
    try:
        return datetime.fromtimestamp(moment, ZoneInfo(zone_name or ""))
    except (ZoneInfoNotFoundError, ValueError):
        return datetime(*time.localtime(moment)[:6])


def day_start(moment: float, zone_name: str | None) -> int:
    """Return the first second (Unix) of ``moment``'s day in ``zone_name``
    (see ``_in_zone``): the shop's day, whatever zone the machine is set to."""
    try:
        zone = ZoneInfo(zone_name or "")
    except (ZoneInfoNotFoundError, ValueError):
        now = time.localtime(moment)
        midnight = (now.tm_year, now.tm_mon, now.tm_mday, 0, 0, 0, 0, 0, -1)
        return int(time.mktime(midnight))
    day = datetime.fromtimestamp(moment, zone)
    return int(datetime(day.year, day.month, day.day, tzinfo=zone).timestamp())


def format_clock(moment: int, zone_name: str | None) -> str:
    """Write ``moment`` as HH:MM in ``zone_name`` (see ``_in_zone``)."""
    return _in_zone(moment, zone_name).strftime("%H:%M")


def format_moment(moment: int, zone_name: str | None) -> str:
    """Write ``moment`` to the minute in ``zone_name`` (see ``_in_zone``)."""
    return _in_zone(moment, zone_name).strftime("%Y-%m-%d %H:%M")


def format_day(moment: int, zone_name: str | None) -> str:
    """Write the day of ``moment`` (Unix seconds) in ``zone_name`` (the site's
    display zone, from the last sync; else this machine's) as the site does."""
    day = _in_zone(moment, zone_name)
    if _language == "zh-hans":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{_AP_MONTHS[day.month - 1]} {day.day}, {day.year}"
