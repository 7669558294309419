"""Score → precision tables: what an answer's confidence means (issue 15)."""

import random

import pytest

from groupbuy.snap.recognition.calibration import (
    CalibrationTable,
    fit_calibration,
    read_calibration,
    save_calibration,
    shipped_calibration,
    wilson_lower_bound,
)


def test_a_higher_score_never_means_a_lower_precision():
    # given guesses whose chance of being right grows with the score, noisily
    generator = random.Random(0)
    scores = [generator.random() for _ in range(3000)]
    correct = [generator.random() < score for score in scores]
    # when
    table = fit_calibration(scores, correct)
    # then the steps rise, and each is near (under) the true precision there
    assert list(table.precisions) == sorted(table.precisions)
    assert list(table.scores) == sorted(table.scores)
    assert table.precision_at(0.05) < 0.2
    assert 0.8 < table.precision_at(0.97) <= 0.98
    assert table.precision_at(-1.0) == 0.0


def test_a_few_right_guesses_cannot_claim_near_certainty():
    # given 20 guesses at a high score, all right
    table = fit_calibration([0.9] * 20 + [0.1] * 20, [True] * 20 + [False] * 20)
    # then the claim is the lower bound, far from 0.99
    assert table.precision_at(0.95) == pytest.approx(wilson_lower_bound(20, 20), 1e-3)
    assert table.precision_at(0.95) < 0.9
    assert table.lowest_score_for(0.99) is None
    # while hundreds of right guesses and no wrong one do reach it
    many = fit_calibration([0.9] * 400, [True] * 400)
    assert many.lowest_score_for(0.99) == 0.9


def test_a_wrong_guess_at_a_high_score_pulls_its_step_down():
    scores = [0.2] * 50 + [0.8] * 50 + [0.95]
    correct = [False] * 25 + [True] * 25 + [True] * 50 + [False]
    table = fit_calibration(scores, correct)
    # the wrong 0.95 guess is pooled with the 0.8 ones, not left as its own 0
    assert table.precision_at(0.95) == table.precision_at(0.8)
    assert table.precision_at(0.8) < wilson_lower_bound(50, 50)


def test_tables_survive_a_round_trip(tmp_path):
    table = CalibrationTable((0.1, 0.5), (0.4, 0.9), samples=30, fitted_on="part")
    path = tmp_path / "calibration.json"
    save_calibration({"appearance": table}, path)
    assert read_calibration(path) == {"appearance": table}


def test_the_shipped_appearance_table_is_a_measured_rising_step_table():
    table = shipped_calibration()["appearance"]
    assert "train" in table.fitted_on
    assert table.samples > 100
    assert list(table.precisions) == sorted(table.precisions)
    assert all(0.0 <= precision <= 1.0 for precision in table.precisions)
