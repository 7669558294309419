// A WebSocket that reconnects with exponential backoff and jitter (1 s doubling to
// 30 s), and again at once when the tab becomes visible or the network returns.
// Used by the deal page; other modules may import it too.
export function openLiveSocket(path, onMessage, { onOpen } = {}) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const url = `${scheme}//${window.location.host}${path}`;
  let socket = null;
  let attempts = 0;
  let timer = null;
  let closed = false;

  function connect() {
    if (closed) return;
    window.clearTimeout(timer);
    try {
      socket = new WebSocket(url);
    } catch (error) {
      schedule();
      return;
    }
    socket.addEventListener("open", () => {
      attempts = 0;
      if (onOpen) onOpen(socket);
    });
    socket.addEventListener("message", (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      onMessage(data);
    });
    socket.addEventListener("close", schedule);
  }

  function schedule() {
    if (closed) return;
    window.clearTimeout(timer);
    const base = Math.min(30000, 1000 * 2 ** attempts);
    attempts += 1;
    timer = window.setTimeout(connect, base / 2 + Math.random() * (base / 2));
  }

  function reconnectNow() {
    if (closed) return;
    if (!socket || socket.readyState === WebSocket.CLOSED) {
      attempts = 0;
      connect();
    }
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") reconnectNow();
  });
  window.addEventListener("online", reconnectNow);
  connect();

  return {
    close() {
      closed = true;
      window.clearTimeout(timer);
      if (socket) socket.close();
    },
  };
}
