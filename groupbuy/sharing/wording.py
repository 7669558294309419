"""How the sharing pages and messages put words together in the active language."""

from __future__ import annotations

from django.utils import translation


def list_separator() -> str:
    """Between the items of a list (names, numbers), as the active language
    writes it: "小王、小李" in Chinese, "Wang, Li" in English (as
    core.i18n.label_colon decides its colon); a comma between Chinese names
    read as English punctuation."""
    return "、" if (translation.get_language() or "").startswith("zh") else ", "
