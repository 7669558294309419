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
loses them within a minute). If no line fits (a clock step, a server stall
between its stamps) the per-probe intervals below are used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BURST_PROBES = 8
WINDOW_SIZE = 8
PROBE_INTERVAL_MS = 30_000
DRIFT_MIN_SPAN_MS = 120_000
MAX_DRIFT = 500e-6  # a clock off by more than 500 ppm is broken, not drifting
# How wrong the drift may be when carrying an interval forward in time: any
# plausible clock before a fit, the fit's own uncertainty after.
DRIFT_UNCERTAINTY_UNFITTED = 200e-6
DRIFT_UNCERTAINTY_FITTED = 20e-6
RECENT_PROBES = 16  # the intervals intersected: a burst and the periodic probes
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
    """The last ``size`` samples and the estimate drawn from them."""

    size: int = WINDOW_SIZE
    drift_min_span_ms: float = DRIFT_MIN_SPAN_MS
    samples: list[Sample] = field(default_factory=list)
    probes: list[Sample] = field(default_factory=list)
    drift: float | None = None
    # False: the estimator before the shared-drift lines (kept for benchmarks).
    shared_drift: bool = True
    lines: tuple[float, list[tuple[float, float]]] | None = None

    def add(self, sample: Sample, *, probes: list[Sample] | None = None) -> None:
        """Add a round's best sample (and every probe of the round, if several)."""
        self.samples = [*self.samples, sample][-self.size :]
        self.probes = [*self.probes, *(probes or [sample])][-RECENT_PROBES:]
        self.drift = fit_drift(self.samples, min_span_ms=self.drift_min_span_ms)
        self.lines = feasible_lines(self.probes) if self.shared_drift else None

    def clear(self) -> None:
        self.samples = []
        self.probes = []
        self.drift = None
        self.lines = None

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
        best = best_sample(self.samples)
        if client_ms is None:
            return best.round_trip_ms / 2
        interval = self.interval_at(client_ms)
        if interval is not None:
            return (interval[1] - interval[0]) / 2
        age = abs(client_ms - best.at_client_ms)
        return best.round_trip_ms / 2 + DRIFT_UNCERTAINTY_UNFITTED * age

    def server_ms(self, client_ms: float) -> float:
        return client_ms + self.offset_at(client_ms)


def is_late(*, sent_ms: float | None, server_now_ms: float) -> bool:
    """Return whether a pushed message reached us more than a second after it
    was sent (by the server's clock): such a message is dropped."""
    return sent_ms is not None and server_now_ms - sent_ms > LATE_MESSAGE_MS
