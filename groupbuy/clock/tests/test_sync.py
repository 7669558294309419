"""The time-sync arithmetic (the same cases as static/clock/tests/sync.test.mjs)."""

import random

from groupbuy.clock.sync import (
    DRIFT_UNCERTAINTY_UNFITTED,
    MAX_BURST_PROBES,
    PROBE_MAX_AGE_MS,
    Sample,
    SyncWindow,
    best_sample,
    burst_done,
    burst_slack_ms,
    feasible_lines,
    fit_drift,
    is_late,
    probe_due,
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


def test_probes_quick_one_way_and_the_other_pin_the_offset_between_them():
    # given the server 1000 ms ahead, one probe 1 ms up / 20 down, one 20 up / 1 down
    quick_up = sample_from(t0=0, t1=1001, t2=1001, t3=21)
    quick_down = sample_from(t0=100, t1=1120, t2=1120, t3=121)
    window = SyncWindow()
    window.add(quick_up, probes=[quick_up, quick_down])
    # then alone each is 9.5 ms off, together they give the offset within 0.05 ms
    assert abs(quick_up.offset_ms - 1000) == 9.5
    assert abs(window.offset_at(110.5) - 1000) < 0.05
    assert window.error_bound_ms(110.5) < 1.05
    assert window.error_bound_ms() == 10.5  # half the best round trip


def test_intervals_that_do_not_meet_let_the_older_probes_go():
    # given a probe, then one 40 ms later whose interval misses it (a clock step)
    far = Sample(offset_ms=1100, round_trip_ms=2, at_client_ms=50)
    near = Sample(offset_ms=990.5, round_trip_ms=21, at_client_ms=10.5)
    assert feasible_lines([near, far]) is None
    window = SyncWindow()
    window.add(far, probes=[near, far])
    # then the older no longer holds and the newest decides
    assert window.probes == [far]
    assert window.interval_at(50) == (1099, 1101)
    assert window.offset_at(50) == 1100
    assert window.error_bound_ms(50) == 1


def test_old_probes_count_for_less_until_the_drift_is_known():
    # given a probe 60 s old and none since: its interval widened by 200 ppm
    old = Sample(offset_ms=500, round_trip_ms=4, at_client_ms=0)
    window = SyncWindow()
    window.add(old)
    assert window.error_bound_ms(60_000) == 14  # 2 + 200 ppm of 60 s
    assert window.interval_at(60_000) == (500 - 2 - 12, 500 + 2 + 12)


def test_one_drift_shared_by_the_probes_carries_the_estimate_forward():
    # given a client clock slow by 100 ppm, probed every 10 s for a minute
    drift = 100e-6
    probes = [Sample(100 + drift * t, 4, t) for t in range(0, 60_001, 10_000)]
    shared, each_alone = SyncWindow(), SyncWindow(shared_drift=False)
    for window in (shared, each_alone):
        window.add(probes[-1], probes=probes)
    # when the estimate is read 30 s after the last probe
    truth = 100 + drift * 90_000
    # then the lines through every interval give the truth, bound 4 ms,
    assert shared.offset_at(90_000) == truth
    assert shared.interval_at(90_000) == (truth - 4, truth + 4)
    # where each interval widened on its own was 3 ms off, bound 8 ms
    assert each_alone.offset_at(90_000) == truth - 3
    assert each_alone.error_bound_ms(90_000) == 8


def test_without_lines_the_per_probe_intervals_decide():
    # given the estimator before the shared-drift lines
    probes = [Sample(0, 2, 0), Sample(100, 2, 1_000)]
    window = SyncWindow(shared_drift=False)
    window.add(probes[-1], probes=probes)
    # then the intervals, widened by 200 ppm of their age, do not meet: best probe
    assert window.lines is None
    assert window.offset_at(1_000) == 100


def test_probes_that_no_longer_bind_are_let_go():
    # given a tight probe, then ten loose ones around the same offset
    tight = Sample(offset_ms=500, round_trip_ms=2, at_client_ms=0)
    loose = [Sample(500 + (-1) ** i, 40, 100 * (i + 1)) for i in range(10)]
    window = SyncWindow()
    for probe in [tight, *loose]:
        window.add_probe(probe)
    # then only the tight one (and the newest, the reference) is kept
    assert window.probes == [tight, loose[-1]]
    assert window.offset_at(1_000) == 500


def test_the_window_keeps_probes_for_half_an_hour_at_most():
    window = SyncWindow()
    window.add_probe(Sample(500, 2, 0))
    window.add_probe(Sample(500, 40, PROBE_MAX_AGE_MS + 1))
    assert len(window.probes) == 1


def test_the_excess_grows_at_the_drift_rate_until_the_drift_is_pinned():
    # given one burst (no drift known): the bound grows at 200 ppm
    window = SyncWindow()
    window.add(Sample(500, 10, 0))
    assert window.excess_ms(0) == 0
    assert abs(window.excess_ms(10_000) - 2) < 1e-9
    # given tight probes 10 minutes apart: the drift is known, little excess
    window.add(
        Sample(500, 2, 600_000), probes=[Sample(500, 2, 0), Sample(500, 2, 600_000)]
    )
    assert window.excess_ms(630_000) < 0.2


def test_a_burst_runs_8_to_64_probes_until_another_would_hardly_help():
    window = SyncWindow()
    # given a quiet path: every probe the same
    quiet = [Sample(500, 10, index * 10) for index in range(8)]
    for probe in quiet:
        window.add_probe(probe)
    assert not burst_done(window, quiet[:7], sent=7)
    assert burst_done(window, quiet, sent=8)
    # given a path whose delays still spread: the lowest ones far apart
    window.clear()
    jittery = []
    for index, (up, down) in enumerate(zip(UPS, DOWNS, strict=True)):
        sent = index * 100
        jittery.append(
            sample_from(sent, 1000 + sent + up, 1000 + sent + up, sent + up + down)
        )
        window.add_probe(jittery[-1])
    assert abs(burst_slack_ms(window, jittery) - 14 / 3) < 0.01
    assert not burst_done(window, jittery, sent=8)
    assert burst_done(window, jittery, sent=MAX_BURST_PROBES)


UPS = [35, 17, 50, 27, 13, 55, 22, 43]  # 5 ms and up to 50 ms of jitter
DOWNS = [25, 46, 14, 38, 32, 19, 53, 11]


def test_a_probe_is_due_when_the_bound_has_widened_at_most_once_a_second():
    window = SyncWindow()
    window.add(Sample(500, 10, 0))
    # the bound grows 200 ppm: 2 ms of excess after 10 s
    assert not probe_due(window, 900, 0)  # too soon after the last
    assert not probe_due(window, 9_000, 0)
    assert probe_due(window, 10_500, 0)
    # and never more than 30 s apart, however tight
    window.add(
        Sample(500, 2, 600_000), probes=[Sample(500, 2, 0), Sample(500, 2, 600_000)]
    )
    assert not probe_due(window, 620_000, 600_000)
    assert probe_due(window, 630_000, 600_000)


def _worst_excess_ms(drift: float, seed: int) -> float:
    """Probe a clock ``drift`` fast every 50 ms for 9 s over a path with
    random delays each way; return how far past the stated bound the estimate
    ever is (0 when it is always within)."""
    rnd = random.Random(seed)
    window = SyncWindow(drift_min_span_ms=300)
    start = 1.7e12

    def local(true_ms: float) -> float:
        return true_ms + 5_000 + drift * (true_ms - start)

    worst = 0.0
    for round_number in range(180):
        sent = start + round_number * 50.0
        received = sent + 0.1 + rnd.expovariate(0.5)
        replied = received + 0.05
        back = replied + 0.1 + rnd.expovariate(0.5)
        window.add(sample_from(local(sent), received, replied, local(back)))
        now = back + 1.0
        estimate = window.server_ms(local(now))
        worst = max(worst, abs(estimate - now) - window.error_bound_ms(local(now)))
    return worst


def test_a_clock_within_the_assumed_drift_is_always_inside_the_bound():
    # The bound is a promise only for a working clock (at most
    # DRIFT_UNCERTAINTY_UNFITTED); one beyond it can fall outside, which is why
    # test_client's drifting clock stays within it.
    assert DRIFT_UNCERTAINTY_UNFITTED == 200e-6
    assert all(_worst_excess_ms(199e-6, seed) == 0.0 for seed in range(3))
    assert any(_worst_excess_ms(300e-6, seed) > 0.0 for seed in range(3))
