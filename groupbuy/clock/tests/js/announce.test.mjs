// When a countdown speaks to screen readers: `node --test groupbuy/clock/tests/js`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { announcementMoment, isAnnounced, momentKey } from "../../static/clock/announce.js";

const spokenBetween = (fromSeconds, toSeconds) => {
  // Count down second by second, as the display does; return what is said.
  const said = [];
  let previous = null;
  for (let seconds = fromSeconds; seconds >= toSeconds; seconds--) {
    const moment = announcementMoment(seconds);
    if (isAnnounced(previous, moment)) said.push(momentKey(moment));
    previous = momentKey(moment);
  }
  return said;
};

test("the last hour is spoken once a minute, then at 10 seconds and at the end", () => {
  const said = spokenBetween(3600, 0);
  assert.equal(said.length, 59 + 1 + 1);
  assert.equal(said[0], "minutes:59");
  assert.deepEqual(said.slice(-3), ["minutes:1", "seconds:10", "ended:0"]);
});

test("no two announcements come less than ten seconds apart", () => {
  let previous = null;
  let lastSaidAt = null;
  for (let seconds = 7200; seconds >= 0; seconds--) {
    const moment = announcementMoment(seconds);
    if (isAnnounced(previous, moment)) {
      if (lastSaidAt !== null) assert.ok(lastSaidAt - seconds >= 10, `at ${seconds}`);
      lastSaidAt = seconds;
    }
    previous = momentKey(moment);
  }
});

test("above an hour it speaks each hour, above a day each day", () => {
  assert.deepEqual(announcementMoment(3601), { unit: "hours", count: 2 });
  assert.deepEqual(announcementMoment(86_400), { unit: "hours", count: 24 });
  assert.deepEqual(announcementMoment(86_401), { unit: "days", count: 2 });
  assert.deepEqual(spokenBetween(3 * 3600, 2 * 3600 + 1), []);
  assert.deepEqual(spokenBetween(3 * 3600 + 1, 2 * 3600), ["hours:3", "hours:2"]);
});

test("the first render is silent; the same moment again is silent", () => {
  const moment = announcementMoment(125);
  assert.deepEqual(moment, { unit: "minutes", count: 3 });
  assert.equal(isAnnounced(null, moment), false);
  assert.equal(isAnnounced("minutes:3", announcementMoment(121)), false);
  assert.equal(isAnnounced("minutes:3", announcementMoment(120)), true);
});

test("a deadline moved later is spoken (the moment changes)", () => {
  assert.equal(isAnnounced("minutes:2", announcementMoment(600)), true);
});

test("ten seconds and the end are their own moments", () => {
  assert.deepEqual(announcementMoment(11), { unit: "minutes", count: 1 });
  assert.deepEqual(announcementMoment(10), { unit: "seconds", count: 10 });
  assert.deepEqual(announcementMoment(1), { unit: "seconds", count: 10 });
  assert.deepEqual(announcementMoment(0), { unit: "ended", count: 0 });
  assert.deepEqual(announcementMoment(-5), { unit: "ended", count: 0 });
});
