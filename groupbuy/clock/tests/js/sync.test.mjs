// The clock's protocol arithmetic, without a browser: `node --test groupbuy/clock/tests/js`
// (run by `make test`). The same cases as groupbuy/clock/tests/test_sync.py.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  MAX_BURST_PROBES,
  PROBE_MAX_AGE_MS,
  SyncWindow,
  bestSample,
  burstDone,
  burstSlackMs,
  clockJumped,
  feasibleLines,
  fitDrift,
  isLate,
  nextTickAt,
  probeDue,
  sampleFrom,
  secondsLeft,
  slew,
  splitSeconds,
} from "../../static/clock/sync.js";

const sample = (offsetMs, roundTripMs, atClientMs) => ({ offsetMs, roundTripMs, atClientMs });

test("a symmetric probe gives the exact offset and round trip", () => {
  // the server is 1000 ms ahead; 10 ms each way; 2 ms spent on the server
  assert.deepEqual(sampleFrom(0, 1010, 1012, 22), sample(1000, 20, 11));
});

test("an asymmetric probe is off by half the asymmetry, within half the trip", () => {
  const probe = sampleFrom(0, 1005, 1005, 30); // 5 ms out, 25 ms back
  assert.equal(probe.offsetMs, 990);
  assert.ok(Math.abs(probe.offsetMs - 1000) <= probe.roundTripMs / 2);
});

test("a client 37 s behind learns the offset from one probe", () => {
  const t0 = 1_767_225_600_000 - 37_000;
  const probe = sampleFrom(t0, t0 + 37_004, t0 + 37_005, t0 + 9);
  assert.equal(probe.offsetMs, 37_000);
  assert.equal(probe.roundTripMs, 8);
});

test("the lowest round trip wins, the latest on a tie", () => {
  const samples = [sample(5, 30, 0), sample(7, 4, 1), sample(9, 4, 2), sample(1, 80, 3)];
  assert.deepEqual(bestSample(samples), sample(9, 4, 2));
});

test("the window keeps the last eight and states half the best round trip", () => {
  const window = new SyncWindow();
  for (let index = 0; index < 12; index++) window.add(sample(index, 10 + index, index * 30000));
  assert.deepEqual(
    window.samples.map((s) => s.offsetMs),
    [4, 5, 6, 7, 8, 9, 10, 11],
  );
  assert.equal(window.errorBoundMs(), 7);
});

test("no drift is fitted before the window spans minutes", () => {
  const samples = Array.from({ length: 8 }, (_, i) => sample(100 + i * 0.003, 2, i * 10000));
  assert.equal(fitDrift(samples), null);
});

test("drift is fitted over the good samples and applied from the best", () => {
  const drift = 100e-6;
  const samples = [];
  for (let t = 0; t <= 240000; t += 30000) samples.push(sample(100 + drift * t, 2, t));
  samples[3] = sample(180, 400, samples[3].atClientMs); // a probe caught in a stall
  const window = new SyncWindow();
  for (const s of samples) window.add(s);
  assert.ok(Math.abs(window.drift - drift) < 1e-9);
  assert.ok(Math.abs(window.offsetAt(600000) - (100 + drift * 600000)) < 1e-6);
});

test("drift is clamped to a plausible clock", () => {
  const samples = [];
  for (let t = 0; t <= 240000; t += 30000) samples.push(sample(t * 0.01, 2, t));
  assert.equal(fitDrift(samples), 500e-6);
});

test("small corrections are slewed 0.5 ms a tick, large ones stepped", () => {
  assert.equal(slew(null, 42), 42);
  assert.equal(slew(10, 13), 10.5);
  assert.equal(slew(10, 7), 9.5);
  assert.equal(slew(10, 10.2), 10.2);
  assert.equal(slew(10, 110), 10.5);
  assert.equal(slew(10, 110.5), 110.5);
  assert.equal(slew(0, -37000), -37000);
});

test("a message more than a second late is late; one without a send time is not", () => {
  assert.equal(isLate(10000, 11000), false);
  assert.equal(isLate(10000, 11000.5), true);
  assert.equal(isLate(null, 99999), false);
  assert.equal(isLate(undefined, 99999), false);
});

test("seconds left round up, so the display reads 0 exactly at the deadline", () => {
  assert.equal(secondsLeft(10000, 7500), 3);
  assert.equal(secondsLeft(10000, 8000), 2);
  assert.equal(secondsLeft(10000, 9999.9), 1);
  assert.equal(secondsLeft(10000, 10000), 0);
  assert.equal(secondsLeft(10000, 12000), 0);
});

test("the next tick is the next exact server second before the deadline", () => {
  assert.equal(nextTickAt(10000, 7500), 8000);
  assert.equal(nextTickAt(10000, 8000), 9000);
  assert.equal(nextTickAt(10000, 9999), 10000);
  assert.equal(nextTickAt(10000, 10000), null);
  // a deadline off the whole second ticks on its own boundaries
  assert.equal(nextTickAt(10250, 7500), 8250);
  // the value shown changes exactly at the tick
  const tick = nextTickAt(10000, 7500);
  assert.equal(secondsLeft(10000, tick - 0.001), 3);
  assert.equal(secondsLeft(10000, tick), 2);
});

test("seconds split into days, hours, minutes and seconds", () => {
  assert.deepEqual(splitSeconds(90061), { days: 1, hours: 1, minutes: 1, seconds: 1 });
  assert.deepEqual(splitSeconds(59), { days: 0, hours: 0, minutes: 0, seconds: 59 });
});

test("a wall-clock jump is a change of Date.now() against the monotonic clock", () => {
  assert.equal(clockJumped(null, 5000), false);
  assert.equal(clockJumped(12, 14), false);
  assert.equal(clockJumped(12, 37012), true);
  assert.equal(clockJumped(12, -1200), true);
});

test("probes quick one way and the other pin the offset between them", () => {
  const quickUp = sampleFrom(0, 1001, 1001, 21); // 1 ms up, 20 down
  const quickDown = sampleFrom(100, 1120, 1120, 121); // 20 up, 1 down
  const window = new SyncWindow();
  window.add(quickUp, [quickUp, quickDown]);
  assert.equal(Math.abs(quickUp.offsetMs - 1000), 9.5);
  assert.ok(Math.abs(window.offsetAt(110.5) - 1000) < 0.05);
  assert.ok(window.errorBoundMs(110.5) < 1.05);
  assert.equal(window.errorBoundMs(), 10.5);
});

test("intervals that do not meet let the older probes go", () => {
  // a probe, then one 40 ms later whose interval misses it (a clock step)
  const far = sample(1100, 2, 50);
  const near = sample(990.5, 21, 10.5);
  assert.equal(feasibleLines([near, far]), null);
  const window = new SyncWindow();
  window.add(far, [near, far]);
  assert.deepEqual(window.probes, [far]);
  assert.deepEqual(window.intervalAt(50), [1099, 1101]);
  assert.equal(window.offsetAt(50), 1100);
  assert.equal(window.errorBoundMs(50), 1);
});

test("old probes count for less until the drift is known", () => {
  const window = new SyncWindow();
  window.add(sample(500, 4, 0));
  assert.ok(Math.abs(window.errorBoundMs(60000) - 14) < 1e-9); // 2 + 200 ppm of 60 s
  const [low, high] = window.intervalAt(60000);
  assert.ok(Math.abs(low - 486) < 1e-9 && Math.abs(high - 514) < 1e-9);
});

test("one drift shared by the probes carries the estimate forward", () => {
  const drift = 100e-6;
  const probes = [];
  for (let t = 0; t <= 60000; t += 10000) probes.push(sample(100 + drift * t, 4, t));
  const window = new SyncWindow();
  window.add(probes[probes.length - 1], probes);
  const truth = 100 + drift * 90000;
  assert.ok(Math.abs(window.offsetAt(90000) - truth) < 1e-9);
  assert.ok(Math.abs(window.errorBoundMs(90000) - 4) < 1e-9);
});

test("probes that no longer bind are let go", () => {
  const tight = sample(500, 2, 0);
  const loose = Array.from({ length: 10 }, (_, i) => sample(500 + (-1) ** i, 40, 100 * (i + 1)));
  const window = new SyncWindow();
  for (const probe of [tight, ...loose]) window.addProbe(probe);
  assert.deepEqual(window.probes, [tight, loose[9]]);
  assert.equal(window.offsetAt(1000), 500);
});

test("the window keeps probes for half an hour at most", () => {
  const window = new SyncWindow();
  window.addProbe(sample(500, 2, 0));
  window.addProbe(sample(500, 40, PROBE_MAX_AGE_MS + 1));
  assert.equal(window.probes.length, 1);
});

test("the excess grows at the drift rate until the drift is pinned", () => {
  const window = new SyncWindow();
  window.add(sample(500, 10, 0));
  assert.equal(window.excessMs(0), 0);
  assert.ok(Math.abs(window.excessMs(10000) - 2) < 1e-9);
  window.add(sample(500, 2, 600000), [sample(500, 2, 0), sample(500, 2, 600000)]);
  assert.ok(window.excessMs(630000) < 0.2);
});

const UPS = [35, 17, 50, 27, 13, 55, 22, 43]; // 5 ms and up to 50 ms of jitter
const DOWNS = [25, 46, 14, 38, 32, 19, 53, 11];

test("a burst runs 8 to 64 probes until another would hardly help", () => {
  const window = new SyncWindow();
  const quiet = Array.from({ length: 8 }, (_, index) => sample(500, 10, index * 10));
  for (const probe of quiet) window.addProbe(probe);
  assert.equal(burstDone(window, quiet.slice(0, 7), 7), false);
  assert.equal(burstDone(window, quiet, 8), true);
  window.clear();
  const jittery = UPS.map((up, index) => {
    const sent = index * 100;
    return sampleFrom(sent, 1000 + sent + up, 1000 + sent + up, sent + up + DOWNS[index]);
  });
  for (const probe of jittery) window.addProbe(probe);
  assert.ok(Math.abs(burstSlackMs(window, jittery) - 14 / 3) < 0.01);
  assert.equal(burstDone(window, jittery, 8), false);
  assert.equal(burstDone(window, jittery, MAX_BURST_PROBES), true);
});

test("a probe is due when the bound has widened, at most once a second", () => {
  const window = new SyncWindow();
  window.add(sample(500, 10, 0));
  assert.equal(probeDue(window, 900, 0), false); // too soon after the last
  assert.equal(probeDue(window, 9000, 0), false);
  assert.equal(probeDue(window, 10500, 0), true);
  window.add(sample(500, 2, 600000), [sample(500, 2, 0), sample(500, 2, 600000)]);
  assert.equal(probeDue(window, 620000, 600000), false);
  assert.equal(probeDue(window, 630000, 600000), true); // never over 30 s apart
});

test("sync.js gives the answers sync.py gives on the same probes (parity.json)", () => {
  const { probes, expected } = JSON.parse(readFileSync(new URL("./parity.json", import.meta.url)));
  const window = new SyncWindow();
  const burst = [];
  probes.forEach(([t0, t1, t2, t3], index) => {
    const probe = sampleFrom(t0, t1, t2, t3);
    window.addProbe(probe);
    const inBurst = index < 20;
    if (inBurst) burst.push(probe);
    const now = t3 + 500;
    const got = {
      offset: window.offsetAt(now),
      bound: window.errorBoundMs(now),
      excess: window.excessMs(now),
      kept: window.probes.length,
      burstSlack: inBurst ? burstSlackMs(window, burst) : null,
      burstDone: inBurst ? burstDone(window, burst, burst.length) : null,
      due: probeDue(window, now + 1500, t0),
    };
    for (const [key, value] of Object.entries(expected[index])) {
      if (value === "Infinity") assert.equal(got[key], Infinity, `${index} ${key}`);
      else if (typeof value === "number" && typeof got[key] === "number") {
        assert.ok(Math.abs(got[key] - value) < 1e-9, `${index} ${key}: ${got[key]} != ${value}`);
      } else assert.equal(got[key], value, `${index} ${key}`);
    }
  });
});
