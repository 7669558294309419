// A live reply reads as the replies the page was served with:
// `node --test groupbuy/sharing/tests/js`.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  isMine,
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
  // keys in this thread (author_key, reader_key), as the server gives them
  const MEI = "5d0c1e9a7b3f42a68e11";
  const LAN = "b71e0c9a44d2f3186a07";
  const receipt = { reader_key: MEI, read_at: "2026-12-06T11:20:00.000Z" };
  const earlier = { authorKey: LAN, createdAt: "2026-12-06T19:14:00.123456+08:00" };
  const later = { authorKey: LAN, createdAt: "2026-12-06T11:21:00.000Z" };
  const hers = { authorKey: MEI, createdAt: "2026-12-06T11:00:00.000Z" };
  assert.equal(isReadBy(earlier, receipt), true);
  assert.equal(isReadBy(later, receipt), false);
  assert.equal(isReadBy(hers, receipt), false);
  // someone not named has written nothing: every reply before is theirs to read
  assert.equal(isReadBy(hers, { reader_key: "", read_at: receipt.read_at }), true);
  assert.equal(isReadBy({ authorKey: LAN }, receipt), false); // no time
});

test("a reply is mine by its author's key in the thread, not by its name", () => {
  const ME = "5d0c1e9a7b3f42a68e11";
  // the sender's copy names a contact by the sender's own name for them
  assert.equal(isMine({ author_name: "妈妈", author_key: ME }, ME), true);
  assert.equal(isMine({ author_name: "Mei", author_key: "b71e0c9a44d2f3186a07" }, ME), false);
  // a page that knows no reader, or a reply with no key, claims nothing
  assert.equal(isMine({ author_key: ME }, ""), false);
  assert.equal(isMine({ author_name: "Mei" }, ME), false);
});

test("a reader is added to a reply's readers once", () => {
  assert.deepEqual(readersWith(["Lan"], "Mei"), ["Lan", "Mei"]);
  assert.deepEqual(readersWith(["Lan", "Mei"], "Mei"), ["Lan", "Mei"]);
  assert.deepEqual(readersWith(["Lan"], ""), ["Lan"]);
});
