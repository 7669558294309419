"""Translations rendered late (a message is written in the language of whoever
reads it, which is not always the language of the request that wrote it), and
sentences joined and labels followed as their language writes them."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import translation
from django.utils.functional import lazy


def _interpolated(message, params: dict) -> str:
    return str(message) % params


# ``gettext_lazy("… %(title)s") % {...}`` renders at once, in the active language
# (a lazy string's ``%`` is eager); this renders each time it is turned into a
# string, so a notification can keep it in every language. Lazy values among the
# params render in the same language.
interpolate_lazy = lazy(_interpolated, str)


# Marks that end a sentence (or a clause) in Chinese: written full width, they
# hold their own space, and the next sentence follows with none ("未发送。请稍后
# 再试。"); a space after one shows as a gap in the middle of the line.
_FULL_WIDTH_ENDS = frozenset("。！？；：…）」』”")


def join_sentences(sentences: Iterable[object]) -> str:
    """Join translated sentences into one text, as their language writes them:
    one space after an English sentence, none after a Chinese one. Decided by
    how each sentence ends, so an untranslated one in a Chinese page keeps its
    space. Empty sentences are left out."""
    text = ""
    for sentence in map(str, sentences):
        if not sentence:
            continue
        if text and text[-1] not in _FULL_WIDTH_ENDS:
            text += " "
        text += sentence
    return text


def label_colon() -> str:
    """The colon after a label, as the active language writes it: "从：" in
    Chinese (full width, no space), "From: " in English. An ASCII colon after
    a translated label read as a typo on the Chinese pages."""
    return "：" if (translation.get_language() or "").startswith("zh") else ": "
