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
// per-probe intervals above are the fallback (when no line fits even the newest
// probe alone, which #keepProbes avoids by letting the oldest go).
//
// The schedule is adaptive (docs/clock.md says why it leaves DESIGN.md's 8 + one
// every 30 s): a burst sends probes back to back, 8 to 64, until burstDone says
// another would hardly narrow the interval; afterwards probeDue asks for one when
// the bound exceeds its narrowest over the window by EXCESS_TARGET_MS (the drift
// not yet pinned down), at most one a second and at least one every 30 s. The
// window keeps every probe of the last half hour whose interval still binds.

export const BURST_PROBES = 8; // the fewest of a burst (DESIGN.md's burst)
export const MAX_BURST_PROBES = 64;
export const WINDOW_SIZE = 8; // round-best samples, for the least-squares drift
export const PROBE_INTERVAL_MS = 30000; // the longest wait (bound tight)
export const MIN_PROBE_INTERVAL_MS = 1000; // the shortest (bound wide)
// A burst stops once its lowest delays each way likely sit within this of the
// path's floor; later probes go when the bound exceeds its narrowest by this.
export const BURST_TARGET_MS = 0.5;
export const EXCESS_TARGET_MS = 2.0;
export const SLACK_ORDER = 4;
export const DRIFT_MIN_SPAN_MS = 120000;
export const MAX_DRIFT = 500e-6;
export const DRIFT_UNCERTAINTY_UNFITTED = 200e-6;
export const DRIFT_UNCERTAINTY_FITTED = 20e-6;
export const RECENT_PROBES = 64; // the intervals intersected (those that bind)
export const PROBE_MAX_AGE_MS = 1800000; // ... no older: the drift must hold
export const BINDING_EPSILON_MS = 1e-6;
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

// The probes whose interval touches the polygon of lines (and the newest, its
// reference): more probes only shrink it, so the others never bind again.
export function bindingProbes(probes, lines) {
  if (!lines) return probes;
  const { ref, corners } = lines;
  const kept = [];
  for (const probe of probes.slice(0, -1)) {
    const half = probe.roundTripMs / 2;
    const offsets = corners.map(([offset, drift]) => offset + drift * PPM * (probe.atClientMs - ref));
    const above = probe.offsetMs + half - Math.max(...offsets);
    const below = Math.min(...offsets) - (probe.offsetMs - half);
    if (Math.min(above, below) <= BINDING_EPSILON_MS) kept.push(probe);
  }
  return [...kept, probes[probes.length - 1]];
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
    this.narrowestBoundMs = null;
  }

  // A round's best sample and every probe of the round (by default the sample).
  add(sample, probes = [sample]) {
    this.#keepProbes(probes);
    this.addRound(sample);
  }

  // One probe's interval: a burst adds them as they come, then its best.
  addProbe(probe) {
    this.#keepProbes([probe]);
  }

  addRound(best) {
    this.samples = [...this.samples, best].slice(-this.size);
    this.drift = fitDrift(this.samples, this.driftMinSpanMs);
  }

  #keepProbes(probes) {
    let kept = [...this.probes, ...probes];
    const newest = Math.max(...kept.map((probe) => probe.atClientMs));
    kept = kept.filter((probe) => newest - probe.atClientMs <= PROBE_MAX_AGE_MS);
    // No line through them all: the clock stepped or the drift changed; the
    // older probes no longer hold, the newest always does.
    let lines = feasibleLines(kept);
    while (lines === null && kept.length > 1) {
      kept = kept.slice(1);
      lines = feasibleLines(kept);
    }
    this.lines = lines;
    this.probes = bindingProbes(kept, lines).slice(-RECENT_PROBES);
    this.narrowestBoundMs = null;
    if (lines) {
      // The width is convex in time: its least is near a probe's time.
      this.narrowestBoundMs = Math.min(
        ...this.probes.map((probe) => {
          const [low, high] = this.intervalAt(probe.atClientMs);
          return (high - low) / 2;
        }),
      );
    }
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

  // How far the bound at clientMs exceeds its narrowest over the probes' times:
  // what the drift, not yet pinned down, adds; Infinity when no line fits.
  excessMs(clientMs) {
    if (!this.lines || this.narrowestBoundMs === null) return Infinity;
    return this.errorBoundMs(clientMs) - this.narrowestBoundMs;
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
    if (clientMs === null) return bestSample(this.samples).roundTripMs / 2;
    const interval = this.intervalAt(clientMs);
    if (interval) return (interval[1] - interval[0]) / 2;
    const best = bestSample(this.samples);
    return best.roundTripMs / 2 + DRIFT_UNCERTAINTY_UNFITTED * Math.abs(clientMs - best.atClientMs);
  }
}

// How far a burst's lowest delays each way likely still sit above the path's
// floor (their mean): (k-th lowest - lowest) / (k - 1) of each probe's slack
// above and below the centre line of the lines polygon (sync.py's burst_slack_ms).
export function burstSlackMs(window, burst) {
  if (!window.lines || burst.length < SLACK_ORDER) return Infinity;
  const { ref, corners } = window.lines;
  const offset = corners.reduce((sum, corner) => sum + corner[0], 0) / corners.length;
  const drift = (corners.reduce((sum, corner) => sum + corner[1], 0) / corners.length) * PPM;
  const ups = [];
  const downs = [];
  for (const probe of burst) {
    const centre = offset + drift * (probe.atClientMs - ref);
    ups.push(probe.offsetMs + probe.roundTripMs / 2 - centre);
    downs.push(centre - (probe.offsetMs - probe.roundTripMs / 2));
  }
  ups.sort((a, b) => a - b);
  downs.sort((a, b) => a - b);
  const k = SLACK_ORDER - 1;
  return (ups[k] - ups[0] + (downs[k] - downs[0])) / (2 * k);
}

// Whether a burst that sent `sent` probes (`burst` answered) should stop.
export function burstDone(window, burst, sent) {
  if (sent >= MAX_BURST_PROBES) return true;
  return sent >= BURST_PROBES && burstSlackMs(window, burst) <= BURST_TARGET_MS;
}

// Whether the next probe is due at clientMs: the bound exceeds its narrowest by
// EXCESS_TARGET_MS (not sooner than minIntervalMs after the last probe), or
// maxIntervalMs passed.
export function probeDue(
  window,
  clientMs,
  lastProbeMs,
  { minIntervalMs = MIN_PROBE_INTERVAL_MS, maxIntervalMs = PROBE_INTERVAL_MS } = {},
) {
  const since = clientMs - lastProbeMs;
  if (since >= maxIntervalMs) return true;
  if (since < minIntervalMs) return false;
  return window.excessMs(clientMs) > EXCESS_TARGET_MS;
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
