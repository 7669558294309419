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
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AfterValidator

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


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


def _checked(moment: datetime) -> datetime:
    if message := moment_refusal(moment):
        raise ValueError(message)
    return moment


# A datetime an API request sets: the schema refuses it outside the range.
Moment = Annotated[datetime, AfterValidator(_checked)]


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
