// The Report link of a message a chat's or a thread's script shows:
// `node --test groupbuy/web/tests/js`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { readerKey, reportActions } from "../../static/web/js/report-actions.js";

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

// <template id="reply-report" data-item-id="THREAD_REPLY_ID">, a share's
// thread's: the same part, the replies' link.
function replyTemplate() {
  return {
    dataset: { itemId: "THREAD_REPLY_ID" },
    content: {
      cloneNode() {
        const link = element({
          href: "/moderation/replies/THREAD_REPLY_ID/report/",
          id: "report-THREAD_REPLY_ID",
        });
        return { querySelectorAll: () => [link], link };
      },
    },
  };
}

// The key of the reader's own messages in this chat (data-reader-key).
const ME = "3f9c0a7d21be84e65c10";
const OTHER = { author: "Shopper B", author_key: "b71e0c9a44d2f3186a07" };

test("another's message gets the link with its own id in the placeholder's place", () => {
  const actions = reportActions(template(), { id: "cm_7Yq", ...OTHER }, ME);
  assert.deepEqual(Object.fromEntries(actions.link.attributes), {
    class: "report-link",
    href: "/moderation/pool-messages/cm_7Yq/report/",
    id: "report-cm_7Yq",
  });
  assert.deepEqual(Object.fromEntries(actions.span.attributes), { class: "reply-actions" });
});

test("an id goes in the link's path percent-encoded, as the server's url puts it", () => {
  const actions = reportActions(template(), { id: "a b", ...OTHER }, ME);
  assert.equal(actions.link.attributes.get("href"), "/moderation/pool-messages/a%20b/report/");
  assert.equal(actions.link.attributes.get("id"), "report-a b");
});

test("none on the reader's own message, whatever it is named", () => {
  // named in another language, or "Shopper A" where the page knew the reader
  // by their number (a conversation ended since)
  for (const author of ["Shopper A", "顾客 A", "+8613800000002", "Shopper B"]) {
    assert.equal(reportActions(template(), { id: "cm_1", author, author_key: ME }, ME), null);
  }
});

test("another's message named as the reader is still another's", () => {
  const namesake = { id: "cm_2", author: "Shopper A", author_key: OTHER.author_key };
  assert.notEqual(reportActions(template(), namesake, ME), null);
});

test("none on a message whose author is not known (no key), nor without the reader's", () => {
  assert.equal(reportActions(template(), { id: "cm_1", author: "Shopper B" }, ME), null);
  assert.equal(reportActions(template(), { id: "cm_1", ...OTHER }, ""), null);
});

test("none on a message the platform removed", () => {
  const removed = { id: "cm_1", ...OTHER, is_removed: true };
  assert.equal(reportActions(template(), removed, ME), null);
});

test("none when no app fills the messages' actions (no template)", () => {
  assert.equal(reportActions(null, { id: "cm_1", ...OTHER }, ME), null);
});

test("the reader's key comes from the page, none when it gives none", () => {
  assert.equal(readerKey({ dataset: { readerKey: ME } }), ME);
  assert.equal(readerKey({ dataset: {} }), "");
  assert.equal(readerKey(null), "");
});

test("a thread's reply by another gets the replies' link, the reader's own none", () => {
  const reply = { id: "msg_4k9", author: "Mum", author_key: OTHER.author_key };
  const actions = reportActions(replyTemplate(), reply, ME);
  assert.deepEqual(Object.fromEntries(actions.link.attributes), {
    href: "/moderation/replies/msg_4k9/report/",
    id: "report-msg_4k9",
  });
  // the sender's own reply, named by their own name for the contact or not
  assert.equal(reportActions(replyTemplate(), { ...reply, author_key: ME }, ME), null);
});
