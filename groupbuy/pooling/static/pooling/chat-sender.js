// Sending a chat's messages one at a time, each with a key of its own (no DOM:
// chat.js wires it to the page; tested with `node --test groupbuy/pooling/tests/js`).

export function newClientKey() {
  return globalThis.crypto?.randomUUID?.() || `${Date.now()}-${Math.random()}`;
}

// What sends the chat's messages: `post({ body, client_key })` resolves to
// { ok, ... }. A send while one is on its way, or of an empty message, does
// nothing (resolves to null); a message the server stored takes its key with
// it, and one refused or lost keeps it, so sending it again stores it once.
export function chatSender({ post, firstKey = newClientKey(), newKey = newClientKey }) {
  let key = firstKey;
  let inFlight = false;
  return {
    get isSending() {
      return inFlight;
    },
    async send(text) {
      const body = (text || "").trim();
      if (!body || inFlight) return null;
      inFlight = true;
      try {
        const result = await post({ body, client_key: key });
        if (result.ok) key = newKey();
        return result;
      } finally {
        inFlight = false;
      }
    },
  };
}

// The words to show for a refused message: the API's own, or ``fallback``.
export function refusalText(data, fallback) {
  return (data && typeof data.message === "string" && data.message) || fallback;
}
