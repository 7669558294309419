import assert from "node:assert/strict";
import { test } from "node:test";

import { agreeingRead } from "../../static/snap/live-scan.js";

const ean = (text) => ({ format: "ean_13", rawValue: text });

test("a code is sent only when two frames in a row read the same", () => {
  const first = agreeingRead(null, [ean("6901234567892")]);
  assert.equal(first.send, null);
  const second = agreeingRead(first.next, [ean("6901234567892")]);
  assert.deepEqual(second.send, { format: "ean_13", text: "6901234567892" });
});

test("a different read in the next frame starts over", () => {
  const first = agreeingRead(null, [ean("6901234567892")]);
  const other = agreeingRead(first.next, [ean("6901234567908")]);
  assert.equal(other.send, null);
  assert.equal(other.next.text, "6901234567908");
});

test("frames with nothing, or only formats we do not read, reset", () => {
  const first = agreeingRead(null, [ean("6901234567892")]);
  const empty = agreeingRead(first.next, []);
  assert.deepEqual(empty, { next: null, send: null });
  const aztec = agreeingRead(first.next, [{ format: "aztec", rawValue: "x" }]);
  assert.equal(aztec.send, null);
});
