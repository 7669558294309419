// The clock's socket replaces a connection gone silent:
// `node --test groupbuy/clock/tests/js/socket.test.mjs`.
//
// Until 2026-12-06 a clock socket whose connection died without a close was
// kept: every probe went unanswered, the countdown kept its last offset and
// never synchronised again.
import assert from "node:assert/strict";
import { register } from "node:module";
import { mock, test } from "node:test";

// socket.js imports ../realtime/socket.js as the browser finds it under
// /static/; in the source tree it is the realtime app's.
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

  opens() {
    this.readyState = FakeWebSocket.OPEN;
    this.handlers.open?.({});
  }

  receives(reply) {
    this.handlers.message?.({ data: JSON.stringify(reply) });
  }
}

globalThis.WebSocket = FakeWebSocket;
globalThis.window = {
  addEventListener() {},
  location: { protocol: "http:", host: "example.test" },
  setTimeout: (...args) => setTimeout(...args),
  clearTimeout: (...args) => clearTimeout(...args),
};
mock.timers.enable({ apis: ["setTimeout"] });
const { SILENCE_LIMIT_MS, openClockSocket } = await import("../../static/clock/socket.js");
const { PONG_TIMEOUT_MS } = await import("../../../realtime/static/realtime/socket.js");

function latest() {
  return sockets[sockets.length - 1];
}

function clockLine() {
  const seen = { opened: 0, messages: [], lost: 0 };
  const line = openClockSocket({
    onOpen: () => seen.opened++,
    onMessage: (data) => seen.messages.push(JSON.parse(data)),
    onLost: () => seen.lost++,
  });
  return { line, seen };
}

test("it goes silent by the realtime socket's rule", () => {
  assert.equal(SILENCE_LIMIT_MS, PONG_TIMEOUT_MS);
});

test("a socket whose probes go unanswered is replaced, and the new one syncs", () => {
  // given the clock's socket, open and answering
  const { line, seen } = clockLine();
  const first = latest();
  first.opens();
  assert.equal(first.url, "ws://example.test/ws/clock/");
  assert.equal(line.send({ type: "clock.probe", id: 1 }), true);
  first.receives({ type: "clock.reply", id: 1 });
  mock.timers.tick(SILENCE_LIMIT_MS * 2);
  assert.equal(first.closedWith, null); // an answered probe keeps it
  // when the connection dies without a close: a probe gets no answer
  line.send({ type: "clock.probe", id: 2 });
  mock.timers.tick(SILENCE_LIMIT_MS - 1);
  assert.equal(first.closedWith, null);
  mock.timers.tick(1);
  // then it is given up, the waiting probes are told, and a new socket
  // connects within the first retry delay; its opening starts a sync
  assert.equal(first.closedWith, 4000);
  assert.equal(seen.lost, 1);
  assert.equal(line.isOpen, false);
  assert.equal(line.send({ type: "clock.probe", id: 3 }), false);
  mock.timers.tick(1000);
  const second = latest();
  assert.notEqual(second, first);
  second.opens();
  assert.equal(seen.opened, 2);
  assert.equal(line.send({ type: "clock.probe", id: 4 }), true);
  assert.deepEqual(second.sent, [{ type: "clock.probe", id: 4 }]);
  // and what the old one still delivers is ignored
  first.receives({ type: "clock.reply", id: 2 });
  assert.deepEqual(
    seen.messages.map((reply) => reply.id),
    [1],
  );
});

test("a socket the server closes reconnects, and a late close of a given-up one does not", () => {
  const { seen } = clockLine();
  const first = latest();
  first.opens();
  const before = sockets.length;
  first.handlers.close({ code: 1006 });
  assert.equal(seen.lost, 1);
  mock.timers.tick(1000);
  assert.equal(sockets.length, before + 1);
  // (the old socket's close, again, changes nothing)
  first.handlers.close({ code: 1006 });
  mock.timers.tick(30000);
  assert.equal(sockets.length, before + 1);
});
