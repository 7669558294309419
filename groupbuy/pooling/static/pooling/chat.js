// A chat room on a page (a pool's, or a contact's): its history and new
// messages arrive on the socket; messages are sent through the API, and both
// sides (the sender too) see them from the socket. Other events go to onEvent.
// "Earlier messages" loads the page before the first one shown, in place.
// A message sent is shown at once as pending and goes out in order, one at a
// time, each with a key of its own (chat-sender.js): one the network lost is
// sent again by itself, at once when the socket listens again, and the server
// stores it once. A refusal is said in #chat-error, as is the chat closing to
// this page for good (signed out, or no longer in it). Messages not sent yet
// are kept in localStorage, so a reload (or the phone closing the tab) does
// not lose them: the page shows them pending again and sends them, each with
// its key. A pool member leaving is said in the chat as it happens, and a
// message the platform hid is replaced by its notice. Another's message the
// script shows has Report, as the server's do (web/js/report-actions.js).
import { openSocket } from "../realtime/socket.js";
import { gettext, interpolate } from "../web/js/i18n.js";
import {
  chatOutbox,
  keepMessages,
  keptMessages,
  newClientKey,
  refusalText,
} from "./chat-sender.js";
import { readerKey, reportActions } from "../web/js/report-actions.js";

function browserStorage() {
  try {
    return window.localStorage;
  } catch {
    return null; // refused (some private modes): messages wait in the page only
  }
}

// "16:05" as the page shows it: the hour and minute the message was sent, in
// the site's time zone (the page's own times are), not the device's.
export function sentAt(iso, timeZone) {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return "";
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  try {
    return new Intl.DateTimeFormat("en-GB", { ...options, timeZone }).format(moment);
  } catch {
    return new Intl.DateTimeFormat("en-GB", options).format(moment); // unknown zone
  }
}

async function postMessage(url, csrf, payload) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(payload),
  });
  const data = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}

// Say, on a page with no chat (yet), why it no longer updates.
function sayClosed(text) {
  let note = document.getElementById("live-closed");
  if (!note) {
    note = document.createElement("p");
    note.id = "live-closed";
    note.className = "muted";
    note.setAttribute("role", "status");
    document.querySelector("main")?.append(note);
  }
  // Written once the region is in the page, for screen readers to read it out.
  setTimeout(() => {
    note.textContent = text;
  }, 100);
}

// What the chat says when its socket is closed for good, by the close code.
function closedText(code) {
  if (code === 4401) {
    return gettext("You are signed out, so this page no longer updates. Sign in again to follow it.");
  }
  if (code === 4403 || code === 4404) {
    return gettext("You no longer take part here, so this page no longer updates.");
  }
  return "";
}

export function startChat({ socketPath, onEvent = () => {}, live = true, closedRoom = "" }) {
  const room = document.querySelector("[data-chat-api]");
  const list = document.getElementById("chat-messages");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const reportLink = document.getElementById("chat-report");
  const me = readerKey(room);

  function item(message) {
    const item = document.createElement("li");
    item.className = "chat-message";
    item.dataset.id = message.id;
    const author = document.createElement("strong");
    author.textContent = message.author;
    const sent = document.createElement("time");
    sent.className = "muted small";
    sent.dateTime = message.created_at;
    sent.textContent = sentAt(message.created_at, room?.dataset.timeZone);
    const body = document.createElement("span");
    body.className = "chat-body";
    body.textContent = message.body;
    // Report after the time, as on the messages the server shows
    const actions = reportActions(reportLink, message, me);
    item.append(author, " ", sent, " ", ...(actions ? [actions, " "] : []), body);
    return item;
  }

  function show(message) {
    if (!list || list.querySelector(`[data-id="${message.id}"]`)) return;
    list.append(item(message));
  }

  // A message the platform's operators hid: its notice in its place, for
  // everyone in the room as it happens, and no Report link on it any more.
  function showRemoved(message) {
    const shown = list?.querySelector(`[data-id="${CSS.escape(String(message?.id))}"]`);
    if (!shown) return;
    shown.querySelector(".chat-body").textContent = message.body;
    shown.querySelector(".reply-actions")?.remove();
  }

  // "Shopper B left the pool.", said where the conversation is.
  function showLeft(seat) {
    if (!list || typeof seat !== "string") return;
    const note = document.createElement("li");
    note.className = "chat-message chat-notice muted";
    note.textContent = interpolate(gettext("Shopper %(seat)s left the pool."), { seat });
    list.append(note);
  }

  // One page of earlier messages at a time: a second tap while one is on its
  // way adds nothing (until 2026-12-06 it showed them twice), a message
  // already shown is not added again, and a failure says so in #chat-error.
  const earlier = document.getElementById("chat-earlier");
  let loadingEarlier = false;
  function earlierFailed() {
    const note = document.getElementById("chat-error");
    if (!note) return;
    note.textContent = gettext("Could not load earlier messages.");
    note.hidden = false;
  }
  earlier?.addEventListener("click", async (click) => {
    const first = list.querySelector(".chat-message");
    if (!first || !room) return; // nothing shown yet: let the link load the page
    click.preventDefault();
    if (loadingEarlier) return;
    loadingEarlier = true;
    earlier.setAttribute("aria-busy", "true");
    try {
      const page = Number(room.dataset.chatPage);
      const url = `${room.dataset.chatApi}?before=${encodeURIComponent(first.dataset.id)}&limit=${page}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) {
        earlierFailed();
        return;
      }
      const messages = await response.json();
      const shown = (message) => list.querySelector(`[data-id="${CSS.escape(String(message.id))}"]`);
      first.before(...messages.filter((message) => !shown(message)).map(item));
      if (messages.length < page) earlier.remove();
    } catch {
      earlierFailed();
    } finally {
      loadingEarlier = false;
      earlier.removeAttribute("aria-busy");
    }
  });

  const form = document.getElementById("chat-form");
  const input = document.getElementById("chat-body");
  const error = document.getElementById("chat-error");
  function say(text) {
    if (!error) return;
    error.textContent = text;
    error.hidden = !text;
  }

  // A message sent shows at once, pending, until the server has it.
  function pendingItem(message) {
    return list?.querySelector(`li.pending[data-client-key="${CSS.escape(message.client_key)}"]`);
  }
  function showPending(message) {
    if (!list || pendingItem(message)) return;
    const pending = document.createElement("li");
    pending.className = "chat-message pending";
    pending.dataset.clientKey = message.client_key;
    const note = document.createElement("span");
    note.className = "muted small chat-pending";
    note.textContent = gettext("Sending…");
    const body = document.createElement("span");
    body.className = "chat-body";
    body.textContent = message.body;
    pending.append(note, " ", body);
    list.append(pending);
  }
  const storage = browserStorage();
  const roomKey = room?.dataset.chatApi || "";
  // A chat this page shows closed to its reader for good (``closedRoom``: a
  // pool dissolved or left, whose page shows no chat; or one shown without its
  // form, a conversation ended) can never send what waited for it: drop it.
  const closed = closedRoom || (room && !form ? roomKey : "");
  if (storage && closed) keepMessages(storage, closed, []);
  const outbox = chatOutbox({
    post: (payload) => postMessage(room.dataset.chatApi, csrf, payload),
    firstKey: form?.querySelector('input[name="client_key"]')?.value || newClientKey(),
    onQueued: showPending,
    onSent(message, data) {
      pendingItem(message)?.remove();
      show(data);
    },
    onRefused(message, data) {
      // refused for good: not sent again, and the text is given back to edit
      pendingItem(message)?.remove();
      if (input && !input.value) input.value = message.body;
      say(refusalText(data, gettext("Could not send.")));
    },
    onWaiting(message) {
      const note = pendingItem(message)?.querySelector(".chat-pending");
      if (note) note.textContent = gettext("Waiting for the network…");
    },
    onChange(waiting) {
      if (storage && roomKey && form) keepMessages(storage, roomKey, waiting);
    },
    isOnline: () => navigator.onLine !== false,
  });
  // what was waiting when the page was last left, sent now (a chat that takes
  // messages only: one ended keeps none)
  if (storage && roomKey && form) outbox.restore(keptMessages(storage, roomKey));
  if (!live) return;

  openSocket(socketPath, {
    onEvent(event) {
      if (event.type === "pooling.history") {
        event.messages.forEach(show);
        onEvent(event); // a pool's history carries its state too
      } else if (event.type === "pooling.chat") show(event.message);
      else if (event.type === "pooling.chat.removed") showRemoved(event.message);
      else {
        if (event.type === "pooling.left") showLeft(event.seat);
        onEvent(event);
      }
    },
    onStatus(status, code) {
      if (status === "open") outbox.wake(); // the connection is back
      if (status !== "closed") return;
      const text = closedText(code);
      if (!text) return;
      outbox.stop();
      // no longer in the room: what waits can never be sent (signed out, it
      // is kept for when they sign in again)
      if (code !== 4401 && storage && roomKey) keepMessages(storage, roomKey, []);
      for (const control of form?.elements || []) control.disabled = true;
      if (error) say(text);
      else sayClosed(text); // a pool page before its chat opens
    },
  });
  window.addEventListener("online", () => outbox.wake());

  if (!form || !room) return;
  form.addEventListener("submit", (submit) => {
    submit.preventDefault();
    say("");
    if (outbox.add(input.value)) input.value = "";
  });
}
