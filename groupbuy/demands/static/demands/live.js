// Keep a demand page current: the committed units update in place, a new
// deadline moves the countdown (absolute epoch ms; the clock module drops one
// that arrived more than a second late), and a change of state (published →
// accepted, cancelled, expired) reloads the page.
import { applyDeadline } from "../clock/countdown.js";
import { reloadPage } from "../realtime/socket.js";

const root = document.querySelector("[data-demand-live]");
if (root) {
  const demandId = root.dataset.demandLive;
  const state = root.dataset.state;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  let retryMs = 1000;
  const connect = () => {
    const socket = new WebSocket(`${scheme}://${location.host}/ws/demands/${demandId}/`);
    socket.addEventListener("open", () => { retryMs = 1000; });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      const demand = message.demand || message;
      const committed = document.getElementById("demand-committed");
      if (committed && demand.committed_units !== undefined) {
        committed.textContent = demand.committed_units;
      }
      if (Number.isFinite(demand.deadline_ms)) {
        const sentMs = message.sent_ms ?? null;
        for (const countdown of document.querySelectorAll('[data-module="countdown"]')) {
          applyDeadline(countdown, { deadlineMs: demand.deadline_ms, sentMs });
        }
      }
      // reloadPage: not while this page's own form (accept, leave, cancel) or
      // a link is already navigating away.
      if (demand.state && demand.state !== state) reloadPage();
    });
    socket.addEventListener("close", (event) => {
      if (event.code === 4404) return;
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    });
  };
  connect();
}
