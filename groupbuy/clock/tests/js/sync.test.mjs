// The clock's protocol arithmetic, without a browser: `node --test groupbuy/clock/tests/js`
// (run by `make test`). The same cases as groupbuy/clock/tests/test_sync.py.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  SyncWindow,
  bestSample,
  clockJumped,
  feasibleLines,
  fitDrift,
  isLate,
  nextTickAt,
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

test("intervals that do not meet fall back to the best probe", () => {
  const far = sample(1100, 2, 50);
  const near = sample(990.5, 21, 10.5);
  const window = new SyncWindow();
  window.add(far, [near, far]);
  assert.equal(window.intervalAt(50), null);
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

test("probes no line fits fall back to the intervals", () => {
  const probes = [sample(0, 2, 0), sample(100, 2, 1000)];
  assert.equal(feasibleLines(probes), null);
  const window = new SyncWindow();
  window.add(probes[1], probes);
  assert.equal(window.lines, null);
  assert.equal(window.offsetAt(1000), 100);
});
