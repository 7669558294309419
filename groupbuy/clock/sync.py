"""The time-sync arithmetic, the same as static/clock/sync.js (keep them in step).

One probe gives four timestamps in epoch milliseconds: the client's send time
``t0`` and receive time ``t3`` by its own clock, the server's receive time ``t1``
and send time ``t2`` by the server's. As in NTP, the round trip is
``(t3 - t0) - (t2 - t1)`` and the server's clock minus the client's is
``((t1 - t0) + (t2 - t3)) / 2``, exact when both directions take equally long
and wrong by at most half the round trip otherwise. The sample with the lowest
round trip is the one trusted; once the window spans minutes, the drift of the
client's clock is fitted by least squares over the good samples.

The estimate itself comes from the recent probes' intervals: the true offset
is a line in client time (offset + drift x elapsed, the drift at most
``DRIFT_UNCERTAINTY_UNFITTED``) that passes through every interval. The lines
that do form a convex polygon in (offset, drift); at any moment the offsets they
allow span [low, high], whose middle is the estimate and half width the bound.
One drift shared by all the probes is what lets the old probes keep narrowing
the interval (each probe widened on its own by any plausible drift, as before,
loses them within a minute). If no line fits (the clock stepped, the drift
changed) the oldest probes are let go until one does; the per-probe intervals
below are the previous estimator, kept for the benchmarks' comparison.

The schedule is adaptive (docs/clock.md says why it leaves DESIGN.md's fixed
8 + one every 30 s): a burst sends its probes back to back, at least
``BURST_PROBES`` and at most ``MAX_BURST_PROBES``, until ``burst_slack_ms`` says
another probe would hardly narrow the interval; afterwards ``probe_due`` asks
for a probe once the bound exceeds its narrowest over the window by
``EXCESS_TARGET_MS`` (the drift not yet pinned down), at most one a
``MIN_PROBE_INTERVAL_MS`` and at least one a ``PROBE_INTERVAL_MS``. The window
keeps every probe of the last half hour whose interval still binds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BURST_PROBES = 8  # the fewest probes of a burst (DESIGN.md's burst)
MAX_BURST_PROBES = 64
WINDOW_SIZE = 8  # round-best samples, for the least-squares drift
PROBE_INTERVAL_MS = 30_000  # the longest wait between probes (bound tight)
MIN_PROBE_INTERVAL_MS = 1_000  # the shortest (bound wide): one probe a second
# A burst stops once its lowest delays each way likely sit within this of the
# path's floor; later probes are sent when the bound exceeds its narrowest by
# this much (chosen on clock_model.py's seed 0, trading load for accuracy).
BURST_TARGET_MS = 0.5
EXCESS_TARGET_MS = 2.0
DRIFT_MIN_SPAN_MS = 120_000
MAX_DRIFT = 500e-6  # a clock off by more than 500 ppm is broken, not drifting
# How wrong the drift may be when carrying an interval forward in time: any
# plausible clock before a fit, the fit's own uncertainty after.
DRIFT_UNCERTAINTY_UNFITTED = 200e-6
DRIFT_UNCERTAINTY_FITTED = 20e-6
RECENT_PROBES = 64  # the intervals intersected (those that still bind)
PROBE_MAX_AGE_MS = 1_800_000  # ... no older than this: the drift must hold over it
LATE_MESSAGE_MS = 1_000


@dataclass(frozen=True)
class Sample:
    offset_ms: float  # server clock minus client clock
    round_trip_ms: float
    at_client_ms: float  # the client time the offset was measured at


def sample_from(t0: float, t1: float, t2: float, t3: float) -> Sample:
    """Return the sample of one probe (see the module docstring)."""
    round_trip = max(0.0, (t3 - t0) - (t2 - t1))
    offset = ((t1 - t0) + (t2 - t3)) / 2
    return Sample(offset, round_trip, (t0 + t3) / 2)


def best_sample(samples: list[Sample]) -> Sample:
    """Return the sample with the lowest round trip (the latest on a tie)."""
    return min(reversed(samples), key=lambda sample: sample.round_trip_ms)


def fit_drift(
    samples: list[Sample], *, min_span_ms: float = DRIFT_MIN_SPAN_MS
) -> float | None:
    """Return the drift (offset change per client ms) fitted over the samples
    whose round trip is near the best, or None while they span too short a time.
    """
    if len(samples) < 3:
        return None
    best = best_sample(samples).round_trip_ms
    good = [s for s in samples if s.round_trip_ms <= best * 1.5 + 1.0]
    if len(good) < 3:
        return None
    times = [s.at_client_ms for s in good]
    if max(times) - min(times) < min_span_ms:
        return None
    mean_time = sum(times) / len(times)
    mean_offset = sum(s.offset_ms for s in good) / len(good)
    spread = sum((time - mean_time) ** 2 for time in times)
    if spread <= 0:
        return None
    slope = (
        sum((s.at_client_ms - mean_time) * (s.offset_ms - mean_offset) for s in good)
        / spread
    )
    return max(-MAX_DRIFT, min(MAX_DRIFT, slope))


PPM = 1e-6


def feasible_lines(
    probes: list[Sample], *, drift_bound: float = DRIFT_UNCERTAINTY_UNFITTED
) -> tuple[float, list[tuple[float, float]]] | None:
    """Return ``(ref, corners)``: the corners ``(offset at ref, drift in ppm)`` of
    the polygon of lines through every probe's interval, or None if none fits."""
    if not probes:
        return None
    last = probes[-1]
    ref = last.at_client_ms
    bound = drift_bound / PPM
    low, high = (
        last.offset_ms - last.round_trip_ms / 2,
        last.offset_ms + last.round_trip_ms / 2,
    )
    polygon = [(low, -bound), (high, -bound), (high, bound), (low, bound)]
    for probe in probes[:-1]:
        slope = (probe.at_client_ms - ref) * PPM
        half = probe.round_trip_ms / 2
        polygon = _clip(polygon, 1.0, slope, probe.offset_ms + half)
        polygon = _clip(polygon, -1.0, -slope, half - probe.offset_ms)
        if not polygon:
            return None
    return ref, polygon


def binding_probes(probes: list[Sample], lines) -> list[Sample]:
    """Return the probes whose interval touches the polygon of feasible lines
    (and the newest, its reference). The others can never narrow it again:
    more probes only shrink the polygon, so they may be let go, and a window
    of a few dozen holds every probe that matters over half an hour."""
    if lines is None:
        return probes
    ref, corners = lines
    kept = []
    for probe in probes[:-1]:
        half = probe.round_trip_ms / 2
        line_offsets = [o + d * PPM * (probe.at_client_ms - ref) for o, d in corners]
        above = probe.offset_ms + half - max(line_offsets)
        below = min(line_offsets) - (probe.offset_ms - half)
        if min(above, below) <= BINDING_EPSILON_MS:
            kept.append(probe)
    return [*kept, probes[-1]]


BINDING_EPSILON_MS = 1e-6


def _clip(polygon, along_offset: float, along_drift: float, limit: float):
    """Keep the part of a convex polygon where ``along_offset * offset +
    along_drift * drift <= limit`` (one Sutherland-Hodgman step)."""
    kept = []
    for index, (offset, drift) in enumerate(polygon):
        next_offset, next_drift = polygon[(index + 1) % len(polygon)]
        here = along_offset * offset + along_drift * drift - limit
        there = along_offset * next_offset + along_drift * next_drift - limit
        if here <= 0:
            kept.append((offset, drift))
        if (here < 0 < there) or (there < 0 < here):
            share = here / (here - there)
            kept.append(
                (
                    offset + share * (next_offset - offset),
                    drift + share * (next_drift - drift),
                )
            )
    return kept


@dataclass
class SyncWindow:
    """The recent probes, the last ``size`` rounds' best samples and the
    estimate drawn from them."""

    size: int = WINDOW_SIZE
    drift_min_span_ms: float = DRIFT_MIN_SPAN_MS
    samples: list[Sample] = field(default_factory=list)
    probes: list[Sample] = field(default_factory=list)
    drift: float | None = None
    # False: the estimator before the shared-drift lines (kept for benchmarks).
    shared_drift: bool = True
    lines: tuple[float, list[tuple[float, float]]] | None = None
    # The least bound over the probes' times: how far the bound can shrink
    # with the probes at hand if the drift were known exactly.
    narrowest_bound_ms: float | None = None

    def add(self, sample: Sample, *, probes: list[Sample] | None = None) -> None:
        """Add a round's best sample and every probe of the round (by default
        the sample alone)."""
        self._keep_probes(probes or [sample])
        self.add_round(sample)

    def add_probe(self, probe: Sample) -> None:
        """Add one probe's interval (a burst adds them as they come, so the
        estimate improves while it runs; its best ends it with add_round)."""
        self._keep_probes([probe])

    def add_round(self, best: Sample) -> None:
        """Add a round's best sample (lowest round trip) and fit the drift."""
        self.samples = [*self.samples, best][-self.size :]
        self.drift = fit_drift(self.samples, min_span_ms=self.drift_min_span_ms)

    def _keep_probes(self, probes: list[Sample]) -> None:
        kept = [*self.probes, *probes]
        newest = max(probe.at_client_ms for probe in kept)
        kept = [p for p in kept if newest - p.at_client_ms <= PROBE_MAX_AGE_MS]
        self.lines = None
        if self.shared_drift:
            # No line through them all: the clock stepped or the drift changed;
            # the older probes no longer hold, the newest always does.
            while (lines := feasible_lines(kept)) is None and len(kept) > 1:
                kept = kept[1:]
            self.lines = lines
            kept = binding_probes(kept, lines)
        self.probes = kept[-RECENT_PROBES:]
        self.narrowest_bound_ms = None
        if self.lines is not None:
            # (the width is convex in time: its least is near a probe's time)
            self.narrowest_bound_ms = min(
                (high - low) / 2
                for low, high in map(self.interval_at, self._probe_times())
            )

    def _probe_times(self) -> list[float]:
        return [probe.at_client_ms for probe in self.probes]

    def clear(self) -> None:
        self.samples = []
        self.probes = []
        self.drift = None
        self.lines = None
        self.narrowest_bound_ms = None

    def interval_at(self, client_ms: float) -> tuple[float, float] | None:
        """Return the intersection of the recent probes' intervals at
        ``client_ms`` (carried by the fitted drift; without it, should they not
        meet), or None when they do not meet."""
        if self.lines is not None:
            ref, corners = self.lines
            offsets = [
                offset + drift * PPM * (client_ms - ref) for offset, drift in corners
            ]
            return min(offsets), max(offsets)
        if self.drift is not None:
            fitted = self._intersect(client_ms, self.drift, DRIFT_UNCERTAINTY_FITTED)
            if fitted is not None:
                return fitted
        return self._intersect(client_ms, 0.0, DRIFT_UNCERTAINTY_UNFITTED)

    def _intersect(self, client_ms: float, drift: float, uncertainty: float):
        low, high = float("-inf"), float("inf")
        for probe in self.probes:
            age = client_ms - probe.at_client_ms
            centre = probe.offset_ms + drift * age
            half = probe.round_trip_ms / 2 + uncertainty * abs(age)
            low, high = max(low, centre - half), min(high, centre + half)
        return (low, high) if low <= high else None

    @property
    def is_synced(self) -> bool:
        return bool(self.samples)

    def offset_at(self, client_ms: float) -> float:
        """Return the estimated server-minus-client offset at ``client_ms``."""
        interval = self.interval_at(client_ms)
        if interval is not None:
            return (interval[0] + interval[1]) / 2
        best = best_sample(self.samples)
        return best.offset_ms + (self.drift or 0.0) * (client_ms - best.at_client_ms)

    def error_bound_ms(self, client_ms: float | None = None) -> float:
        """Return how far off the estimate can be at ``client_ms``: half the
        intersection's width, or half the best round trip widened by its age.
        Without ``client_ms``: half the best round trip."""
        if client_ms is None:
            return best_sample(self.samples).round_trip_ms / 2
        interval = self.interval_at(client_ms)
        if interval is not None:
            return (interval[1] - interval[0]) / 2
        best = best_sample(self.samples)
        age = abs(client_ms - best.at_client_ms)
        return best.round_trip_ms / 2 + DRIFT_UNCERTAINTY_UNFITTED * age

    def server_ms(self, client_ms: float) -> float:
        return client_ms + self.offset_at(client_ms)

    def excess_ms(self, client_ms: float) -> float:
        """Return how far the bound at ``client_ms`` exceeds its narrowest over
        the probes' times: what the drift, not yet pinned down, adds since
        then. Infinite when no line fits the probes."""
        if self.lines is None or self.narrowest_bound_ms is None:
            return float("inf")
        return self.error_bound_ms(client_ms) - self.narrowest_bound_ms


SLACK_ORDER = 4  # the gaps averaged: up to the 4th lowest delay each way


def burst_slack_ms(window: SyncWindow, burst: list[Sample]) -> float:
    """Return how far the burst's lowest delays each way likely still sit above
    the path's floor (their mean), i.e. what more probes could still gain.

    The lowest of n delays drawn from one distribution sits above the floor by
    about the mean gap between the lowest ones (exactly so, on average, for
    uniform delays: (k-th lowest - lowest) / (k - 1)). Each probe's slack above
    and below the centre line of the feasible polygon is its one-way delay less
    a constant (the offset cancels). Over a burst (a few seconds) a wrong drift
    moves the slacks little.
    """
    if window.lines is None or len(burst) < SLACK_ORDER:
        return float("inf")
    ref, corners = window.lines
    offset = sum(corner[0] for corner in corners) / len(corners)
    drift = sum(corner[1] for corner in corners) / len(corners) * PPM
    ups, downs = [], []
    for probe in burst:
        centre = offset + drift * (probe.at_client_ms - ref)
        ups.append(probe.offset_ms + probe.round_trip_ms / 2 - centre)
        downs.append(centre - (probe.offset_ms - probe.round_trip_ms / 2))
    ups.sort()
    downs.sort()
    k = SLACK_ORDER - 1
    return ((ups[k] - ups[0]) + (downs[k] - downs[0])) / (2 * k)


def burst_done(window: SyncWindow, burst: list[Sample], *, sent: int) -> bool:
    """Return whether a burst that sent ``sent`` probes (``burst`` answered)
    should stop: enough probes, or another would hardly narrow the interval."""
    if sent >= MAX_BURST_PROBES:
        return True
    return sent >= BURST_PROBES and burst_slack_ms(window, burst) <= BURST_TARGET_MS


def probe_due(
    window: SyncWindow,
    client_ms: float,
    last_probe_ms: float,
    *,
    min_interval_ms: float = MIN_PROBE_INTERVAL_MS,
    max_interval_ms: float = PROBE_INTERVAL_MS,
) -> bool:
    """Return whether the next periodic probe is due at ``client_ms``: the bound
    exceeds its narrowest by EXCESS_TARGET_MS (not sooner than
    ``min_interval_ms`` after the last probe) or ``max_interval_ms`` passed."""
    since = client_ms - last_probe_ms
    if since >= max_interval_ms:
        return True
    if since < min_interval_ms:
        return False
    return window.excess_ms(client_ms) > EXCESS_TARGET_MS


def is_late(*, sent_ms: float | None, server_now_ms: float) -> bool:
    """Return whether a pushed message reached us more than a second after it
    was sent (by the server's clock): such a message is dropped."""
    return sent_ms is not None and server_now_ms - sent_ms > LATE_MESSAGE_MS
