// The installable app: registers the service worker (offline pages and
// threads) and shows a banner while the network is gone.
import { gettext } from "../web/js/i18n.js";

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sharing/sw.js", { scope: "/" }).catch(() => {});
}

function banner() {
  let node = document.getElementById("offline-banner");
  if (!node) {
    node = document.createElement("div");
    node.id = "offline-banner";
    node.className = "messages message warning";
    node.setAttribute("role", "status");
    node.textContent = gettext("You are offline. Saved pages are shown; replies are sent when you are back online.");
    document.body.prepend(node);
  }
  node.hidden = navigator.onLine;
}

window.addEventListener("online", banner);
window.addEventListener("offline", banner);
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", banner);
else banner();

// Signing out forgets the pages saved for offline reading.
document.getElementById("nav-logout")?.closest("form")?.addEventListener("submit", () => {
  navigator.serviceWorker?.controller?.postMessage({ type: "forget" });
});
