// The pool page: live state and chat over ws/pools/<id>/; messages are sent
// through the API, and every member (the sender too) sees them from the socket.
import { openSocket, reloadPage } from "../realtime/socket.js";

const chat = document.getElementById("pool-chat");
const summary = document.getElementById("pool-summary");
const poolId = chat ? chat.dataset.poolId : window.location.pathname.split("/")[3];
const list = document.getElementById("chat-messages");
const csrf = document.querySelector('meta[name="csrf-token"]').content;

function show(message) {
  if (!list || list.querySelector(`[data-id="${message.id}"]`)) return;
  const item = document.createElement("li");
  item.className = "chat-message";
  item.dataset.id = message.id;
  const author = document.createElement("strong");
  author.textContent = message.author;
  item.append(author, " ", message.body);
  list.append(item);
}

openSocket(`/ws/pools/${poolId}/`, {
  onEvent(event) {
    if (event.type === "pooling.history") event.messages.forEach(show);
    if (event.type === "pooling.chat") show(event.message);
    if (event.type === "pooling.pool" && summary && event.state !== summary.dataset.state) {
      reloadPage();
    }
  },
});

const form = document.getElementById("chat-form");
if (form) {
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const input = document.getElementById("chat-body");
    const body = input.value.trim();
    if (!body) return;
    const response = await fetch(chat.dataset.api, {
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
