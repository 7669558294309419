"""The time-sync arithmetic (the same cases as static/clock/tests/sync.test.mjs)."""

from groupbuy.clock.sync import (
    Sample,
    SyncWindow,
    best_sample,
    fit_drift,
    is_late,
    sample_from,
)


def test_a_symmetric_probe_gives_the_exact_offset_and_round_trip():
    # the server is 1000 ms ahead; 10 ms each way; 2 ms spent on the server
    sample = sample_from(t0=0, t1=1010, t2=1012, t3=22)
    assert sample == Sample(offset_ms=1000, round_trip_ms=20, at_client_ms=11)


def test_an_asymmetric_probe_is_off_by_half_the_asymmetry_within_half_the_trip():
    # 5 ms out, 25 ms back: the true offset is 1000
    sample = sample_from(t0=0, t1=1005, t2=1005, t3=30)
    assert sample.offset_ms == 990
    assert abs(sample.offset_ms - 1000) <= sample.round_trip_ms / 2


def test_the_lowest_round_trip_wins_and_the_latest_on_a_tie():
    samples = [Sample(5, 30, 0), Sample(7, 4, 1), Sample(9, 4, 2), Sample(1, 80, 3)]
    assert best_sample(samples) == Sample(9, 4, 2)


def test_the_window_keeps_the_last_eight():
    window = SyncWindow()
    for index in range(12):
        window.add(Sample(index, 10 + index, index * 30_000))
    assert [sample.offset_ms for sample in window.samples] == list(range(4, 12))
    assert window.error_bound_ms() == 7


def test_no_drift_is_fitted_before_the_window_spans_minutes():
    samples = [Sample(100 + index * 0.003, 2, index * 10_000) for index in range(8)]
    assert fit_drift(samples) is None  # 70 s


def test_drift_is_fitted_over_the_good_samples_and_used_from_the_best():
    # given a client clock slow by 100 ppm, and one probe caught in a stall
    drift = 100e-6
    samples = [Sample(100 + drift * t, 2, t) for t in range(0, 240_001, 30_000)]
    samples[3] = Sample(180, 400, samples[3].at_client_ms)
    window = SyncWindow()
    for sample in samples:
        window.add(sample)
    # then the drift is found and the estimate follows it
    assert abs(window.drift - drift) < 1e-9
    assert abs(window.offset_at(600_000) - (100 + drift * 600_000)) < 1e-6


def test_drift_is_clamped_to_a_plausible_clock():
    samples = [Sample(t * 0.01, 2, t) for t in range(0, 240_001, 30_000)]
    assert fit_drift(samples) == 500e-6


def test_a_message_more_than_a_second_late_is_late():
    assert not is_late(sent_ms=10_000, server_now_ms=11_000)
    assert is_late(sent_ms=10_000, server_now_ms=11_000.5)
    assert not is_late(sent_ms=None, server_now_ms=99_999)
