// Sending a chat's messages in order, each with a key of its own (no DOM:
// chat.js wires it to the page; tested with `node --test groupbuy/pooling/tests/js`).

export function newClientKey() {
  return globalThis.crypto?.randomUUID?.() || `${Date.now()}-${Math.random()}`;
}

// The words to show for a refused message: the API's own, or ``fallback``.
export function refusalText(data, fallback) {
  return (data && typeof data.message === "string" && data.message) || fallback;
}

// The chat's messages waiting to be sent, sent in order, each with a key of
// its own. A message the network lost stays first in line (and those after it
// wait behind it) and is sent again by itself: after RETRY_FIRST_MS, doubling
// up to RETRY_MAX_MS, and at once when `wake()` says the connection is back
// (the chat's socket listens again, the browser is online). One pass at a
// time: a message added or a wake during a pass is taken by that pass, so none
// is sent twice at once, and a resend carries the same key, so the server
// stores it once. Until 2026-12-06 a lost message stayed in the box with
// "Could not send." until the person sent it again.
//   post({ body, client_key }) resolves to { ok, status, data } or throws
//   onQueued(message): it is in line (before any attempt to send it)
//   onSent(message, data) / onRefused(message, data): its outcome
//   onWaiting(message): it is lost for now and will be sent again
//   onChange(waiting): the messages waiting changed (to keep them: see below)
export const RETRY_FIRST_MS = 2000;
export const RETRY_MAX_MS = 60000;

export function chatOutbox({
  post,
  firstKey = newClientKey(),
  newKey = newClientKey,
  onQueued = () => {},
  onSent = () => {},
  onRefused = () => {},
  onWaiting = () => {},
  onChange = () => {},
  isOnline = () => true,
  timers = globalThis,
}) {
  const queue = [];
  const changed = () => onChange(queue.slice());
  let nextKey = firstKey;
  let flushing = null;
  let again = false;
  let retryDelayMs = RETRY_FIRST_MS;
  let retryTimer = null;
  let stopped = false;

  // Send what waits, in order; return whether all of it went.
  async function sendWaiting() {
    while (queue.length && !stopped) {
      const message = queue[0];
      let result = null;
      try {
        result = isOnline() ? await post(message) : null;
      } catch {
        result = null;
      }
      if (!result || (!result.ok && !(result.status < 500))) {
        onWaiting(message); // lost (or the server failed): kept to send again
        return false;
      }
      queue.shift();
      changed();
      if (result.ok) onSent(message, result.data);
      else onRefused(message, result.data);
    }
    return true;
  }

  function scheduleRetry() {
    timers.clearTimeout(retryTimer);
    retryTimer = null;
    if (stopped || !queue.length || !isOnline()) return; // offline: wake() sends
    retryTimer = timers.setTimeout(flush, retryDelayMs);
    retryDelayMs = Math.min(retryDelayMs * 2, RETRY_MAX_MS);
  }

  function flush() {
    if (flushing) {
      again = true;
      return flushing;
    }
    timers.clearTimeout(retryTimer);
    retryTimer = null;
    flushing = (async () => {
      let allSent;
      do {
        again = false;
        allSent = await sendWaiting();
      } while (again && allSent);
      if (allSent) retryDelayMs = RETRY_FIRST_MS;
    })().finally(() => {
      flushing = null;
      scheduleRetry();
    });
    return flushing;
  }

  return {
    get waiting() {
      return queue.slice();
    },
    // Queue a message (trimmed; an empty one is not) and send; return it.
    add(text) {
      const body = (text || "").trim();
      if (!body || stopped) return null;
      const message = { body, client_key: nextKey };
      nextKey = newKey();
      queue.push(message);
      changed();
      onQueued(message);
      flush();
      return message;
    },
    // Queue messages kept from before (a reload), each with its own key, so
    // the server stores once one it already had; then send.
    restore(messages) {
      if (stopped) return;
      for (const { body, client_key } of messages || []) {
        const text = typeof body === "string" ? body.trim() : "";
        if (!text || typeof client_key !== "string" || !client_key) continue;
        if (queue.some((waiting) => waiting.client_key === client_key)) continue;
        const message = { body: text, client_key };
        queue.push(message);
        onQueued(message);
      }
      changed();
      flush();
    },
    // The connection is back: send what waits now, the delay starting afresh.
    wake() {
      retryDelayMs = RETRY_FIRST_MS;
      return flush();
    },
    // Send nothing more (the chat is closed to this page for good).
    stop() {
      stopped = true;
      timers.clearTimeout(retryTimer);
      retryTimer = null;
    },
  };
}

// The messages waiting in a browser, kept across reloads in `storage`
// (localStorage) under one key, each with its room (the chat's API address):
// a message typed offline and not sent yet is sent once the page is back,
// as a share's reply is (sharing/thread.js). Until 2026-12-06 a reload lost it.
export const OUTBOX_KEY = "pooling.chat-outbox";

function keptItems(storage) {
  try {
    const items = JSON.parse(storage.getItem(OUTBOX_KEY) || "[]");
    return Array.isArray(items) ? items.filter((item) => item && typeof item === "object") : [];
  } catch {
    return [];
  }
}

export function keptMessages(storage, room) {
  return keptItems(storage)
    .filter((item) => item.room === room)
    .map(({ body, client_key }) => ({ body, client_key }));
}

export function keepMessages(storage, room, messages) {
  try {
    const items = [
      ...keptItems(storage).filter((item) => item.room !== room),
      ...messages.map(({ body, client_key }) => ({ room, body, client_key })),
    ];
    if (items.length) storage.setItem(OUTBOX_KEY, JSON.stringify(items));
    else storage.removeItem(OUTBOX_KEY);
  } catch {
    // storage full or refused (private mode): they are still sent while the page is open
  }
}
