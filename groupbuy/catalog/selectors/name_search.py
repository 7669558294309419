"""How a search word finds a product or a shop by name: as written, as pinyin,
as initials.

Shared by the catalog's searches and by anything that searches through a
product or a shop (a deal's ``product__`` and ``merchant__``): one rule, so
"niunai" finds the same milk on every page. Products and merchants hold the
same two keys (``search_pinyin``, ``search_initials``); see
``groupbuy.catalog.pinyin`` for the keys and the rules.
"""

from __future__ import annotations

from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    F,
    OuterRef,
    Q,
    Subquery,
    When,
)

from groupbuy.catalog.models import ProductAlias
from groupbuy.catalog.pinyin import NAME_SEPARATOR, initials_pattern, pinyin_patterns

NOTHING = Q(pk__in=[])


class _InArrayOf(Expression):
    """``column = ANY(ARRAY(SELECT …))``: PostgreSQL runs the subquery once and
    looks the ids up in the column's index, so an OR holding it can still be
    served by indexes (a BitmapOr with the trigram indexes, catalog.trigram);
    an EXISTS among the OR's arms made it read every product."""

    output_field = BooleanField()

    def __init__(self, column, queryset):
        super().__init__()
        self.column, self.subquery = column, Subquery(queryset)

    def get_source_expressions(self):
        return [self.column, self.subquery]

    def set_source_expressions(self, expressions):
        self.column, self.subquery = expressions

    def as_sql(self, compiler, connection):
        column_sql, column_params = compiler.compile(self.column)
        subquery_sql, subquery_params = compiler.compile(self.subquery)
        return (
            f"{column_sql} = ANY(ARRAY{subquery_sql})",
            (*column_params, *subquery_params),
        )


def _alias_match(word: str, *, path: str) -> Q:
    aliases = ProductAlias.objects.filter(text__icontains=word)
    if connection.vendor == "postgresql":
        return Q(_InArrayOf(F(f"{path}pk"), aliases.values("product_id")))
    return Q(Exists(aliases.filter(product=OuterRef(f"{path}pk"))))


def written_match(word: str, *, path: str = "") -> Q:
    """Match ``word`` in the product's names, brand or aliases as written."""
    return (
        Q(**{f"{path}name_zh__icontains": word})
        | Q(**{f"{path}name_en__icontains": word})
        | Q(**{f"{path}brand__icontains": word})
        | _alias_match(word, path=path)
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


def _pinyin_starts_a_name(word: str, *, path: str = "") -> Q:
    found = NOTHING
    for pattern in pinyin_patterns(word):
        found |= Q(**{f"{path}search_pinyin__startswith": pattern})
        found |= Q(**{f"{path}search_pinyin__contains": NAME_SEPARATOR + pattern})
    return found


def _initials_start_a_name(word: str, *, path: str = "") -> Q:
    pattern = initials_pattern(word)
    if pattern is None:
        return NOTHING
    return Q(**{f"{path}search_initials__startswith": pattern}) | Q(
        **{f"{path}search_initials__contains": NAME_SEPARATOR.strip() + pattern}
    )


def _any_path(match, word: str, paths: tuple[str, ...]) -> Q:
    return reduce(or_, (match(word, path=path) for path in paths))


def match_ranks(
    words: list[str], *, first: int = 0, written=written_match, paths=("",)
) -> tuple[list[When], int]:
    """Return ``When`` clauses ranking what every word of ``words`` matched,
    best first, and the rank of the rest (found by initials).

    ``written(word)`` matches a word as written; ``paths`` lead to the models
    holding pinyin keys (a product's, a shop's). From ``first``: every word
    as written; by pinyin, the first word at the start of a name ("niunai" for
    牛奶饼干 before 纯牛奶); by pinyin; by initials at the start of a name; then
    by initials anywhere.
    """
    pinyin_or_written = reduce(
        and_,
        (written(word) | _any_path(pinyin_match, word, paths) for word in words),
    )
    return [
        When(reduce(and_, (written(word) for word in words)), then=first),
        When(
            pinyin_or_written & _any_path(_pinyin_starts_a_name, words[0], paths),
            then=first + 1,
        ),
        When(pinyin_or_written, then=first + 2),
        When(_any_path(_initials_start_a_name, words[0], paths), then=first + 3),
    ], first + 4
