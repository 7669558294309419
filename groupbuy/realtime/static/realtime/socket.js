// A JSON WebSocket that reconnects by itself.
//
// openSocket("/ws/deals/deal_…/", { onEvent(event) {…}, onStatus(status) {…} })
// connects to the same host (ws: or wss: to match the page), calls onEvent with
// every JSON message, and after a drop reconnects with a growing, jittered delay
// (1 s doubling up to 30 s), at once when the network returns. It stops for good
// on the server's refusals 4401 (not signed in, or signed out since), 4403 (no
// longer allowed) and 4404 (no such deal): onStatus("closed", code) then says
// which, for the page to say why it no longer updates. The server's 4001 (the
// person's sign-in changed: a password changed elsewhere) is a drop like any
// other: the socket reconnects, and is refused with 4401 if that signed it out.
// Returns { close() }.
//
// A phone's connection can die with no close at all (the network dropped, the
// radio switched, the tab was frozen; Chromium's offline mode too): the socket
// stays "open" and nothing comes. So every ping (each PING_INTERVAL_MS, and at
// once when the network returns or the page is shown again) must be answered
// within PONG_TIMEOUT_MS, by the pong or any message; if not, the socket is given
// up (whatever it still delivers is ignored) and a new one connects as after a
// drop. Until 2026-12-06 such a socket was kept for good: no live updates.

// reloadPage(): the reload a live update asks for, unless the person has
// already started leaving the page (a link clicked, a form sent): a reload then
// would cancel their navigation. A page restored from the back/forward cache
// listens again.
let leaving = false;
window.addEventListener("beforeunload", () => {
  leaving = true;
});
window.addEventListener("pageshow", () => {
  leaving = false;
});

export function reloadPage() {
  if (!leaving) window.location.reload();
}

const FINAL_CLOSE_CODES = new Set([4401, 4403, 4404]);
export const PING_INTERVAL_MS = 25000;
export const PONG_TIMEOUT_MS = 10000;

export function openSocket(path, { onEvent = () => {}, onStatus = () => {} } = {}) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const url = `${scheme}//${window.location.host}${path}`;
  let socket = null;
  let retryDelayMs = 1000;
  let retryTimer = null;
  let pingTimer = null;
  let pongTimer = null;
  let stopped = false;

  function connect() {
    clearTimeout(retryTimer);
    if (stopped) return;
    onStatus("connecting");
    const current = new WebSocket(url);
    socket = current;
    current.addEventListener("open", () => {
      if (socket !== current) return;
      retryDelayMs = 1000;
      onStatus("open");
      // Some proxies drop idle connections; a ping keeps this one alive, and
      // its answer shows the connection still works.
      pingTimer = setInterval(checkAlive, PING_INTERVAL_MS);
    });
    current.addEventListener("message", (message) => {
      if (socket !== current) return; // given up: a newer socket speaks now
      clearTimeout(pongTimer);
      pongTimer = null;
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      if (event && event.type !== "pong") onEvent(event);
    });
    current.addEventListener("close", (closing) => {
      if (socket !== current) return;
      forget();
      if (stopped || FINAL_CLOSE_CODES.has(closing.code)) {
        stopped = true;
        onStatus("closed", closing.code);
        return;
      }
      retry();
    });
  }

  function forget() {
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
    pongTimer = null;
    socket = null;
  }

  function retry() {
    onStatus("reconnecting");
    const jitter = 0.5 + Math.random() / 2;
    retryTimer = setTimeout(connect, retryDelayMs * jitter);
    retryDelayMs = Math.min(retryDelayMs * 2, 30000);
  }

  // A ping that must be answered in time, or the socket is given up.
  function checkAlive() {
    if (!socket || socket.readyState !== WebSocket.OPEN || pongTimer) return;
    send({ type: "ping" });
    pongTimer = setTimeout(giveUp, PONG_TIMEOUT_MS);
  }

  function giveUp() {
    const dead = socket;
    forget();
    try {
      dead?.close(4000); // (its close event, should one come, is ignored)
    } catch {
      // already closing
    }
    if (!stopped) retry();
  }

  function send(payload) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(payload));
    }
  }

  window.addEventListener("online", () => {
    if (stopped) return;
    if (socket) {
      checkAlive();
    } else {
      retryDelayMs = 1000;
      connect();
    }
  });
  if (typeof document !== "undefined") {
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") checkAlive();
    });
  }
  connect();

  return {
    close() {
      stopped = true;
      clearTimeout(retryTimer);
      const current = socket;
      forget();
      if (current) current.close(1000);
    },
  };
}
