// A chat room on a page (a pool's, or a contact's): its history and new
// messages arrive on the socket; messages are sent through the API, and both
// sides (the sender too) see them from the socket. Other events go to onEvent.
// "Earlier messages" loads the page before the first one shown, in place.
import { openSocket } from "../realtime/socket.js";

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

  const earlier = document.getElementById("chat-earlier");
  earlier?.addEventListener("click", async (click) => {
    const first = list.querySelector(".chat-message");
    if (!first || !room) return; // nothing shown yet: let the link load the page
    click.preventDefault();
    const page = Number(room.dataset.chatPage);
    const url = `${room.dataset.chatApi}?before=${encodeURIComponent(first.dataset.id)}&limit=${page}`;
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const messages = await response.json();
    first.before(...messages.map(item));
    if (messages.length < page) earlier.remove();
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
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const input = document.getElementById("chat-body");
    const body = input.value.trim();
    if (!body) return;
    const response = await fetch(room.dataset.chatApi, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ body }),
    });
    if (response.ok) {
      show(await response.json());
      input.value = "";
    }
  });
}
