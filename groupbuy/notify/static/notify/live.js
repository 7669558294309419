// Live notifications for a signed-in person: listens on the user socket (ws/me/),
// keeps the unread badge (#inbox-badge) current, and re-announces every event on
// document.body so pages can react without opening their own socket:
//   "notify-new"    detail: { notification, unread_count }   (a new notification)
//   "notify-unread" detail: { unread_count }                  (count changed)
//   "realtime-user" detail: the raw event, whatever its type   (other apps' events)
// The inbox page refreshes its list on "notify-new" (hx-trigger="notify-new from:body").
// Load it once per page, for signed-in people only:
//   <script type="module" src="{% static 'notify/live.js' %}"></script>

import { openSocket } from "../realtime/socket.js";

const MAX_SHOWN_COUNT = 99;

function showUnreadCount(count) {
  const badge = document.getElementById("inbox-badge");
  if (!badge) return;
  const number = Number(count) || 0;
  badge.textContent = number > MAX_SHOWN_COUNT ? `${MAX_SHOWN_COUNT}+` : String(number);
  badge.hidden = number === 0;
  badge.dataset.count = String(number);
}

function announce(name, detail) {
  document.body.dispatchEvent(new CustomEvent(name, { detail, bubbles: true }));
}

function onEvent(event) {
  if (typeof event.unread_count === "number") showUnreadCount(event.unread_count);
  if (event.type === "notify.new") announce("notify-new", event);
  if (event.type === "notify.new" || event.type === "notify.unread") {
    announce("notify-unread", { unread_count: event.unread_count });
  }
  announce("realtime-user", event);
}

if (!window.groupbuyUserSocket) {
  window.groupbuyUserSocket = openSocket("/ws/me/", { onEvent });
}
