// The countdown's words and its bound, without a browser:
// `node --test groupbuy/clock/tests/js/countdown.test.mjs`.
import assert from "node:assert/strict";
import { register } from "node:module";
import { test } from "node:test";

// countdown.js imports ../web/js/i18n.js and ../realtime/socket.js as the
// browser finds them under /static/; in the source tree they are in the web
// and realtime apps.
const resolver = `
export async function resolve(specifier, context, next) {
  const url = context.parentURL && new URL(specifier, context.parentURL);
  const found = url?.pathname.match(/^(.*\\/groupbuy\\/)\\w+\\/static\\/(\\w+)\\/(.*)$/);
  if (found && !url.pathname.includes(\`/\${found[2]}/static/\${found[2]}/\`)) {
    const path = \`\${found[1]}\${found[2]}/static/\${found[2]}/\${found[3]}\`;
    return next(new URL(path, url).href, context);
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(resolver)}`);
globalThis.window = { addEventListener() {} }; // no catalog: the English source words
const { announcementMoment } = await import("../../static/clock/announce.js");
const { boundShown, formatRemaining, spokenRemaining } = await import(
  "../../static/clock/countdown.js"
);

const spoken = (seconds, options) => spokenRemaining(announcementMoment(seconds), options);

test("a countdown to a deadline says the time left", () => {
  assert.equal(spoken(90 * 60), "Less than 2 hours left");
  assert.equal(spoken(12 * 60), "12 minutes left");
  assert.equal(spoken(0), "Ended");
});

test("a countdown to a start says when it starts, not that time is running out", () => {
  const toStart = { toStart: true };
  assert.equal(spoken(90 * 60, toStart), "Starts in less than 2 hours");
  assert.equal(spoken(30 * 3600, toStart), "Starts in less than 2 days");
  assert.equal(spoken(60, toStart), "Starts in 1 minute");
  assert.equal(spoken(12 * 60, toStart), "Starts in 12 minutes");
  assert.equal(spoken(5, toStart), "Starts in 10 seconds");
  assert.equal(spoken(0, toStart), "Started");
});

test("the clock's bound is a tooltip while the countdown runs", () => {
  assert.deepEqual(boundShown(1.2, 600), {
    boundMs: "2",
    title: "Within ±2 ms of the server's clock",
  });
});

test("the bound is not given before the first sync nor once the countdown ended", () => {
  assert.deepEqual(boundShown(null, 600), { boundMs: "", title: "" });
  assert.deepEqual(boundShown(2, 0), { boundMs: "", title: "" });
});

test("the digits of a countdown to a start read Started at zero, not Ended", () => {
  assert.equal(formatRemaining(0, { toStart: true }), "Started");
  assert.equal(formatRemaining(0), "Ended");
  assert.equal(formatRemaining(61_000, { toStart: true }), "00:01:01");
});
