"""Full-text search over published demands, one selector for two databases.

Text is segmented with jieba (Chinese has no spaces) into space-separated,
lower-cased tokens, and the title's Chinese words are added as pinyin and
initials ("niunai", "nn": ``groupbuy.catalog.pinyin``); the database then
matches tokens. SQLite keeps them in an
FTS5 table (``demands_demand_fts``, rowid = demand id) ranked by bm25;
PostgreSQL uses ``to_tsvector('simple', search_text)`` with a GIN index and
``ts_rank``. A query token that reads as pinyin, its last syllable perhaps cut
short ("xiangj"), matches the words it starts (FTS5's ``"xiangj"*``,
PostgreSQL's ``'xiangj':*``). Queries are segmented the same way and each
token is quoted, so no user text ever reaches the query syntax; FTS operator
characters are refused.
"""

from __future__ import annotations

import functools
import re

from django.db import connection
from django.utils.translation import gettext as _

from groupbuy.catalog import pinyin
from groupbuy.demands.errors import DemandError

MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 24
_SYNTAX = re.compile(r'["*():^{}\[\]\\]')
_WORD = re.compile(r"\w+", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
_LATIN = re.compile(r"[A-Za-z]")


@functools.cache
def _jieba():
    """jieba, imported on first use: it imports pkg_resources (~0.1 s), which
    every process start paid."""
    import jieba

    jieba.setLogLevel(60)
    return jieba


def segment(text: str) -> list[str]:
    """Return the search tokens of ``text``: jieba words and sub-words, lower case."""
    tokens = []
    for piece in _jieba().cut_for_search(text or ""):
        tokens.extend(word.lower() for word in _WORD.findall(piece))
    return tokens


def _pinyin_tokens(title: str) -> list[str]:
    """Return the title's Chinese words as a shopper types them: the pinyin of
    each word and of each run of Han characters ("niunai", "chunniunai"), and
    the initials of those of two characters or more ("nn"; one letter would
    match too much). Polyphonic characters read as in their words (银行: yinhang).
    """
    words = [
        piece for piece in _jieba().cut_for_search(title or "") if _HAN.search(piece)
    ]
    words += _HAN_RUN.findall(title or "")
    tokens = []
    for word in dict.fromkeys(words):
        readings = pinyin.syllables(word)
        if readings:
            tokens.append("".join(readings))
        if len(readings) >= pinyin.MIN_LETTERS:
            tokens.append("".join(reading[0] for reading in readings))
    return tokens


def document_text(*, title: str, description: str) -> str:
    # The title counts twice: a match there says more than one in the notes, or
    # than its pinyin, which counts once (a name as written ranks first).
    return " ".join(segment(title) * 2 + segment(description) + _pinyin_tokens(title))


def query_tokens(query: str) -> list[str]:
    """Return the distinct tokens to look for; refuse what cannot be a search."""
    if len(query) > MAX_QUERY_CHARS:
        message = _("Keep the search to at most %(n)s characters.") % {
            "n": MAX_QUERY_CHARS
        }
        raise DemandError("invalid_query", message, fields={"q": [message]})
    if _SYNTAX.search(query):
        message = _("Search with words only, without quotes, brackets or stars.")
        raise DemandError("invalid_query", message, fields={"q": [message]})
    # A word mixing letters and Han characters ("niu奶") is pinyin being typed:
    # it is looked for as pinyin too, beside jieba's pieces of it.
    mixed = [
        pinyin.word_pinyin(word)
        for word in query.split()
        if _HAN.search(word) and _LATIN.search(word)
    ]
    return list(dict.fromkeys(segment(query) + mixed))[:MAX_QUERY_TOKENS]


def is_typed_pinyin(token: str) -> bool:
    """Whether ``token`` reads as pinyin, its last syllable perhaps cut short
    ("xiangj"): looked for as the start of a word ("xiangjiao"), as the
    catalog's search finds 香蕉 by it. Only from a syllable's start: "iangj"
    is not pinyin."""
    return token.isascii() and token.isalpha() and bool(pinyin.pinyin_patterns(token))


def words_match(tokens: list[str], words: set[str]) -> bool:
    """Whether a query's ``tokens`` find one of a text's ``words``: a token
    equal to a word, or pinyin typed partly starting one (what the index's
    search does, for a saved search and a demand just published)."""
    if words.intersection(tokens):
        return True
    starts = [token for token in tokens if is_typed_pinyin(token)]
    return any(word.startswith(start) for word in words for start in starts)


def index_update(*, demand_id: int, text: str | None) -> None:
    """Put a demand's text in the index, or take it out (``text=None``)."""
    if connection.vendor != "sqlite":
        return  # PostgreSQL indexes the column itself
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM demands_demand_fts WHERE rowid = %s", [demand_id])
        if text is not None:
            cursor.execute(
                "INSERT INTO demands_demand_fts (rowid, body) VALUES (%s, %s)",
                [demand_id, text],
            )


def index_compact() -> None:
    """Merge the index so text taken out of it is gone from its pages too.

    FTS5 only marks removed rows; their tokens stay in the index segments until
    a merge. An erasure must not leave a person's number behind there.
    """
    if connection.vendor != "sqlite":
        return  # PostgreSQL derives the index from the column
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO demands_demand_fts (demands_demand_fts) VALUES ('optimize')"
        )


def ranked_ids(tokens: list[str], *, limit: int) -> list[int]:
    """Return ids of indexed demands matching any token, best first."""
    if not tokens:
        return []
    if connection.vendor == "postgresql":
        return _postgres_ranked(tokens, limit=limit)
    return _sqlite_ranked(tokens, limit=limit)


def _with_word_starts(tokens: list[str]) -> list[tuple[str, bool]]:
    """Return (token, as the start of a word) pairs to look for: each token as
    a whole word, and pinyin typed partly also as a word's start. On SQLite
    the whole word counts again in bm25, so a title that says "yinhang" ranks
    before 银行卡套, whose pinyin words "yinhang" and "yinhangkatao" both
    start with it (PostgreSQL ranks whole words first: ``_postgres_ranked``)."""
    pairs = [(token, False) for token in tokens]
    return pairs + [(token, True) for token in tokens if is_typed_pinyin(token)]


def _sqlite_ranked(tokens, *, limit):
    match = " OR ".join(
        '"' + token.replace('"', "") + '"' + ("*" if as_start else "")
        for token, as_start in _with_word_starts(tokens)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM demands_demand_fts WHERE demands_demand_fts MATCH %s "
            "ORDER BY bm25(demands_demand_fts), rowid LIMIT %s",
            [match, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def _tsquery(pairs) -> str:
    # Each token is plain \w text; quoting it as a lexeme keeps it literal.
    return " | ".join(
        "'" + token.replace("'", "") + "'" + (":*" if as_start else "")
        for token, as_start in pairs
    )


def _postgres_ranked(tokens, *, limit):
    query = _tsquery(_with_word_starts(tokens))
    # ts_rank counts a word that both a whole token and a word start find once,
    # so whole words are ranked first on their own ("yinhang" the title says
    # before 银行卡套's pinyin words starting with it).
    whole = _tsquery((token, False) for token in tokens)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM demands_demand "
            "WHERE state = 'published' AND "
            "to_tsvector('simple', search_text) @@ to_tsquery('simple', %s) "
            "ORDER BY ts_rank(to_tsvector('simple', search_text), "
            "to_tsquery('simple', %s)) DESC, "
            "ts_rank(to_tsvector('simple', search_text), "
            "to_tsquery('simple', %s)) DESC, id LIMIT %s",
            [query, whole, query, limit],
        )
        return [row[0] for row in cursor.fetchall()]
