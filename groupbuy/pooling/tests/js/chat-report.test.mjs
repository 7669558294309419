// The Report link of a message the chat's script shows:
// `node --test groupbuy/pooling/tests/js`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { readerNames, reportActions } from "../../static/pooling/chat-report.js";

// An element of the page part as the DOM gives it: its attributes.
function element(attributes) {
  const values = new Map(Object.entries(attributes));
  return {
    getAttributeNames: () => [...values.keys()],
    getAttribute: (name) => values.get(name),
    setAttribute: (name, value) => values.set(name, value),
    attributes: values,
  };
}

// <template id="chat-report" data-item-id="CHAT_MESSAGE_ID">, as moderation's
// part renders it: a span around the link.
function template() {
  return {
    dataset: { itemId: "CHAT_MESSAGE_ID" },
    content: {
      cloneNode() {
        const span = element({ class: "reply-actions" });
        const link = element({
          class: "report-link",
          href: "/moderation/pool-messages/CHAT_MESSAGE_ID/report/",
          id: "report-CHAT_MESSAGE_ID",
        });
        return { querySelectorAll: () => [span, link], span, link };
      },
    },
  };
}

const ME = ["Shopper A", "顾客 A"];

test("another's message gets the link with its own id in the placeholder's place", () => {
  const actions = reportActions(template(), { id: "cm_7Yq", author: "Shopper B" }, ME);
  assert.deepEqual(Object.fromEntries(actions.link.attributes), {
    class: "report-link",
    href: "/moderation/pool-messages/cm_7Yq/report/",
    id: "report-cm_7Yq",
  });
  assert.deepEqual(Object.fromEntries(actions.span.attributes), { class: "reply-actions" });
});

test("an id goes in the link's path percent-encoded, as the server's url puts it", () => {
  const actions = reportActions(template(), { id: "a b", author: "Shopper B" }, ME);
  assert.equal(actions.link.attributes.get("href"), "/moderation/pool-messages/a%20b/report/");
  assert.equal(actions.link.attributes.get("id"), "report-a b");
});

test("none on the reader's own message, named in any language", () => {
  for (const author of ME) {
    assert.equal(reportActions(template(), { id: "cm_1", author }, ME), null);
  }
});

test("none on a message the platform removed", () => {
  const removed = { id: "cm_1", author: "Shopper B", is_removed: true };
  assert.equal(reportActions(template(), removed, ME), null);
});

test("none when no app fills the messages' actions (no template)", () => {
  assert.equal(reportActions(null, { id: "cm_1", author: "Shopper B" }, ME), null);
});

test("the reader's names come from the page, none when it gives none", () => {
  assert.deepEqual(readerNames({ dataset: { chatMe: '["Shopper A", "顾客 A"]' } }), ME);
  assert.deepEqual(readerNames({ dataset: {} }), []);
  assert.deepEqual(readerNames({ dataset: { chatMe: "{oops" } }), []);
  assert.deepEqual(readerNames(null), []);
});
