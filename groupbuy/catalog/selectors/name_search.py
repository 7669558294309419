"""How a search word finds a product by name: as written, as pinyin, as initials.

Shared by the catalog's searches and by anything that searches through a
product (a deal's ``product__``): one rule, so "niunai" finds the same milk on
every page. See ``groupbuy.catalog.pinyin`` for the keys and the rules.
"""

from __future__ import annotations

from functools import reduce
from operator import and_

from django.db.models import Exists, OuterRef, Q, When

from groupbuy.catalog.models import ProductAlias
from groupbuy.catalog.pinyin import initials_pattern, pinyin_patterns

NOTHING = Q(pk__in=[])


def written_match(word: str, *, path: str = "") -> Q:
    """Match ``word`` in the product's names, brand or aliases as written."""
    aliases = ProductAlias.objects.filter(
        product=OuterRef(f"{path}pk"), text__icontains=word
    )
    return (
        Q(**{f"{path}name_zh__icontains": word})
        | Q(**{f"{path}name_en__icontains": word})
        | Q(**{f"{path}brand__icontains": word})
        | Q(Exists(aliases))
    )


def pinyin_match(word: str, *, path: str = "") -> Q:
    """Match ``word`` read as the pinyin of the Chinese name or brand."""
    patterns = pinyin_patterns(word)
    if not patterns:
        return NOTHING
    return reduce(
        lambda found, pattern: found | Q(**{f"{path}search_pinyin__contains": pattern}),
        patterns,
        NOTHING,
    )


def initials_match(word: str, *, path: str = "") -> Q:
    """Match ``word`` read as the initials of the Chinese name or brand."""
    pattern = initials_pattern(word)
    if pattern is None:
        return NOTHING
    return Q(**{f"{path}search_initials__contains": pattern})


def name_match(word: str, *, path: str = "") -> Q:
    """Match ``word`` in any of the three ways."""
    return (
        written_match(word, path=path)
        | pinyin_match(word, path=path)
        | initials_match(word, path=path)
    )


def written_or_pinyin_match(word: str, *, path: str = "") -> Q:
    return written_match(word, path=path) | pinyin_match(word, path=path)


def match_ranks(words: list[str], *, path: str = "", first: int = 0) -> list:
    """Return ``When`` clauses ranking a product every word matched: ``first``
    when all matched as written, ``first + 1`` when all did with pinyin, and
    ``first + 2`` (the default to give) when initials were needed."""
    written = reduce(and_, (written_match(word, path=path) for word in words))
    pinyin = reduce(and_, (written_or_pinyin_match(w, path=path) for w in words))
    return [When(written, then=first), When(pinyin, then=first + 1)]
