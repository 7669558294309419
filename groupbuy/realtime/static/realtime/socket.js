// A JSON WebSocket that reconnects by itself.
//
// openSocket("/ws/deals/deal_…/", { onEvent(event) {…}, onStatus(status) {…} })
// connects to the same host (ws: or wss: to match the page), calls onEvent with
// every JSON message, and after a drop reconnects with a growing, jittered delay
// (1 s doubling up to 30 s), at once when the network returns. It stops for good
// on the server's refusals 4401 (not signed in) and 4404 (no such deal).
// Returns { close() }.

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
const PING_INTERVAL_MS = 25000;

export function openSocket(path, { onEvent = () => {}, onStatus = () => {} } = {}) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const url = `${scheme}//${window.location.host}${path}`;
  let socket = null;
  let retryDelayMs = 1000;
  let retryTimer = null;
  let pingTimer = null;
  let stopped = false;

  function connect() {
    clearTimeout(retryTimer);
    if (stopped) return;
    onStatus("connecting");
    socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      retryDelayMs = 1000;
      onStatus("open");
      // Some proxies drop idle connections; a ping keeps this one alive.
      pingTimer = setInterval(() => send({ type: "ping" }), PING_INTERVAL_MS);
    });
    socket.addEventListener("message", (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      if (event && event.type !== "pong") onEvent(event);
    });
    socket.addEventListener("close", (closing) => {
      clearInterval(pingTimer);
      socket = null;
      if (stopped || FINAL_CLOSE_CODES.has(closing.code)) {
        stopped = true;
        onStatus("closed");
        return;
      }
      onStatus("reconnecting");
      const jitter = 0.5 + Math.random() / 2;
      retryTimer = setTimeout(connect, retryDelayMs * jitter);
      retryDelayMs = Math.min(retryDelayMs * 2, 30000);
    });
  }

  function send(payload) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(payload));
    }
  }

  window.addEventListener("online", () => {
    if (!socket && !stopped) {
      retryDelayMs = 1000;
      connect();
    }
  });
  connect();

  return {
    close() {
      stopped = true;
      clearTimeout(retryTimer);
      if (socket) socket.close(1000);
    },
  };
}
