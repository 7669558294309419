// A socket that stopped answering is replaced: `node --test groupbuy/realtime/tests/js`.
//
// On a phone the connection can die without a close (the network dropped, the
// radio changed, the tab was frozen): the browser keeps the socket "open" and
// nothing arrives any more. Chromium's offline mode does the same to an open
// socket. Until 2026-12-06 such a socket was kept for good.
import assert from "node:assert/strict";
import { mock, test } from "node:test";

const listeners = {};
const sockets = [];

class FakeWebSocket {
  static OPEN = 1;

  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.closedWith = null;
    this.handlers = {};
    sockets.push(this);
  }

  addEventListener(type, handler) {
    this.handlers[type] = handler;
  }

  send(text) {
    this.sent.push(JSON.parse(text));
  }

  close(code) {
    // A dead connection's closing handshake never completes: no close event.
    this.closedWith = code;
  }

  // what the server (or the network) does
  opens() {
    this.readyState = FakeWebSocket.OPEN;
    this.handlers.open?.({});
  }

  receives(event) {
    this.handlers.message?.({ data: JSON.stringify(event) });
  }

  closedByServer(code) {
    this.readyState = 3;
    this.handlers.close?.({ code });
  }
}

globalThis.WebSocket = FakeWebSocket;
globalThis.document = { visibilityState: "visible", addEventListener() {} };
globalThis.window = {
  addEventListener(type, listener) {
    (listeners[type] ||= []).push(listener);
  },
  location: { protocol: "http:", host: "example.test", reload() {} },
};
mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
const { openSocket, PING_INTERVAL_MS, PONG_TIMEOUT_MS } = await import(
  "../../static/realtime/socket.js"
);

function latest() {
  return sockets[sockets.length - 1];
}

test("a socket whose ping goes unanswered is replaced by a new one", () => {
  // given an open socket that has been answering
  const events = [];
  openSocket("/ws/me/", { onEvent: (event) => events.push(event) });
  const first = latest();
  first.opens();
  first.receives({ type: "notify.unread", unread_count: 0 });
  mock.timers.tick(PING_INTERVAL_MS);
  assert.deepEqual(first.sent, [{ type: "ping" }]);
  first.receives({ type: "pong" });
  // when the network dies without closing it: the next ping gets no answer
  mock.timers.tick(PING_INTERVAL_MS);
  mock.timers.tick(PONG_TIMEOUT_MS);
  // then it is given up, and a new one connects within the first retry delay
  assert.notEqual(first.closedWith, null);
  mock.timers.tick(1000);
  assert.equal(sockets.length, 2);
  // and whatever the old one still delivers is ignored
  first.receives({ type: "notify.unread", unread_count: 5 });
  assert.equal(events.length, 1);
});

test("when the network returns an open socket is checked at once", () => {
  // given an open socket
  openSocket("/ws/deals/deal_1/", {});
  const socket = latest();
  const before = sockets.length;
  socket.opens();
  // when the phone is back online: a ping goes out without waiting
  for (const listener of listeners.online) listener();
  assert.deepEqual(socket.sent.at(-1), { type: "ping" });
  // then an answer keeps it
  socket.receives({ type: "pong" });
  mock.timers.tick(PONG_TIMEOUT_MS + 1000);
  assert.equal(socket.closedWith, null);
  assert.equal(sockets.length, before);
  // but silence replaces it
  for (const listener of listeners.online) listener();
  mock.timers.tick(PONG_TIMEOUT_MS);
  mock.timers.tick(1000);
  assert.notEqual(socket.closedWith, null);
  assert.ok(sockets.length > before);
});

test("signed out, the socket stops and tells the page why; a changed sign-in reconnects", () => {
  // given two open sockets of a signed-in page
  const statuses = [];
  openSocket("/ws/me/", { onStatus: (status, code) => statuses.push([status, code]) });
  const signedOut = latest();
  signedOut.opens();
  const before = sockets.length;
  // when the server closes it because the person signed out
  signedOut.closedByServer(4401);
  mock.timers.tick(60000);
  // then it is not opened again, and the page is told the code
  assert.equal(sockets.length, before);
  assert.deepEqual(statuses.at(-1), ["closed", 4401]);

  // given another, closed because the person's sign-in changed (4001)
  openSocket("/ws/me/", {});
  const changed = latest();
  changed.opens();
  changed.closedByServer(4001);
  // then a new one connects within the first retry delay, to find out
  mock.timers.tick(1000);
  assert.notEqual(latest(), changed);
});
