"""Moments people set for what happens on the platform: a deal's start and
deadline, a team's end, a promotion's window, a cart's or a pool's times.

Each is shown in the display time zone, counted down to and handed to the job
queue. At the edges of the calendar that arithmetic overflows: 9999-12-31 23:59
UTC is in year 10000 in Asia/Shanghai, and while one deal had that deadline the
home page was a 500 for everyone. A moment outside EARLIEST…LATEST is refused
where it is read (the API's schemas through ``Moment``, the forms through
``validate_moment``), on its field, before any service sees it; each service
keeps its own rule on top (a deadline in the future, a demand within 60 days).
A filter's moment (``deadline_before``) is bounded too: it reaches the same
arithmetic.

A new start is not in the past either (``start_refusal``): a deal that "began" in
2020 opened at once and showed that date. That too is refused where it is read
(the forms' ``clean_start``, the API handlers' ``check_start``, after their
permission check); the services keep accepting any start (their tests' deals
began an hour ago).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import AfterValidator

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)

# How far a person's clock may be from the server's: a start this little behind
# now is a start now (their clock runs slow, or the request took a while), and a
# purchase this little ahead has happened (their phone runs fast).
CLOCK_SLACK = timedelta(minutes=5)


def moment_refusal(moment: datetime | None) -> str:
    """Why ``moment`` cannot be a moment of the platform, or "" when it can.
    (A moment without a time zone is for the caller to refuse as such.)"""
    if moment is None or timezone.is_naive(moment) or EARLIEST <= moment < LATEST:
        return ""
    return _("Choose a moment from %(first)s to %(last)s.") % {
        "first": EARLIEST.date().isoformat(),
        "last": "2099-12-31",
    }


def validate_moment(moment: datetime | None) -> None:
    """A form field's validator: a moment outside EARLIEST…LATEST is refused."""
    if message := moment_refusal(moment):
        raise ValidationError(message, code="moment_out_of_range")


def _to_the_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def start_refusal(
    starts_at: datetime | None,
    *,
    stored: datetime | None = None,
    now: datetime | None = None,
) -> str:
    """Why ``starts_at`` cannot be set as a start, or "" when it can: a start more
    than CLOCK_SLACK before now is refused, unless it is the ``stored`` start
    sent back unchanged (to the minute, as the forms show it): an open deal's
    start has passed, and saving its other fields must not trip on it."""
    if starts_at is None or timezone.is_naive(starts_at):
        return ""
    if stored is not None and _to_the_minute(starts_at) == _to_the_minute(stored):
        return ""
    if starts_at >= (now or timezone.now()) - CLOCK_SLACK:
        return ""
    return _(
        "The start has passed: choose a time from now on, "
        "or leave it empty to start now."
    )


def clean_start(starts_at: datetime | None, *, stored=None) -> datetime | None:
    """A form's start: refused when it has passed (see ``start_refusal``); the
    ``stored`` one, to the second, when it is sent back as the form showed it."""
    if message := start_refusal(starts_at, stored=stored):
        raise ValidationError(message, code="start_passed")
    if starts_at is None or stored is None:
        return starts_at
    return stored if _to_the_minute(starts_at) == _to_the_minute(stored) else starts_at


# What people call the display zones a shop is likely to run the platform in; a
# help text reading "Time zone: Asia/Shanghai" was a database name to them.
# Any other zone shows its IANA name, which is at least exact.
_ZONE_NAMES = {
    "Asia/Shanghai": gettext_lazy("Beijing time"),
    "Asia/Hong_Kong": gettext_lazy("Hong Kong time"),
    "Asia/Taipei": gettext_lazy("Taipei time"),
    "UTC": gettext_lazy("UTC"),
}


def zone_label(zone: str) -> str:
    """The display time zone ``zone`` as people call it."""
    return str(_ZONE_NAMES.get(zone, zone))


def zone_help_text(zone: str) -> str:
    """A form's help beside a moment: which clock it is read on."""
    return _("Time zone: %(zone)s.") % {"zone": zone_label(zone)}


def start_help_text(zone: str) -> str:
    """A form's help beside a start that may be left empty."""
    return _("Leave it empty to start now. Time zone: %(zone)s.") % {
        "zone": zone_label(zone)
    }


def _checked(moment: datetime) -> datetime:
    if message := moment_refusal(moment):
        raise ValueError(message)
    return moment


# A datetime an API request sets: the schema refuses it outside the range. A
# start is one too; whether it has passed is its handler's check_start.
Moment = Annotated[datetime, AfterValidator(_checked)]


def check_start(starts_at: datetime | None, *, stored=None) -> None:
    """An API handler's check of a start it sets (see ``start_refusal``), a 422
    on ``starts_at``. Made after the handler's permission check, not in the
    schema: someone who may not create the deal is told that (403), not that
    the start has passed."""
    if message := start_refusal(starts_at, stored=stored):
        raise ValidationError({"starts_at": [message]})


class MomentField(forms.DateTimeField):
    """A form's date and time (the browser's datetime-local picker), bounded."""

    input_format = "%Y-%m-%dT%H:%M"
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=input_format)
    default_validators = [validate_moment]

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "input_formats",
            [self.input_format, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        )
        super().__init__(**kwargs)
