// What a failed htmx request says: `node --test groupbuy/web/tests/js/request-errors.test.mjs`.
import assert from "node:assert/strict";
import { test } from "node:test";

globalThis.window = {};
const { requestErrorText } = await import("../../static/web/js/request-errors.js");

test("a request that changes something and fails for the network says so", () => {
  const text = "No connection. Check your network and try again.";
  assert.equal(requestErrorText("htmx:sendError", "post"), text);
  assert.equal(requestErrorText("htmx:timeout", "DELETE"), text);
});

test("one the server refused says something went wrong", () => {
  assert.equal(
    requestErrorText("htmx:responseError", "post"),
    "Something went wrong. Please try again.",
  );
});

test("a page's poll (a GET) that fails is left to try again", () => {
  assert.equal(requestErrorText("htmx:sendError", "get"), null);
  assert.equal(requestErrorText("htmx:responseError", "GET"), null);
  assert.equal(requestErrorText("htmx:afterRequest", "post"), null);
});
