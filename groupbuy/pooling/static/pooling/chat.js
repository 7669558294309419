// A chat room on a page (a pool's, or a contact's): its history and new
// messages arrive on the socket; messages are sent through the API, and both
// sides (the sender too) see them from the socket. Other events go to onEvent.
// "Earlier messages" loads the page before the first one shown, in place.
// One message is on its way at a time, with a key of its own: a double click
// sends it once, and should a resend reach the server anyway (a retry after a
// lost answer), the server stores it once. A refusal is said in #chat-error.
import { openSocket } from "../realtime/socket.js";
import { gettext } from "../web/js/i18n.js";
import { chatSender, newClientKey, refusalText } from "./chat-sender.js";

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
  return { ok: response.ok, data };
}

export function startChat({ socketPath, onEvent = () => {} }) {
  const room = document.querySelector("[data-chat-api]");
  const list = document.getElementById("chat-messages");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

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
    item.append(author, " ", sent, " ", body);
    return item;
  }

  function show(message) {
    if (!list || list.querySelector(`[data-id="${message.id}"]`)) return;
    list.append(item(message));
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

  openSocket(socketPath, {
    onEvent(event) {
      if (event.type === "pooling.history") {
        event.messages.forEach(show);
        onEvent(event); // a pool's history carries its state too
      } else if (event.type === "pooling.chat") show(event.message);
      else onEvent(event);
    },
  });

  const form = document.getElementById("chat-form");
  if (!form || !room) return;
  const input = document.getElementById("chat-body");
  const button = document.getElementById("chat-send");
  const error = document.getElementById("chat-error");
  const keyField = form.querySelector('input[name="client_key"]');
  const sender = chatSender({
    post: (payload) => postMessage(room.dataset.chatApi, csrf, payload),
    firstKey: keyField?.value || newClientKey(),
  });
  function say(text) {
    if (!error) return;
    error.textContent = text;
    error.hidden = !text;
  }
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    if (sender.isSending) return;
    say("");
    button.disabled = true;
    try {
      const result = await sender.send(input.value);
      if (result?.ok) {
        show(result.data);
        input.value = "";
      } else if (result) {
        say(refusalText(result.data, gettext("Could not send.")));
      }
    } catch {
      say(gettext("Could not send."));
    } finally {
      button.disabled = false;
    }
  });
}
