// Sending chat messages: `node --test groupbuy/pooling/tests/js`.
import assert from "node:assert/strict";
import { mock, test } from "node:test";

import {
  RETRY_FIRST_MS,
  RETRY_MAX_MS,
  chatOutbox,
  keepMessages,
  keptMessages,
  refusalText,
} from "../../static/pooling/chat-sender.js";

mock.timers.enable({ apis: ["setTimeout"] });

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
    get pending() {
      return waiting.length;
    },
    async answer() {
      const answer = answers.shift();
      const { resolve, reject } = waiting.shift();
      if (answer instanceof Error) reject(answer);
      else resolve(answer);
      await settle();
    },
  };
}

async function settle() {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

const STORED = { ok: true, status: 200, data: { id: "msg_1" } };
const LOST = new TypeError("Failed to fetch");

function outbox(api, extra = {}) {
  const seen = { sent: [], refused: [], waiting: [] };
  const box = chatOutbox({
    post: api.post,
    firstKey: "page-key",
    newKey: keys(),
    onSent: (message) => seen.sent.push(message.body),
    onRefused: (message) => seen.refused.push(message.body),
    onWaiting: (message) => seen.waiting.push(message.body),
    ...extra,
  });
  return { box, seen };
}

test("messages go in order, stripped, one at a time, each with its own key", async () => {
  // given a message on its way
  const api = server([STORED, STORED]);
  const { box, seen } = outbox(api);
  box.add("  Meet at till 3  ");
  // when another is added before the answer
  box.add("at six");
  await settle();
  // then only the first is posted until it is answered, then the second
  assert.deepEqual(api.posted, [{ body: "Meet at till 3", client_key: "page-key" }]);
  await api.answer();
  assert.deepEqual(api.posted.map((payload) => payload.client_key), ["page-key", "key-1"]);
  await api.answer();
  assert.deepEqual(seen.sent, ["Meet at till 3", "at six"]);
  assert.deepEqual(box.waiting, []);
});

test("an empty message is not sent", async () => {
  const api = server([]);
  const { box } = outbox(api);
  assert.equal(box.add("   "), null);
  await settle();
  assert.deepEqual(api.posted, []);
});

test("a lost message is sent again by itself, with its key, the delay doubling", async () => {
  // given a message the network loses twice, and one written after it
  const api = server([LOST, LOST, STORED, STORED]);
  const { box, seen } = outbox(api);
  box.add("one");
  await settle();
  box.add("two");
  await api.answer();
  assert.deepEqual(seen.waiting, ["one"]);
  // (the second waits behind it: nothing more is posted meanwhile)
  assert.equal(api.posted.length, 1);
  // when the first delay passes, then twice that
  mock.timers.tick(RETRY_FIRST_MS);
  await settle();
  assert.equal(api.posted.length, 2);
  await api.answer();
  mock.timers.tick(RETRY_FIRST_MS);
  await settle();
  assert.equal(api.posted.length, 2); // not yet: the delay doubled
  mock.timers.tick(RETRY_FIRST_MS);
  await settle();
  await api.answer();
  await api.answer();
  // then both went, in order, the first always with its own key
  assert.deepEqual(
    api.posted.map((payload) => [payload.body, payload.client_key]),
    [
      ["one", "page-key"],
      ["one", "page-key"],
      ["one", "page-key"],
      ["two", "key-1"],
    ],
  );
  assert.deepEqual(seen.sent, ["one", "two"]);
  assert.deepEqual(box.waiting, []);
});

test("the delay stops doubling at its most", async () => {
  const api = server(Array(12).fill(LOST));
  const { box } = outbox(api);
  box.add("one");
  await settle();
  let delay = RETRY_FIRST_MS;
  for (let attempt = 0; attempt < 8; attempt += 1) {
    await api.answer();
    mock.timers.tick(delay - 1);
    await settle();
    assert.equal(api.pending, 0, `attempt ${attempt} came early`);
    mock.timers.tick(1);
    await settle();
    assert.equal(api.pending, 1, `attempt ${attempt} did not come`);
    delay = Math.min(delay * 2, RETRY_MAX_MS);
  }
  box.stop();
});

test("waking sends at once, and a wake during a pass sends nothing twice", async () => {
  // given a lost message waiting for its retry
  const api = server([LOST, STORED]);
  const { box, seen } = outbox(api);
  box.add("one");
  await settle();
  await api.answer();
  // when the connection comes back, twice in a row (socket and browser)
  box.wake();
  box.wake();
  await settle();
  // then it is posted once, at once
  assert.equal(api.posted.length, 2);
  await api.answer();
  assert.deepEqual(seen.sent, ["one"]);
  // and its retry timer does not post it once more
  mock.timers.tick(RETRY_MAX_MS);
  await settle();
  assert.equal(api.posted.length, 2);
});

test("offline, nothing is posted until the connection is back", async () => {
  let online = false;
  const api = server([STORED]);
  const queued = [];
  const { box, seen } = outbox(api, {
    isOnline: () => online,
    onQueued: (message) => queued.push(message.body),
  });
  box.add("one");
  // (in line before it is found waiting: the page shows it, then marks it)
  assert.deepEqual([queued, seen.waiting], [["one"], ["one"]]);
  await settle();
  mock.timers.tick(RETRY_MAX_MS);
  await settle();
  assert.deepEqual(api.posted, []);
  assert.deepEqual(seen.waiting, ["one"]);
  online = true;
  box.wake();
  await settle();
  await api.answer();
  assert.deepEqual(seen.sent, ["one"]);
});

test("a refused message is not sent again; the server failing is tried again", async () => {
  const refusal = { ok: false, status: 409, data: { message: "The chat opens once…" } };
  const failing = { ok: false, status: 502, data: {} };
  const api = server([refusal, failing, STORED]);
  const { box, seen } = outbox(api);
  box.add("refused");
  box.add("kept");
  await settle();
  await api.answer();
  assert.deepEqual(seen.refused, ["refused"]);
  await api.answer();
  assert.deepEqual(seen.waiting, ["kept"]);
  mock.timers.tick(RETRY_FIRST_MS);
  await settle();
  await api.answer();
  assert.deepEqual(seen.sent, ["kept"]);
  assert.deepEqual(
    api.posted.map((payload) => payload.body),
    ["refused", "kept", "kept"],
  );
});

test("once stopped, nothing more is sent", async () => {
  const api = server([LOST]);
  const { box } = outbox(api);
  box.add("one");
  await settle();
  await api.answer();
  box.stop();
  mock.timers.tick(RETRY_MAX_MS);
  box.wake();
  await settle();
  assert.equal(api.posted.length, 1);
  assert.equal(box.add("two"), null);
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

// A localStorage of the test's own.
function memoryStorage(initial = {}) {
  const items = { ...initial };
  return {
    items,
    getItem: (key) => (key in items ? items[key] : null),
    setItem: (key, value) => {
      items[key] = String(value);
    },
    removeItem: (key) => {
      delete items[key];
    },
  };
}

test("what waits is kept across a reload and sent then, each with its own key", async () => {
  // given a page whose message the network lost, kept as the page keeps it
  const storage = memoryStorage();
  const room = "/api/pooling/pools/pool_1/messages";
  const first = server([LOST]);
  const before = outbox(first, {
    onChange: (waiting) => keepMessages(storage, room, waiting),
  });
  before.box.add("written in the tunnel");
  await settle();
  await first.answer();
  assert.deepEqual(keptMessages(storage, room), [
    { body: "written in the tunnel", client_key: "page-key" },
  ]);
  // when the page is loaded again (a new outbox, a new page key) with the
  // network back
  const second = server([STORED]);
  const queued = [];
  const after = outbox(second, {
    firstKey: "new-page-key",
    onQueued: (message) => queued.push(message.body),
    onChange: (waiting) => keepMessages(storage, room, waiting),
  });
  after.box.restore(keptMessages(storage, room));
  await settle();
  // then it shows pending again and is sent with the key it had, so the server
  // stores it once; once sent nothing is kept
  assert.deepEqual(queued, ["written in the tunnel"]);
  assert.deepEqual(second.posted, [
    { body: "written in the tunnel", client_key: "page-key" },
  ]);
  await second.answer();
  assert.deepEqual(after.seen.sent, ["written in the tunnel"]);
  assert.deepEqual(keptMessages(storage, room), []);
  assert.equal(storage.getItem("pooling.chat-outbox"), null);
});

test("each chat keeps its own messages, and what is not a message is dropped", () => {
  const storage = memoryStorage({
    "pooling.chat-outbox": JSON.stringify([
      { room: "/pool", body: "for the pool", client_key: "k1" },
      { room: "/contact", body: "for the contact", client_key: "k2" },
      null,
    ]),
  });
  assert.deepEqual(keptMessages(storage, "/pool"), [{ body: "for the pool", client_key: "k1" }]);
  keepMessages(storage, "/pool", []);
  assert.deepEqual(keptMessages(storage, "/contact"), [
    { body: "for the contact", client_key: "k2" },
  ]);
  assert.deepEqual(keptMessages(storage, "/pool"), []);
  assert.deepEqual(keptMessages(memoryStorage({ "pooling.chat-outbox": "{not json" }), "/pool"), []);
});

test("a kept message without a key or a body is not restored, nor one twice", async () => {
  const api = server([STORED]);
  const { box } = outbox(api);
  box.restore([
    { body: "ok", client_key: "k1" },
    { body: "", client_key: "k2" },
    { body: "no key" },
    { body: "ok", client_key: "k1" },
  ]);
  await settle();
  assert.deepEqual(box.waiting, [{ body: "ok", client_key: "k1" }]);
});
