// The clock's own socket to ws/clock/ (countdown.js sends its probes on it).
//
// It reconnects after a close with a growing, jittered delay (1 s doubling up to
// 30 s), as the realtime app's socket does. And like that socket it replaces a
// connection that went silent without a close (the network dropped, the radio
// switched, the tab was frozen): every probe is a ping, and a probe sent with
// nothing heard for PONG_TIMEOUT_MS (the realtime socket's rule) gives the
// socket up and connects a new one, whose opening starts a new sync. Until
// 2026-12-06 such a socket was kept: the countdown kept its last offset and
// never synchronised again.
//   onOpen(): a connection is ready (sync again)
//   onMessage(data): a frame arrived (its raw text)
//   onLost(): the connection is gone (the probes waiting will not be answered)
import { PONG_TIMEOUT_MS } from "../realtime/socket.js";

export const SILENCE_LIMIT_MS = PONG_TIMEOUT_MS;

export function openClockSocket({
  onOpen = () => {},
  onMessage = () => {},
  onLost = () => {},
} = {}) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const url = `${scheme}//${window.location.host}/ws/clock/`;
  let socket = null;
  let retryDelayMs = 1000;
  let silenceTimer = null;

  function connect() {
    const current = new WebSocket(url);
    socket = current;
    current.addEventListener("open", () => {
      if (socket !== current) return;
      retryDelayMs = 1000;
      onOpen();
    });
    current.addEventListener("message", (message) => {
      if (socket !== current) return; // given up: a newer socket speaks now
      window.clearTimeout(silenceTimer);
      silenceTimer = null;
      onMessage(message.data);
    });
    current.addEventListener("close", () => {
      if (socket === current) drop();
    });
  }

  // Forget the socket, tell the waiting probes, connect again after a delay.
  function drop() {
    window.clearTimeout(silenceTimer);
    silenceTimer = null;
    socket = null;
    onLost();
    const jitter = 0.5 + Math.random() / 2;
    window.setTimeout(connect, retryDelayMs * jitter);
    retryDelayMs = Math.min(retryDelayMs * 2, 30000);
  }

  function giveUp(dead) {
    if (socket !== dead) return;
    drop();
    try {
      dead.close(4000); // (its close event, should one come, is ignored)
    } catch {
      // already closing
    }
  }

  connect();
  return {
    get isOpen() {
      return socket !== null && socket.readyState === WebSocket.OPEN;
    },
    // Send a probe; return whether it went. Something must be heard within
    // SILENCE_LIMIT_MS of it, or the socket is given up.
    send(payload) {
      if (!this.isOpen) return false;
      socket.send(JSON.stringify(payload));
      if (silenceTimer === null) {
        const current = socket;
        silenceTimer = window.setTimeout(() => giveUp(current), SILENCE_LIMIT_MS);
      }
      return true;
    },
  };
}
