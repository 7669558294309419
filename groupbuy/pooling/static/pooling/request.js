// A pool request's own page follows the request: the matching job runs just
// after the request is made, so its suggestion usually comes while the page
// is open (often before its socket listens), and a shopper left reading "We
// keep looking" would miss the pool and its time to answer.
import { reloadPage } from "../realtime/socket.js";

const summary = document.getElementById("request-summary");

// What the socket missed before it listened (or while it was away): the
// request as it is now, the page shown again only if it changed.
async function showIfChanged() {
  const response = await fetch(`/api/pooling/requests/${summary.dataset.requestId}`, {
    headers: { Accept: "application/json" },
  });
  if (!response.ok) return;
  const current = await response.json().catch(() => ({}));
  if (current.state && current.state !== summary.dataset.state) reloadPage();
}

if (summary) {
  document.body.addEventListener("realtime-user", (event) => {
    if (String(event.detail.type || "").startsWith("pooling.")) reloadPage();
  });
  document.body.addEventListener("realtime-user-joined", showIfChanged);
}
