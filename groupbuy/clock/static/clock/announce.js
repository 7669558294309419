// When a countdown speaks to screen readers (docs/clock.md, "Screen readers").
//
// The ticking digits are hidden from assistive technology; a visually hidden
// polite live region beside them holds the time left in words and changes only
// when the countdown enters a new "moment": each day while more than a day is
// left, each hour within the last day, each minute within the last hour, once
// at 10 seconds and once at the end. So a screen reader hears at most one
// sentence a minute, never the seconds. Pure functions, tested with node --test.

export const FINAL_SECONDS = 10;
const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// The moment a countdown with `seconds` left is in: { unit, count }.
export function announcementMoment(seconds) {
  if (!(seconds > 0)) return { unit: "ended", count: 0 };
  if (seconds <= FINAL_SECONDS) return { unit: "seconds", count: FINAL_SECONDS };
  if (seconds <= HOUR) return { unit: "minutes", count: Math.ceil(seconds / MINUTE) };
  if (seconds <= DAY) return { unit: "hours", count: Math.ceil(seconds / HOUR) };
  return { unit: "days", count: Math.ceil(seconds / DAY) };
}

export function momentKey(moment) {
  return `${moment.unit}:${moment.count}`;
}

// Whether going from the moment last spoken (its key, null on the first render)
// to `moment` is worth saying. The first render fills the region silently.
export function isAnnounced(previousKey, moment) {
  return previousKey !== null && previousKey !== momentKey(moment);
}
