"""Calibration: turn a recognition score into the precision measured at it.

A method's raw score (an appearance match's inlier confidence, say) only
orders its guesses. To decide whether a snap counts as demand at once, the
answer needs the share of guesses at that score that were right on photos
the method had not seen. ``fit_calibration`` measures it on a tuning set:

1. sort the guesses by score and pool adjacent ones until the share right
   never falls as the score rises (isotonic regression, pool-adjacent-
   violators), so a higher score never means a lower precision;
2. replace each pool's share by its one-sided 95 % Wilson lower bound, so a
   pool of 20 right guesses claims about 0.88, not 1.0: a count-at-once
   threshold of 0.99 needs hundreds of right guesses and no wrong one;
3. keep the result as a small step table (score → precision), shipped in
   ``data/calibration.json`` with what it was fitted on.

A score below the table's lowest step gets precision 0. A method without a
table has no measured precision: its answers always ask the shopper.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

CALIBRATION_PATH = Path(__file__).parent / "data" / "calibration.json"
WILSON_Z = 1.645  # one-sided 95 %


@dataclass(frozen=True)
class CalibrationTable:
    """A step function: from ``scores[i]`` up, precision is ``precisions[i]``."""

    scores: tuple[float, ...]
    precisions: tuple[float, ...]
    samples: int = 0
    fitted_on: str = ""

    def precision_at(self, score: float) -> float:
        index = bisect_right(self.scores, score) - 1
        return self.precisions[index] if index >= 0 else 0.0

    def lowest_score_for(self, precision: float) -> float | None:
        """Return the lowest score whose calibrated precision reaches ``precision``."""
        for score, measured in zip(self.scores, self.precisions, strict=True):
            if measured >= precision:
                return score
        return None

    def as_dict(self) -> dict:
        return asdict(self) | {
            "scores": list(self.scores),
            "precisions": list(self.precisions),
        }


def wilson_lower_bound(right: int, total: int, z: float = WILSON_Z) -> float:
    """Return the Wilson score interval's lower end for ``right`` of ``total``."""
    if total == 0:
        return 0.0
    share = right / total
    denominator = 1 + z * z / total
    centre = share + z * z / (2 * total)
    margin = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total))
    return max(0.0, (centre - margin) / denominator)


def fit_calibration(
    scores: list[float], correct: list[bool], *, fitted_on: str = ""
) -> CalibrationTable:
    """Return the isotonic, lower-bounded step table of ``correct`` by ``scores``."""
    pairs = sorted(zip(scores, correct, strict=True))
    # Pools of [lowest score, right, total]: first equal scores, then merged
    # while the (bounded) precision would not rise from one pool to the next.
    pools: list[list] = []
    for score, right in pairs:
        if pools and pools[-1][0] == score:
            pools[-1][1] += int(right)
            pools[-1][2] += 1
        else:
            pools.append([score, int(right), 1])
        _merge_falling(pools, lambda pool: pool[1] / pool[2])
    # A small pool's lower bound can sit under a bigger pool's before it:
    # pool those too, so the bound never falls as the score rises.
    bounded: list[list] = []
    for pool in pools:
        bounded.append(pool)
        _merge_falling(bounded, lambda pool: wilson_lower_bound(pool[1], pool[2]))
    steps_scores = [round(float(pool[0]), 4) for pool in bounded]
    steps_precisions = [
        round(wilson_lower_bound(pool[1], pool[2]), 4) for pool in bounded
    ]
    return CalibrationTable(
        tuple(steps_scores), tuple(steps_precisions), len(pairs), fitted_on
    )


def _merge_falling(pools: list[list], value) -> None:
    while len(pools) > 1 and value(pools[-2]) >= value(pools[-1]):
        high = pools.pop()
        pools[-1][1] += high[1]
        pools[-1][2] += high[2]


def save_calibration(tables: dict[str, CalibrationTable], path: Path) -> None:
    document = {method: table.as_dict() for method, table in sorted(tables.items())}
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")


def read_calibration(path: Path) -> dict[str, CalibrationTable]:
    document = json.loads(path.read_text())
    return {
        method: CalibrationTable(
            tuple(table["scores"]),
            tuple(table["precisions"]),
            int(table.get("samples", 0)),
            str(table.get("fitted_on", "")),
        )
        for method, table in document.items()
    }


@lru_cache(maxsize=1)
def shipped_calibration() -> dict[str, CalibrationTable]:
    """Return the shipped tables by method (empty if the file is missing)."""
    if not CALIBRATION_PATH.exists():
        return {}
    return read_calibration(CALIBRATION_PATH)
