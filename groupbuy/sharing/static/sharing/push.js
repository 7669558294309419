// Subscribe this browser to web push (VAPID) or unsubscribe it.
import { apiPost } from "./common.js";
import { gettext } from "../web/js/i18n.js";

const on = document.getElementById("push-subscribe");
const off = document.getElementById("push-unsubscribe");
const status = document.getElementById("push-status");

function keyBytes(base64url) {
  const padded = (base64url + "===".slice((base64url.length + 3) % 4))
    .replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

async function registration() {
  await navigator.serviceWorker.register("/sharing/sw.js", { scope: "/" });
  return navigator.serviceWorker.ready;
}

async function refresh() {
  const existing = await (await registration()).pushManager.getSubscription();
  on.hidden = Boolean(existing);
  off.hidden = !existing;
}

// The key fetch and the subscription calls fail offline (or with the server
// unreachable), and the browser's push service may refuse: until 2026-12-06
// that was an uncaught rejection and the button did nothing visible. Now the
// page says so (a failed fetch is a TypeError).
function saying(action) {
  return async () => {
    try {
      await action();
    } catch (error) {
      status.textContent =
        error instanceof TypeError || navigator.onLine === false
          ? gettext("No connection. Check your network and try again.")
          : gettext("Could not change notifications here. Try again later.");
    }
  };
}

async function publicKey() {
  const response = await fetch("/api/sharing/push/key");
  if (!response.ok) throw new Error(`the key answered ${response.status}`);
  const { public_key: key } = await response.json();
  return keyBytes(key);
}

if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
  document.getElementById("push-unsupported").hidden = false;
} else {
  on.addEventListener("click", saying(async () => {
    if ((await Notification.requestPermission()) !== "granted") {
      status.textContent = gettext("Notifications are blocked for this site.");
      return;
    }
    const applicationServerKey = await publicKey();
    const subscription = await (await registration()).pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey,
    });
    const json = subscription.toJSON();
    const result = await apiPost("/api/sharing/push/subscriptions", {
      endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth,
    });
    status.textContent = result.ok ? gettext("Notifications are on.") : result.data.message;
    await refresh();
  }));
  off.addEventListener("click", saying(async () => {
    const subscription = await (await registration()).pushManager.getSubscription();
    if (subscription) {
      await apiPost("/api/sharing/push/subscriptions/delete", { endpoint: subscription.endpoint });
      await subscription.unsubscribe();
    }
    status.textContent = gettext("Notifications are off.");
    await refresh();
  }));
  saying(refresh)();
}
