"""What a malformed API request is told, in the reader's language.

Django Ninja validates requests with Pydantic, whose messages ("Field
required", "Input should be greater than 0") are English only. An error's
``type`` and ``ctx`` say the same thing; this turns them into a sentence of
our catalogs, so a request in Chinese is answered in Chinese.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.core.idempotency import IDEMPOTENCY_KEY_PATTERN, idempotency_key_rule

_WHOLE_NUMBER = ("int_type", "int_parsing", "int_from_float", "int_parsing_size")
_NUMBER = ("float_type", "float_parsing", "decimal_type", "decimal_parsing")
_DATE_TIME = ("datetime_type", "datetime_parsing", "datetime_from_date_parsing")
_DATE = ("date_type", "date_parsing", "date_from_datetime_parsing")
_OBJECT = ("dict_type", "model_type", "model_attributes_type", "dataclass_type")


# One choice as Pydantic writes it in ``expected``: a quoted string or a bare
# number (its repr).
_CHOICE = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s,'"]+""")


def _choices(expected: str) -> list[str]:
    """Return the choices of Pydantic's "'a', 'b' or 'c'" (joined in English
    whatever the language), or ``[expected]`` if it is written otherwise."""
    choices, position = [], 0
    while (match := _CHOICE.match(expected, position)) is not None:
        choices.append(match.group())
        position = match.end()
        if expected.startswith(", ", position):
            position += 2
        elif expected.startswith(" or ", position):
            last = _CHOICE.fullmatch(expected, position + 4)
            return [*choices, last.group()] if last else [expected]
        else:
            break
    return choices if position == len(expected) and len(choices) == 1 else [expected]


def _limit(error: dict[str, Any], *keys: str) -> Any:
    context = error.get("ctx") or {}
    return next((context[key] for key in keys if key in context), "")


def _counted(kind: str, count: int) -> str:
    """A length's refusal in the plural ``count`` asks for (written out, so
    that makemessages finds each pair)."""
    if kind == "string_too_short":
        text = ngettext(
            "Give at least %(limit)s character.",
            "Give at least %(limit)s characters.",
            count,
        )
    elif kind == "string_too_long":
        text = ngettext(
            "Give at most %(limit)s character.",
            "Give at most %(limit)s characters.",
            count,
        )
    elif kind == "too_short":
        text = ngettext(
            "Give at least %(limit)s item.", "Give at least %(limit)s items.", count
        )
    else:
        text = ngettext(
            "Give at most %(limit)s item.", "Give at most %(limit)s items.", count
        )
    return text % {"limit": count}


COUNTED_KINDS = ("string_too_short", "string_too_long", "too_short", "too_long")


# The types whose refusal says when the value was sent in quotes.
QUOTABLE_TYPES = ("bool_type", "int_type", "float_type")


def _quoted_value(error: dict[str, Any]) -> str | None:
    """Say that a JSON boolean or number was sent as text (``"true"``, ``"5"``):
    "Give true or false." reads as nonsense to someone who sent "true". The
    API's errors carry the text as ``text_sent`` (groupbuy/api.py)."""
    text = error.get("text_sent", error.get("input"))
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    kind = error.get("type", "")
    if kind == "bool_type" and isinstance(value, bool):
        return _("Give true or false, without quotes.")
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind in ("int_type", "float_type") and is_number:
        return _("Give a number, without quotes.")
    return None


def validation_message(error: dict[str, Any]) -> str:
    """Return the sentence for one Pydantic error (a dict of ``errors()``)."""
    kind = error.get("type", "")
    if kind in ("value_error", "assertion_error"):
        # Our own validators' words, translated when they were raised.
        cause = (error.get("ctx") or {}).get("error")
        if cause is not None and str(cause):
            return str(cause)
    if (quoted := _quoted_value(error)) is not None:
        return quoted
    simple = {
        "missing": _("This field is required."),
        "string_type": _("Give text here."),
        "bool_type": _("Give true or false."),
        "bool_parsing": _("Give true or false."),
        "list_type": _("Give a list."),
        "extra_forbidden": _("This field is not expected here."),
        "json_invalid": _("This is not valid JSON."),
        "timezone_aware": _("Give the time with its time zone."),
        "uuid_parsing": _("Give a valid identifier."),
        "url_parsing": _("Give a valid web address."),
    }
    if kind in simple:
        return simple[kind]
    if kind == "string_pattern_mismatch" and _limit(error, "pattern") == (
        IDEMPOTENCY_KEY_PATTERN
    ):
        # "This value is not valid." gave a client sending "k1" no clue.
        return idempotency_key_rule()
    if kind in _WHOLE_NUMBER:
        return _("Give a whole number.")
    if kind in _NUMBER:
        return _("Give a number.")
    if kind in _DATE_TIME:
        return _("Give a date and time, such as 2026-12-24T18:00:00+08:00.")
    if kind in _DATE:
        return _("Give a date, such as 2026-12-24.")
    if kind in _OBJECT:
        return _("Give an object with its fields.")
    if kind in COUNTED_KINDS:
        # Counted in the plural the count asks for: a required reason sent
        # blank read "Give at least 1 characters."
        return _counted(kind, _limit(error, "min_length", "max_length"))
    bounded = {
        "greater_than": _("Give a number above %(limit)s."),
        "greater_than_equal": _("Give a number of at least %(limit)s."),
        "less_than": _("Give a number below %(limit)s."),
        "less_than_equal": _("Give a number of at most %(limit)s."),
        "multiple_of": _("Give a multiple of %(limit)s."),
    }
    if kind in bounded:
        limit = _limit(error, "gt", "ge", "lt", "le", "min_length", "max_length")
        limit = limit if kind != "multiple_of" else _limit(error, "multiple_of")
        return bounded[kind] % {"limit": limit}
    if kind in ("literal_error", "enum"):
        # Joined as the reader's language joins a list: "'a', 'b' or 'c'",
        # "'a'，'b' 或 'c'" (Django's own words for ", " and "or").
        choices = get_text_list(_choices(str(_limit(error, "expected"))))
        return _("Give one of: %(choices)s.") % {"choices": choices}
    return _("This value is not valid.")
