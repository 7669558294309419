// The compose page's recipients and names: `node --test groupbuy/sharing/tests/js`.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  NAME_MAX_CHARS,
  addRecipient,
  cleanName,
  namesField,
  readNames,
  splitNumbers,
} from "../../static/sharing/recipients.js";

test("a picked contact's number goes in the box and its name beside it", () => {
  const added = addRecipient("13800000002", {}, "+86 139 5555 0032", "妈妈");
  assert.equal(added.text, "13800000002\n+86 139 5555 0032");
  assert.deepEqual(added.names, { "+86 139 5555 0032": "妈妈" });
  assert.equal(namesField(added.text, added.names), '{"+86 139 5555 0032":"妈妈"}');
});

test("a number picked twice is in the box once and keeps its first name", () => {
  let state = addRecipient("", {}, "13955550032", "Mum");
  state = addRecipient(state.text, state.names, "13955550032", "Mother");
  assert.equal(state.text, "13955550032");
  assert.deepEqual(state.names, { 13955550032: "Mum" });
});

test("a number typed or taken out of the box sends no name", () => {
  const state = addRecipient("13800000002，13900000003", {}, "13955550032", "Mum");
  assert.deepEqual(splitNumbers(state.text), ["13800000002", "13900000003", "13955550032"]);
  assert.equal(namesField("13800000002\n13900000003", state.names), "");
});

test("a name loses its control characters and is cut at 120 characters", () => {
  assert.equal(cleanName("Mum\n\u0000\u202e(home)\t"), "Mum (home)");
  assert.equal(cleanName("x".repeat(500)), "x".repeat(NAME_MAX_CHARS));
  // counted in characters, as the server does: no emoji is cut in half
  assert.equal(Array.from(cleanName("😀".repeat(200))).length, NAME_MAX_CHARS);
  assert.equal(cleanName(undefined), "");
  assert.deepEqual(addRecipient("", {}, "13955550032", " \n ").names, {});
});

test("names the page was served with are read back, and nothing else", () => {
  assert.deepEqual(readNames('{"13955550032":"Mum"}'), { 13955550032: "Mum" });
  for (const given of ["", "oops", "[1]", "null", '{"1": 2}']) {
    assert.deepEqual(readNames(given), {}, `for ${given}`);
  }
});
