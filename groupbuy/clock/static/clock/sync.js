// The time-sync arithmetic, pure (no DOM, no timers): the same as
// groupbuy/clock/sync.py, tested by `node --test` (tests/sync.test.mjs).
//
// A probe gives four epoch-ms timestamps: t0 (client sends), t1 (server
// receives), t2 (server sends), t3 (client receives). As in NTP the round trip
// is (t3 - t0) - (t2 - t1) and server-minus-client is ((t1 - t0) + (t2 - t3)) / 2,
// wrong by at most half the round trip. The lowest round trip is trusted.
// Each probe also proves the true offset lies in [offset - rtt/2, offset + rtt/2]
// (no message travels in negative time): the recent probes' intervals, carried
// to now with the fitted drift and widened for what the drift may still be, are
// intersected; the middle is the estimate, half the width the error bound. If they
// do not meet with the fitted drift they are tried without; if still not, the best
// probe alone is used, its bound widened by its age.
//
// Before those: the true offset is a line in client time (offset + drift x
// elapsed, |drift| <= DRIFT_UNCERTAINTY_UNFITTED) through every probe's interval.
// The lines that fit form a convex polygon in (offset, drift); the offsets they
// allow at a moment span [low, high]: the middle is the estimate, half the width
// the bound. One drift shared by every probe keeps old probes useful; the
// per-probe intervals above are the fallback when no line fits.

export const BURST_PROBES = 8;
export const WINDOW_SIZE = 8;
export const PROBE_INTERVAL_MS = 30000;
export const DRIFT_MIN_SPAN_MS = 120000;
export const MAX_DRIFT = 500e-6;
export const DRIFT_UNCERTAINTY_UNFITTED = 200e-6;
export const DRIFT_UNCERTAINTY_FITTED = 20e-6;
export const RECENT_PROBES = 16;
export const SLEW_MS_PER_TICK = 0.5;
export const STEP_THRESHOLD_MS = 100;
export const LATE_MESSAGE_MS = 1000;
export const CLOCK_JUMP_MS = 1000;

export function sampleFrom(t0, t1, t2, t3) {
  return {
    offsetMs: (t1 - t0 + (t2 - t3)) / 2,
    roundTripMs: Math.max(0, t3 - t0 - (t2 - t1)),
    atClientMs: (t0 + t3) / 2,
  };
}

// The sample with the lowest round trip; the latest of equals.
export function bestSample(samples) {
  let best = null;
  for (const sample of samples) {
    if (best === null || sample.roundTripMs <= best.roundTripMs) best = sample;
  }
  return best;
}

// Offset change per client ms, by least squares over the samples whose round
// trip is near the best; null until they span minSpanMs.
export function fitDrift(samples, minSpanMs = DRIFT_MIN_SPAN_MS) {
  if (samples.length < 3) return null;
  const best = bestSample(samples).roundTripMs;
  const good = samples.filter((s) => s.roundTripMs <= best * 1.5 + 1);
  if (good.length < 3) return null;
  const times = good.map((s) => s.atClientMs);
  if (Math.max(...times) - Math.min(...times) < minSpanMs) return null;
  const meanTime = times.reduce((a, b) => a + b, 0) / good.length;
  const meanOffset = good.reduce((a, s) => a + s.offsetMs, 0) / good.length;
  let spread = 0;
  let covariance = 0;
  for (const s of good) {
    spread += (s.atClientMs - meanTime) ** 2;
    covariance += (s.atClientMs - meanTime) * (s.offsetMs - meanOffset);
  }
  if (spread <= 0) return null;
  return Math.max(-MAX_DRIFT, Math.min(MAX_DRIFT, covariance / spread));
}

export const PPM = 1e-6;

// {ref, corners}: the corners [offset at ref, drift in ppm] of the lines through
// every probe's interval, or null when none fits (sync.py's feasible_lines).
export function feasibleLines(probes, driftBound = DRIFT_UNCERTAINTY_UNFITTED) {
  if (probes.length === 0) return null;
  const last = probes[probes.length - 1];
  const ref = last.atClientMs;
  const bound = driftBound / PPM;
  const low = last.offsetMs - last.roundTripMs / 2;
  const high = last.offsetMs + last.roundTripMs / 2;
  let polygon = [[low, -bound], [high, -bound], [high, bound], [low, bound]];
  for (const probe of probes.slice(0, -1)) {
    const slope = (probe.atClientMs - ref) * PPM;
    const half = probe.roundTripMs / 2;
    polygon = clip(polygon, 1, slope, probe.offsetMs + half);
    polygon = clip(polygon, -1, -slope, half - probe.offsetMs);
    if (polygon.length === 0) return null;
  }
  return { ref, corners: polygon };
}

// The part of a convex polygon where a * offset + b * drift <= limit.
function clip(polygon, a, b, limit) {
  const kept = [];
  for (let index = 0; index < polygon.length; index += 1) {
    const [offset, drift] = polygon[index];
    const [nextOffset, nextDrift] = polygon[(index + 1) % polygon.length];
    const here = a * offset + b * drift - limit;
    const there = a * nextOffset + b * nextDrift - limit;
    if (here <= 0) kept.push([offset, drift]);
    if ((here < 0 && there > 0) || (there < 0 && here > 0)) {
      const share = here / (here - there);
      kept.push([offset + share * (nextOffset - offset), drift + share * (nextDrift - drift)]);
    }
  }
  return kept;
}

export class SyncWindow {
  constructor({ size = WINDOW_SIZE, driftMinSpanMs = DRIFT_MIN_SPAN_MS } = {}) {
    this.size = size;
    this.driftMinSpanMs = driftMinSpanMs;
    this.clear();
  }

  clear() {
    this.samples = [];
    this.probes = [];
    this.drift = null;
    this.lines = null;
  }

  // A round's best sample (and every probe of the round, for a burst).
  add(sample, probes = [sample]) {
    this.samples = [...this.samples, sample].slice(-this.size);
    this.probes = [...this.probes, ...probes].slice(-RECENT_PROBES);
    this.drift = fitDrift(this.samples, this.driftMinSpanMs);
    this.lines = feasibleLines(this.probes);
  }

  // The intersection [low, high] of the recent probes' intervals, carried by the
  // fitted drift (without it, should they not meet), or null.
  intervalAt(clientMs) {
    if (this.lines) {
      const { ref, corners } = this.lines;
      const offsets = corners.map(([offset, drift]) => offset + drift * PPM * (clientMs - ref));
      return [Math.min(...offsets), Math.max(...offsets)];
    }
    if (this.drift !== null) {
      const fitted = this.#intersect(clientMs, this.drift, DRIFT_UNCERTAINTY_FITTED);
      if (fitted) return fitted;
    }
    return this.#intersect(clientMs, 0, DRIFT_UNCERTAINTY_UNFITTED);
  }

  #intersect(clientMs, drift, uncertainty) {
    let low = -Infinity;
    let high = Infinity;
    for (const probe of this.probes) {
      const age = clientMs - probe.atClientMs;
      const centre = probe.offsetMs + drift * age;
      const half = probe.roundTripMs / 2 + uncertainty * Math.abs(age);
      low = Math.max(low, centre - half);
      high = Math.min(high, centre + half);
    }
    return low <= high ? [low, high] : null;
  }

  get isSynced() {
    return this.samples.length > 0;
  }

  offsetAt(clientMs) {
    const interval = this.intervalAt(clientMs);
    if (interval) return (interval[0] + interval[1]) / 2;
    const best = bestSample(this.samples);
    return best.offsetMs + (this.drift ?? 0) * (clientMs - best.atClientMs);
  }

  // Half the intersection's width, or half the best round trip widened by its
  // age; without clientMs, half the best round trip.
  errorBoundMs(clientMs = null) {
    const best = bestSample(this.samples);
    if (clientMs === null) return best.roundTripMs / 2;
    const interval = this.intervalAt(clientMs);
    if (interval) return (interval[1] - interval[0]) / 2;
    return best.roundTripMs / 2 + DRIFT_UNCERTAINTY_UNFITTED * Math.abs(clientMs - best.atClientMs);
  }
}

// Move the offset in use toward the estimate by at most maxStepMs per tick, so
// the display never jumps for a small correction; step when off by more than
// stepThresholdMs (or when nothing was applied yet).
export function slew(appliedMs, targetMs, { maxStepMs = SLEW_MS_PER_TICK, stepThresholdMs = STEP_THRESHOLD_MS } = {}) {
  if (appliedMs === null || !Number.isFinite(appliedMs)) return targetMs;
  const gap = targetMs - appliedMs;
  if (Math.abs(gap) > stepThresholdMs) return targetMs;
  return appliedMs + Math.max(-maxStepMs, Math.min(maxStepMs, gap));
}

// A pushed message is dropped when it reaches us more than a second after the
// server sent it (by the synchronised clock). Without a send time it is kept.
export function isLate(sentMs, serverNowMs) {
  return Number.isFinite(sentMs) && serverNowMs - sentMs > LATE_MESSAGE_MS;
}

// Whole seconds left, rounded up: the display reads 0 exactly at the deadline.
export function secondsLeft(deadlineMs, serverNowMs) {
  return Math.max(0, Math.ceil((deadlineMs - serverNowMs) / 1000));
}

// The server time at which the display changes next (deadline - k seconds),
// or null once the deadline has passed.
export function nextTickAt(deadlineMs, serverNowMs) {
  const remaining = deadlineMs - serverNowMs;
  if (remaining <= 0) return null;
  return deadlineMs - (Math.ceil(remaining / 1000) - 1) * 1000;
}

export function splitSeconds(total) {
  return {
    days: Math.floor(total / 86400),
    hours: Math.floor((total % 86400) / 3600),
    minutes: Math.floor((total % 3600) / 60),
    seconds: total % 60,
  };
}

// The wall clock jumped (sleep, a manual change) when Date.now() moved against
// the monotonic clock by more than CLOCK_JUMP_MS between two checks.
export function clockJumped(previousGapMs, gapMs, thresholdMs = CLOCK_JUMP_MS) {
  return previousGapMs !== null && Math.abs(gapMs - previousGapMs) > thresholdMs;
}
