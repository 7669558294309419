// The reload a live update asks for: `node --test groupbuy/realtime/tests/js`.
import assert from "node:assert/strict";
import { test } from "node:test";

const listeners = {};
let reloads = 0;
globalThis.window = {
  addEventListener(type, listener) {
    listeners[type] = listener;
  },
  location: {
    reload() {
      reloads += 1;
    },
  },
};
const { reloadPage } = await import("../../static/realtime/socket.js");

test("a live update reloads the page, but never cancels a navigation under way", () => {
  // given a page nobody is leaving: the update reloads it
  reloadPage();
  assert.equal(reloads, 1);
  // when the person clicks a link (the page is being left): no reload wins over it
  listeners.beforeunload();
  reloadPage();
  assert.equal(reloads, 1);
  // and a page brought back from the back/forward cache follows updates again
  listeners.pageshow();
  reloadPage();
  assert.equal(reloads, 2);
});
