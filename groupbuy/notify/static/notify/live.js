// Live notifications for a signed-in person: listens on the user socket (ws/me/),
// keeps the unread badge (#inbox-badge) current, and re-announces every event on
// document.body so pages can react without opening their own socket:
//   "notify-new"    detail: { notification, unread_count }   (a new notification)
//   "notify-unread" detail: { unread_count }                  (count changed)
//   "realtime-user" detail: the raw event, whatever its type   (other apps' events)
//   "realtime-user-joined" detail: {}   (the socket listens, on each (re)connection)
// "realtime-user-joined" comes with the first message after each connection (the
// server's unread count, sent once the socket is in the person's group), i.e. on
// first load and after every reconnect: anything pushed before then (between the
// page's render and the socket joining, or while it was away) never reached this
// page, so a page that follows something live fetches it again on this event.
// The inbox page refreshes its list on "notify-new" (hx-trigger="notify-new from:body").
// Load it once per page, for signed-in people only:
//   <script type="module" src="{% static 'notify/live.js' %}"></script>

import { openSocket } from "../realtime/socket.js";
import { gettext, interpolate, ngettext } from "../web/js/i18n.js";

const MAX_SHOWN_COUNT = 99;

// The badge's digits are hidden from screen readers (a link read "1 More");
// the visually hidden [data-badge-spoken="inbox-badge"] after each link's
// label says "1 unread" instead.
export function showUnreadCount(count) {
  const badge = document.getElementById("inbox-badge");
  if (!badge) return;
  const number = Number(count) || 0;
  badge.textContent = number > MAX_SHOWN_COUNT ? `${MAX_SHOWN_COUNT}+` : String(number);
  badge.hidden = number === 0;
  badge.dataset.count = String(number);
  const words = number
    ? interpolate(ngettext("%(count)s unread", "%(count)s unread", number), { count: number })
    : "";
  for (const spoken of document.querySelectorAll('[data-badge-spoken="inbox-badge"]')) {
    spoken.textContent = words;
  }
}

function announce(name, detail) {
  document.body.dispatchEvent(new CustomEvent(name, { detail, bubbles: true }));
}

// Whether this connection has delivered a message yet; "open" alone is too soon:
// the server joins the person's group after accepting the socket.
let heardSinceOpen = false;

// Signed out (in another tab, or by a password change elsewhere): the server
// closed the socket for good; the page says so, for its badge and live parts
// no longer follow.
function saySignedOut() {
  if (document.getElementById("live-closed")) return;
  const note = document.createElement("p");
  note.id = "live-closed";
  note.className = "muted";
  note.setAttribute("role", "status");
  (document.getElementById("main") || document.body).prepend(note);
  // Written once the region is in the page, for screen readers to read it out.
  setTimeout(() => {
    note.textContent = gettext(
      "You are signed out, so this page no longer updates. Sign in again to follow it.",
    );
  }, 100);
}

function onStatus(status, code) {
  if (status === "open") heardSinceOpen = false;
  if (status === "closed" && code === 4401) saySignedOut();
}

function onEvent(event) {
  if (typeof event.unread_count === "number") showUnreadCount(event.unread_count);
  if (event.type === "notify.new") announce("notify-new", event);
  if (event.type === "notify.new" || event.type === "notify.unread") {
    announce("notify-unread", { unread_count: event.unread_count });
  }
  announce("realtime-user", event);
  if (!heardSinceOpen) {
    heardSinceOpen = true;
    announce("realtime-user-joined", {});
  }
}

if (!window.groupbuyUserSocket) {
  window.groupbuyUserSocket = openSocket("/ws/me/", { onEvent, onStatus });
}
