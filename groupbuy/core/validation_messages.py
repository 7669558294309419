"""What a malformed API request is told, in the reader's language.

Django Ninja validates requests with Pydantic, whose messages ("Field
required", "Input should be greater than 0") are English only. An error's
``type`` and ``ctx`` say the same thing; this turns them into a sentence of
our catalogs, so a request in Chinese is answered in Chinese.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

_WHOLE_NUMBER = ("int_type", "int_parsing", "int_from_float", "int_parsing_size")
_NUMBER = ("float_type", "float_parsing", "decimal_type", "decimal_parsing")
_DATE_TIME = ("datetime_type", "datetime_parsing", "datetime_from_date_parsing")
_DATE = ("date_type", "date_parsing", "date_from_datetime_parsing")
_OBJECT = ("dict_type", "model_type", "model_attributes_type", "dataclass_type")


def _limit(error: dict[str, Any], *keys: str) -> Any:
    context = error.get("ctx") or {}
    return next((context[key] for key in keys if key in context), "")


def validation_message(error: dict[str, Any]) -> str:
    """Return the sentence for one Pydantic error (a dict of ``errors()``)."""
    kind = error.get("type", "")
    if kind in ("value_error", "assertion_error"):
        # Our own validators' words, translated when they were raised.
        cause = (error.get("ctx") or {}).get("error")
        if cause is not None and str(cause):
            return str(cause)
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
    bounded = {
        "greater_than": _("Give a number above %(limit)s."),
        "greater_than_equal": _("Give a number of at least %(limit)s."),
        "less_than": _("Give a number below %(limit)s."),
        "less_than_equal": _("Give a number of at most %(limit)s."),
        "string_too_short": _("Give at least %(limit)s characters."),
        "string_too_long": _("Give at most %(limit)s characters."),
        "too_short": _("Give at least %(limit)s items."),
        "too_long": _("Give at most %(limit)s items."),
        "multiple_of": _("Give a multiple of %(limit)s."),
    }
    if kind in bounded:
        limit = _limit(error, "gt", "ge", "lt", "le", "min_length", "max_length")
        limit = limit if kind != "multiple_of" else _limit(error, "multiple_of")
        return bounded[kind] % {"limit": limit}
    if kind in ("literal_error", "enum"):
        return _("Give one of: %(choices)s.") % {"choices": _limit(error, "expected")}
    return _("This value is not valid.")
