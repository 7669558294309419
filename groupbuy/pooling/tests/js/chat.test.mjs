// Sending a chat message: `node --test groupbuy/pooling/tests/js`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { chatSender, refusalText } from "../../static/pooling/chat-sender.js";

function keys() {
  let made = 0;
  return () => `key-${++made}`;
}

// A server whose answers come when the test says so, in order.
function server(answers) {
  const posted = [];
  const waiting = [];
  return {
    posted,
    post(payload) {
      posted.push(payload);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    answer() {
      const answer = answers.shift();
      const { resolve, reject } = waiting.shift();
      if (answer instanceof Error) reject(answer);
      else resolve(answer);
    },
  };
}

test("a double click sends the message once", async () => {
  // given a sender whose first message is on its way
  const api = server([{ ok: true, data: { id: "msg_1" } }]);
  const sender = chatSender({ post: api.post, firstKey: "page-key", newKey: keys() });
  const first = sender.send("  Meet at till 3  ");
  assert.equal(sender.isSending, true);
  // when Send is clicked again before the answer
  const second = await sender.send("Meet at till 3");
  // then nothing more is posted; the first goes stripped, with the page's key
  assert.equal(second, null);
  api.answer();
  assert.deepEqual(await first, { ok: true, data: { id: "msg_1" } });
  assert.deepEqual(api.posted, [{ body: "Meet at till 3", client_key: "page-key" }]);
  assert.equal(sender.isSending, false);
});

test("a stored message gives the next one a new key; a refused or lost one keeps it", async () => {
  // given a message stored, then one refused, then one lost on the way
  const refusal = { ok: false, data: { message: "The chat opens once…" } };
  const api = server([{ ok: true, data: {} }, refusal, new TypeError("Failed to fetch")]);
  const sender = chatSender({ post: api.post, firstKey: "k0", newKey: keys() });
  for (const [text, outcome] of [["one", "stored"], ["two", "refused"], ["two", "lost"]]) {
    const sending = sender.send(text);
    api.answer();
    if (outcome === "lost") await assert.rejects(sending);
    else await sending;
    // (the button is free again whatever happened)
    assert.equal(sender.isSending, false);
  }
  // when it is sent once more
  const again = sender.send("two");
  // then the same message goes with the same key, for the server to store once
  assert.deepEqual(
    api.posted.map((payload) => payload.client_key),
    ["k0", "key-1", "key-1", "key-1"],
  );
  void again;
});

test("an empty message is not sent", async () => {
  const api = server([]);
  const sender = chatSender({ post: api.post, firstKey: "k" });
  assert.equal(await sender.send("   "), null);
  assert.deepEqual(api.posted, []);
});

test("a refusal shows the API's words, or the general ones", () => {
  const general = "Could not send.";
  assert.equal(
    refusalText({ message: "A message has 1 to 500 characters." }, general),
    "A message has 1 to 500 characters.",
  );
  assert.equal(refusalText({}, general), general);
  assert.equal(refusalText(null, general), general);
});
