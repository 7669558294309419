"""Translations rendered late: a message is written in the language of whoever
reads it, which is not always the language of the request that wrote it."""

from __future__ import annotations

from django.utils.functional import lazy


def _interpolated(message, params: dict) -> str:
    return str(message) % params


# ``gettext_lazy("… %(title)s") % {...}`` renders at once, in the active language
# (a lazy string's ``%`` is eager); this renders each time it is turned into a
# string, so a notification can keep it in every language. Lazy values among the
# params render in the same language.
interpolate_lazy = lazy(_interpolated, str)
