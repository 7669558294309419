"""sync.py and static/clock/sync.js give the same answers on the same probes.

``tests/js/parity.json`` holds 40 probes (a burst of 20, then one every 3 s;
up to 30 ms of jitter each way, a clock 80 ppm fast) and what sync.py says
after each; ``tests/js/sync.test.mjs`` checks sync.js against the same file.
After a deliberate change to the arithmetic, change both and regenerate:
``python -m groupbuy.clock.tests.test_parity``.
"""

import json
import math
import random
from pathlib import Path

from groupbuy.clock.sync import (
    SyncWindow,
    burst_done,
    burst_slack_ms,
    probe_due,
    sample_from,
)

FIXTURE = Path(__file__).parent / "js" / "parity.json"
BURST = 20


def _probes() -> list[list[float]]:
    rng = random.Random(2026)
    drift, offset = 80e-6, 1234.5
    probes = []
    times = [i * 70.0 for i in range(BURST)] + [2000.0 + i * 3000.0 for i in range(20)]
    for at in times:
        up, down = 5 + rng.uniform(0, 30), 5 + rng.uniform(0, 30)
        t1 = at + up
        t3 = t1 + 0.05 + down
        sent, received = at + offset + drift * at, t3 + offset + drift * t3
        probes.append([round(value, 3) for value in (sent, t1, t1 + 0.05, received)])
    return probes


def _answers(probes: list[list[float]]) -> list[dict]:
    window = SyncWindow()
    burst, answers = [], []
    for index, (t0, t1, t2, t3) in enumerate(probes):
        sample = sample_from(t0, t1, t2, t3)
        window.add_probe(sample)
        in_burst = index < BURST
        if in_burst:
            burst.append(sample)
        now = t3 + 500
        answers.append(
            _infinity_as_text(
                {
                    "offset": window.offset_at(now),
                    "bound": window.error_bound_ms(now),
                    "excess": window.excess_ms(now),
                    "kept": len(window.probes),
                    "burstSlack": burst_slack_ms(window, burst) if in_burst else None,
                    "burstDone": burst_done(window, burst, sent=len(burst))
                    if in_burst
                    else None,
                    "due": probe_due(window, now + 1500, t0),
                }
            )
        )
    return answers


def _infinity_as_text(answer: dict) -> dict:
    # (JSON has no infinity; JSON.parse refuses Python's bare Infinity)
    return {
        key: "Infinity" if value == math.inf else value for key, value in answer.items()
    }


def test_sync_py_gives_the_answers_sync_js_is_checked_against():
    fixture = json.loads(FIXTURE.read_text())
    assert fixture["probes"] == _probes()
    for got, expected in zip(
        _answers(fixture["probes"]), fixture["expected"], strict=True
    ):
        for key, value in expected.items():
            if isinstance(value, float) and not isinstance(got[key], bool):
                assert math.isclose(got[key], value, abs_tol=1e-9), key
            else:
                assert got[key] == value, key


if __name__ == "__main__":
    probes = _probes()
    FIXTURE.write_text(json.dumps({"probes": probes, "expected": _answers(probes)}))
