"""Match OCR'd label text to product names and aliases, in Chinese and English.

Names are normalised (NFKC, case, units), cut into tokens (jieba's search
mode for Han text, words for the rest) and indexed once per catalog version.
A query shortlists names through the inverted index, then scores each by how
much of the name the label shows (IDF-weighted token coverage, fuzzy for OCR
slips) and how closely the name reads in it (rapidfuzz), over windows of
consecutive OCR lines because labels split names across lines.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import fuzz, process

from groupbuy.catalog.pinyin import to_simplified

# Units as printed on labels, folded into one spelling so "550毫升", "550 ML"
# and "５５０ｍｌ" compare equal.
_UNIT_SPELLINGS = (
    ("毫升", "ml"),
    ("千克", "kg"),
    ("公斤", "kg"),
    ("克", "g"),
    ("升", "l"),
)
_NUMBER_UNIT = re.compile(r"(\d)\s+(ml|kg|g|l)\b")
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# Numbers keep their unit ("550ml", "1.5l"); letters of any script but Han
# (Latin, kana, hangul…) form words.
_WORD = re.compile(r"\d+(?:\.\d+)?[a-z]*|[^\W\d_]+")
_SHORTLIST_SIZE = 40
_MAX_LINES_PER_WINDOW = 4
_MAX_LINES_WHOLE = 12
# A token counts as seen when its fuzzy score reaches this (OCR slips a
# stroke or a letter); it then counts in proportion to that score.
_FUZZY_TOKEN_CUTOFF = 75
# How much of the name the label shows matters most; how closely it reads and
# how much of the label it explains (so "Nutella" beats "Spread" on a jar of
# "Nutella hazelnut spread") break ties between names it covers equally.
_COVERAGE_WEIGHT = 0.6
_CLOSENESS_WEIGHT = 0.25
_PRECISION_WEIGHT = 0.15

_jieba_lock = threading.Lock()
_jieba_ready = False


class NameMatch(NamedTuple):
    product_public_id: str
    score: float  # 0..1
    matched_text: str  # the catalog name or alias that matched


@dataclass(frozen=True)
class _Window:
    """Consecutive OCR lines as the scorer needs them."""

    compact: str
    words: frozenset[str]
    tokens: tuple[str, ...]
    token_set: frozenset[str]


@dataclass(frozen=True)
class _IndexedName:
    product_public_id: str
    text: str
    compact: str
    tokens: tuple[str, ...]
    token_set: frozenset[str]


def normalise(text: str) -> str:
    """Return ``text`` in one canonical spelling.

    NFKC folds full-width forms to half-width (ＵＣＣ５００ｍｌ → UCC500ml),
    OpenCC folds Traditional Chinese to Simplified (礦泉水 → 矿泉水), then
    lower case and units folded: a label printed in either script matches a
    name written in the other.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    if _HAN_RUN.search(text):
        text = to_simplified().convert(text)
    for spelling, unit in _UNIT_SPELLINGS:
        text = re.sub(rf"(\d)\s*{spelling}", rf"\1{unit}", text)
    text = _NUMBER_UNIT.sub(r"\1\2", text)
    return " ".join(text.split())


def tokens(normalised_text: str) -> list[str]:
    """Return search tokens: jieba words and bigrams for Han runs, words otherwise."""
    found: list[str] = []
    for run in _HAN_RUN.findall(normalised_text):
        found += [word for word in _cut_for_search(run) if word.strip()]
        found += [run[index : index + 2] for index in range(len(run) - 1)]
    found += _WORD.findall(_HAN_RUN.sub(" ", normalised_text))
    return list(dict.fromkeys(found))


def _cut_for_search(text: str) -> list[str]:
    # Imported on first use: jieba imports pkg_resources (~0.1 s), which every
    # process start (server, worker, command) paid.
    import jieba

    global _jieba_ready
    if not _jieba_ready:
        with _jieba_lock:
            if not _jieba_ready:
                # jieba logs its dictionary loading at DEBUG on the root logger.
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba_ready = True
    return list(jieba.cut_for_search(text))


class ProductNameIndex:
    """An immutable search index over product names; build a new one per catalog."""

    def __init__(self, names: list[_IndexedName], version: str) -> None:
        self.version = version
        self._names = names
        self._postings: dict[str, list[int]] = defaultdict(list)
        for position, name in enumerate(names):
            for token in name.tokens:
                self._postings[token].append(position)
        count = max(1, len(names))
        self._weights = {
            token: math.log(1 + count / len(positions))
            for token, positions in self._postings.items()
        }
        self._unseen_weight = math.log(1 + count)

    @classmethod
    def build(
        cls, entries: Iterable[tuple[str, Sequence[str]]], version: str = ""
    ) -> ProductNameIndex:
        """Index ``(product_public_id, [names and aliases])`` pairs.

        ``version`` is the caller's stamp for the catalog state (e.g. the
        latest product change time); compare it to decide when to rebuild.
        """
        names = []
        for product_public_id, product_names in entries:
            for text in dict.fromkeys(product_names):
                normalised_text = normalise(text or "")
                if not normalised_text:
                    continue
                name_tokens = tokens(normalised_text)
                names.append(
                    _IndexedName(
                        product_public_id=product_public_id,
                        text=text,
                        compact=normalised_text.replace(" ", ""),
                        tokens=tuple(name_tokens),
                        token_set=frozenset(name_tokens),
                    )
                )
        return cls(names, version)

    def __len__(self) -> int:
        return len(self._names)

    def match(
        self, lines: Sequence[str], *, limit: int = 5, min_score: float = 0.5
    ) -> list[NameMatch]:
        """Return the products whose names the OCR ``lines`` show, best first."""
        normalised_lines = [normalise(line) for line in lines if line.strip()]
        if not normalised_lines or not self._names:
            return []
        windows = [_window(text) for text in _windows(normalised_lines)]
        best: dict[str, NameMatch] = {}
        for position in self._shortlist(" ".join(normalised_lines)):
            name = self._names[position]
            # Only windows sharing a token with the name can score well.
            relevant = [
                w for w in windows if not name.token_set.isdisjoint(w.token_set)
            ]
            if not relevant:
                continue
            score = max(self._score(name, window) for window in relevant)
            current = best.get(name.product_public_id)
            if score >= min_score and (current is None or score > current.score):
                best[name.product_public_id] = NameMatch(
                    name.product_public_id, round(score, 4), name.text
                )
        ranked = sorted(
            best.values(), key=lambda match: (-match.score, match.matched_text)
        )
        return ranked[:limit]

    def _shortlist(self, all_text: str) -> list[int]:
        votes: dict[int, float] = defaultdict(float)
        for token in tokens(all_text):
            for position in self._postings.get(token, ()):
                votes[position] += self._weights[token]
        ranked = sorted(votes, key=votes.__getitem__, reverse=True)
        return ranked[:_SHORTLIST_SIZE]

    def _weight(self, token: str) -> float:
        # A token no name has is as rare as can be.
        return self._weights.get(token, self._unseen_weight)

    def _score(self, name: _IndexedName, window: _Window) -> float:
        seen = total = 0.0
        for token in name.tokens:
            weight = self._weights[token]
            total += weight
            seen += weight * _token_presence(token, window)
        coverage = seen / total if total else 0.0
        closeness = fuzz.partial_ratio(name.compact, window.compact) / 100
        if len(window.compact) < len(name.compact):
            # A window showing part of the name reads "closely" but says less.
            closeness *= len(window.compact) / len(name.compact)
        name_tokens = set(name.tokens)
        explained = sum(self._weight(t) for t in window.tokens if t in name_tokens)
        label = sum(self._weight(t) for t in window.tokens)
        precision = explained / label if label else 0.0
        return (
            _COVERAGE_WEIGHT * coverage
            + _CLOSENESS_WEIGHT * closeness
            + _PRECISION_WEIGHT * precision
        )


def _window(text: str) -> _Window:
    window_tokens = tokens(text)
    return _Window(
        compact=text.replace(" ", ""),
        words=frozenset(_WORD.findall(_HAN_RUN.sub(" ", text))),
        tokens=tuple(window_tokens),
        token_set=frozenset(window_tokens),
    )


def _token_presence(token: str, window: _Window) -> float:
    if _HAN_RUN.fullmatch(token):
        if token in window.compact:
            return 1.0
        if len(token) < 3:
            return 0.0
        score = fuzz.partial_ratio(token, window.compact)
    else:
        if token in window.words:
            return 1.0
        if len(token) < 3 or not window.words:
            return 0.0
        _, score, _ = process.extractOne(token, window.words, scorer=fuzz.ratio)
    return score / 100 if score >= _FUZZY_TOKEN_CUTOFF else 0.0


def _windows(lines: list[str]) -> list[str]:
    """Return runs of up to four consecutive lines, and a short label whole."""
    windows = [
        " ".join(lines[start : start + size])
        for size in range(1, _MAX_LINES_PER_WINDOW + 1)
        for start in range(len(lines) - size + 1)
    ]
    # A label's name is in a few lines; all the text of a photo full of it
    # (an ingredient list, a shelf) would only join words of different things.
    if _MAX_LINES_PER_WINDOW < len(lines) <= _MAX_LINES_WHOLE:
        windows.append(" ".join(lines))
    return windows
