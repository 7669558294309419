// A share's thread: replies arrive live, mine are sent through the API, and a
// reply written offline waits in localStorage until the network returns. A
// reply by someone else that the script shows has Report, as the server's do
// (web/js/report-actions.js), and one the platform hides while the page is open
// is replaced by its notice.
import { apiPost, element, onUserEvent } from "./common.js";
import { isMine, isReadBy, metaParts, readersWith } from "./thread-message.js";
import { gettext } from "../web/js/i18n.js";
import { readerKey, reportActions } from "../web/js/report-actions.js";

const thread = document.getElementById("thread");
const shareId = thread?.dataset.shareId;
const list = document.getElementById("thread-messages");
const form = document.getElementById("reply-form");
const QUEUE_KEY = "sharing.queued-replies";
const reportTemplate = document.getElementById("reply-report");
const me = readerKey(thread);

function queued() {
  try {
    return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]");
  } catch {
    return [];
  }
}

function saveQueue(items) {
  localStorage.setItem(QUEUE_KEY, JSON.stringify(items));
}

// The item showing a reply: found by its id once known, or by the client key
// of a reply still pending. The live event and the POST's answer race; when
// each made an item, the one with the id stays and the pending copy goes.
function itemFor(message) {
  const byId = message.id
    ? list.querySelector(`[data-message-id="${CSS.escape(message.id)}"]`)
    : null;
  const byKey = message.client_key
    ? list.querySelector(`[data-client-key="${CSS.escape(message.client_key)}"]`)
    : null;
  if (byId && byKey && byId !== byKey) byKey.remove();
  return byId || byKey;
}

// The meta line as the page's own replies have it: "author · time", or a
// note while the reply waits for the network. A page-served reply keeps its
// own (with its "Read by").
function fillMeta(meta, message, pending) {
  const parts = metaParts(message, { pending, timeZone: thread.dataset.timeZone });
  if (parts.pending) {
    meta.textContent = gettext("Waiting for the network…");
    return;
  }
  const author = element("strong", { className: "message-author", text: parts.author });
  const time = element("time", { text: parts.time, attrs: { datetime: parts.datetime } });
  // Report after the time, as on the replies the server shows
  const actions = reportActions(reportTemplate, message, me);
  meta.replaceChildren(author, " · ", time, ...(actions ? [" ", actions] : []));
}

// A reply the platform's operators hid: its notice (in the reader's language)
// in its place, as a reload would show it, without its product or Report.
function showRemoved(message) {
  const item = message?.id
    ? list.querySelector(`[data-message-id="${CSS.escape(String(message.id))}"]`)
    : null;
  if (!item) return;
  const notice = element("span", { className: "muted message-removed", text: message.body });
  item.querySelector(".message-body")?.replaceChildren(notice);
  item.querySelector(":scope > p.small:not(.message-meta)")?.remove();
  item.querySelector(".reply-actions")?.remove();
}

// A new item, built as thread.html builds a reply; the list is a polite live
// log (role="log"), so a reply added here is read out.
function newItem(message) {
  const item = element("li", { className: "card message" });
  item.append(element("p", { className: "message-body", text: message.body }));
  if (message.product) {
    const attached = element("p", { className: "small" });
    attached.append(element("a", { text: message.product.name, attrs: { href: message.product.url } }));
    item.append(attached);
  }
  item.append(element("p", { className: "small muted message-meta", attrs: { "data-live": "" } }));
  return item;
}

function showMessage(message, { pending = false } = {}) {
  let item = itemFor(message);
  if (!item) {
    item = newItem(message);
    list.append(item);
  }
  if (message.client_key) item.dataset.clientKey = message.client_key;
  if (message.id) item.dataset.messageId = message.id;
  if (message.author_key) item.dataset.authorKey = message.author_key;
  item.classList.toggle("pending", pending);
  const meta = item.querySelector(".message-meta[data-live]"); // none on the page's own
  if (meta) {
    fillMeta(meta, message, pending);
    if (!pending) showReaders(meta, readersOf(item)); // receipts that came first
  }
}

function readersOf(item) {
  try {
    return JSON.parse(item.dataset.readers || "[]");
  } catch {
    return [];
  }
}

// A live receipt adds its reader to the "Read by" of each reply they read
// past, as a reload would show it.
function showReceipt(receipt) {
  for (const item of list.querySelectorAll("li[data-message-id]")) {
    const meta = item.querySelector(".message-meta");
    const time = meta?.querySelector("time");
    const reply = {
      authorKey: item.dataset.authorKey || "",
      createdAt: time?.getAttribute("datetime"),
    };
    if (!meta || !isReadBy(reply, receipt)) continue;
    const names = readersWith(readersOf(item), receipt.reader_name);
    item.dataset.readers = JSON.stringify(names);
    showReaders(meta, names);
  }
}

function showReaders(meta, names) {
  let readBy = meta.querySelector(".read-by");
  if (!readBy && names.length) {
    readBy = element("span", { className: "read-by" });
    meta.append(" · ", readBy);
  }
  if (!readBy) return;
  // (a full-width colon, "已读：", holds its own space; the page's list separator)
  const label = list.dataset.readByLabel;
  const gap = label.endsWith("：") ? "" : " ";
  readBy.textContent = `${label}${gap}${names.join(list.dataset.listSeparator || ", ")}`;
}

async function send(reply) {
  const result = await apiPost(`/api/sharing/threads/${shareId}/messages`, reply);
  if (result.ok) {
    showMessage({ ...result.data, client_key: reply.client_key });
    return true;
  }
  if (result.status >= 400 && result.status < 500) {
    // refused for good: do not retry, and give the text back to edit
    itemFor({ client_key: reply.client_key })?.remove();
    const textarea = form.querySelector("textarea[name=body]");
    if (!textarea.value) textarea.value = reply.body;
    showError(result.data.message || gettext("Could not send."));
    return true;
  }
  return false;
}

// A refused reply is read with its field: the textarea is aria-invalid and
// described by the refusal until it goes.
function replyField() {
  return form.querySelector("textarea[name=body]");
}

function clearError() {
  document.getElementById("reply-error")?.remove();
  const field = replyField();
  if (!field) return;
  field.removeAttribute("aria-invalid");
  const ids = (field.getAttribute("aria-describedby") || "")
    .split(" ")
    .filter((id) => id && id !== "reply-error");
  if (ids.length) field.setAttribute("aria-describedby", ids.join(" "));
  else field.removeAttribute("aria-describedby");
}

function showError(text) {
  let box = document.getElementById("reply-error");
  if (!box) {
    box = element("p", { className: "errorlist", attrs: { id: "reply-error", role: "alert" } });
    form.prepend(box);
  }
  box.textContent = text;
  const field = replyField();
  if (!field) return;
  field.setAttribute("aria-invalid", "true");
  const ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!ids.includes("reply-error")) {
    field.setAttribute("aria-describedby", [...ids, "reply-error"].join(" "));
  }
}

// Sending the waiting replies: one pass at a time (a reply sent while a pass
// runs starts another once it ends, so nothing is sent twice at once), and
// the queue saved at the end keeps what was added meanwhile. A reply the
// network lost while the phone still counted itself online is tried again
// after RETRY_FIRST_MS, doubling to RETRY_MAX_MS; offline, the "online" event
// sends it. Until 2026-12-06 it waited for that event or a reload, and stayed
// "Waiting for the network…" on a bad line.
const RETRY_FIRST_MS = 2000;
const RETRY_MAX_MS = 60000;
let retryDelayMs = RETRY_FIRST_MS;
let retryTimer = null;
let flushing = null;
let flushAgain = false;

function flushQueue() {
  if (flushing) {
    flushAgain = true;
    return flushing;
  }
  window.clearTimeout(retryTimer);
  flushing = (async () => {
    do {
      flushAgain = false;
      await flushOnce();
    } while (flushAgain);
  })().finally(() => {
    flushing = null;
    scheduleRetry();
  });
  return flushing;
}

async function flushOnce() {
  const delivered = new Set();
  let failed = false;
  for (const reply of queued()) {
    if (reply.share !== shareId) continue;
    let sent = false;
    try {
      sent = navigator.onLine && (await send(reply.payload));
    } catch {
      sent = false;
    }
    if (sent) delivered.add(reply.payload.client_key);
    else failed = true;
  }
  saveQueue(queued().filter((reply) => !delivered.has(reply.payload.client_key)));
  if (!failed) retryDelayMs = RETRY_FIRST_MS;
}

function scheduleRetry() {
  window.clearTimeout(retryTimer);
  const waiting = queued().some((reply) => reply.share === shareId);
  if (!waiting || !navigator.onLine) return; // (offline: the online event sends)
  retryTimer = window.setTimeout(flushQueue, retryDelayMs);
  retryDelayMs = Math.min(retryDelayMs * 2, RETRY_MAX_MS);
}

function newKey() {
  return (crypto.randomUUID && crypto.randomUUID()) || `${Date.now()}-${Math.random()}`;
}

if (thread && form) {
  for (const reply of queued()) {
    if (reply.share === shareId) showMessage(reply.payload, { pending: true });
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError();
    const body = form.querySelector("textarea[name=body]").value;
    if (!body.trim()) {
      // the server refuses it too; no bubble for a reply that cannot be sent
      showError(gettext("Write something or attach a product."));
      return;
    }
    const payload = { body, client_key: newKey() };
    form.querySelector("textarea[name=body]").value = "";
    showMessage(payload, { pending: true });
    saveQueue([...queued(), { share: shareId, payload }]);
    await flushQueue();
  });
  window.addEventListener("online", () => {
    retryDelayMs = RETRY_FIRST_MS;
    flushQueue();
  });
  flushQueue();
  if (navigator.onLine) apiPost(`/api/sharing/threads/${shareId}/read`, {}).catch(() => {});
  onUserEvent((event) => {
    if (event.type === "sharing.message" && event.message.share === shareId) {
      showMessage(event.message);
      // another's reply, read now: the others' pages show it read
      if (!isMine(event.message, me)) {
        apiPost(`/api/sharing/threads/${shareId}/read`, {}).catch(() => {});
      }
    }
    if (event.type === "sharing.message.removed" && event.message?.share === shareId) {
      showRemoved(event.message);
    }
    if (event.type === "sharing.read" && event.share === shareId) {
      showReceipt(event);
      const status = document.getElementById("thread-read") ||
        thread.appendChild(element("p", { className: "small muted", attrs: { id: "thread-read" } }));
      status.textContent = gettext("Read just now");
    }
  });
}
