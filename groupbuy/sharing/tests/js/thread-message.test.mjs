// A live reply reads as the replies the page was served with:
// `node --test groupbuy/sharing/tests/js`.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  isReadBy,
  metaParts,
  readersWith,
  sentAt,
} from "../../static/sharing/thread-message.js";

test("a reply's time is written as the page writes it, in the site's zone", () => {
  assert.equal(sentAt("2026-12-06T11:14:05.123Z", "Asia/Shanghai"), "2026-12-06 19:14");
  // past midnight in Shanghai: the next day, hour 00 (not 24)
  assert.equal(sentAt("2026-12-06T16:05:00.000Z", "Asia/Shanghai"), "2026-12-07 00:05");
  assert.equal(sentAt("2026-12-06T16:05:00.000Z", "UTC"), "2026-12-06 16:05");
});

test("a time that cannot be read is left out", () => {
  assert.equal(sentAt("not a time", "Asia/Shanghai"), "");
});

test("a sent reply names its author and when it was sent", () => {
  const message = { author_name: "小李", created_at: "2026-12-06T11:14:05.123Z" };
  assert.deepEqual(metaParts(message, { timeZone: "Asia/Shanghai" }), {
    pending: false,
    author: "小李",
    datetime: "2026-12-06T11:14:05.123Z",
    time: "2026-12-06 19:14",
  });
});

test("a reply waiting for the network has no author or time yet", () => {
  assert.deepEqual(metaParts({ body: "hi" }, { pending: true }), { pending: true });
});

test("a receipt covers the replies its reader read past and did not write", () => {
  const receipt = { reader: "usr_mei", read_at: "2026-12-06T11:20:00.000Z" };
  const earlier = { author: "usr_lan", createdAt: "2026-12-06T19:14:00.123456+08:00" };
  const later = { author: "usr_lan", createdAt: "2026-12-06T11:21:00.000Z" };
  const hers = { author: "usr_mei", createdAt: "2026-12-06T11:00:00.000Z" };
  assert.equal(isReadBy(earlier, receipt), true);
  assert.equal(isReadBy(later, receipt), false);
  assert.equal(isReadBy(hers, receipt), false);
  // someone not named has written nothing: every reply before is theirs to read
  assert.equal(isReadBy(hers, { reader: "", read_at: receipt.read_at }), true);
  assert.equal(isReadBy({ author: "usr_lan" }, receipt), false); // no time
});

test("a reader is added to a reply's readers once", () => {
  assert.deepEqual(readersWith(["Lan"], "Mei"), ["Lan", "Mei"]);
  assert.deepEqual(readersWith(["Lan", "Mei"], "Mei"), ["Lan", "Mei"]);
  assert.deepEqual(readersWith(["Lan"], ""), ["Lan"]);
});
