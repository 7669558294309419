// The unread badge, as a screen reader hears it:
// `node --test groupbuy/notify/tests/js/live.test.mjs`.
import assert from "node:assert/strict";
import { register } from "node:module";
import { test } from "node:test";

// live.js imports ../realtime/socket.js as the browser finds it under /static/;
// in the source tree it is groupbuy/realtime/static/realtime/socket.js.
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

const badge = { hidden: true, textContent: "", dataset: {} };
const spoken = [{ textContent: "" }, { textContent: "" }];
globalThis.window = { groupbuyUserSocket: {}, addEventListener() {} }; // (no socket)
globalThis.document = {
  getElementById: (id) => (id === "inbox-badge" ? badge : null),
  querySelectorAll: (selector) =>
    selector === '[data-badge-spoken="inbox-badge"]' ? spoken : [],
};

const { showUnreadCount } = await import("../../static/notify/live.js");

test("the unread count is said in words beside the link, not as a bare number", () => {
  // when 3 messages are unread
  showUnreadCount(3);
  // then the badge shows 3 and the link's hidden words say "3 unread"
  assert.deepEqual([badge.hidden, badge.textContent], [false, "3"]);
  assert.deepEqual(
    spoken.map((one) => one.textContent),
    ["3 unread", "3 unread"],
  );
  // and with none unread, neither says anything
  showUnreadCount(0);
  assert.equal(badge.hidden, true);
  assert.deepEqual(
    spoken.map((one) => one.textContent),
    ["", ""],
  );
});
