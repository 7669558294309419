// How a reply reads in a thread: the page's script builds a live reply with
// the markup the server gives the replies it renders (thread.html): its body,
// then "author · time" (`.message-meta`). No DOM here: tested by
// `node --test groupbuy/sharing/tests/js`.

// "2026-12-06 19:14", as the page writes its own times (Django's "Y-m-d H:i"),
// in the site's time zone (the page's data-time-zone), not the device's.
export function sentAt(iso, timeZone) {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return "";
  const options = {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  };
  let parts;
  try {
    parts = new Intl.DateTimeFormat("en-GB", { ...options, timeZone }).formatToParts(moment);
  } catch {
    parts = new Intl.DateTimeFormat("en-GB", options).formatToParts(moment); // unknown zone
  }
  const part = (type) => parts.find((item) => item.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}`;
}

// What the meta line of a reply holds: a note while it waits for the network,
// else its author and when it was sent (the ISO time for <time datetime>).
export function metaParts(message, { pending = false, timeZone } = {}) {
  if (pending) return { pending: true };
  return {
    pending: false,
    author: message.author_name || "",
    datetime: message.created_at || "",
    time: message.created_at ? sentAt(message.created_at, timeZone) : "",
  };
}

// Whether a receipt (the live sharing.read: reader_key, the key of its
// reader's replies in this thread, or "" for someone not named, who has
// written nothing; read_at) covers a reply (authorKey, its author's key in
// the thread; createdAt): its reader read past it and did not write it, as
// the page's "Read by" counts. Keys, not account ids: a thread gives none.
export function isReadBy(reply, receipt) {
  if (receipt.reader_key && reply.authorKey === receipt.reader_key) return false;
  const written = new Date(reply.createdAt).getTime();
  const read = new Date(receipt.read_at).getTime();
  return !Number.isNaN(written) && !Number.isNaN(read) && written <= read;
}

// Whether the page's reader wrote a reply: its author's key in the thread
// (author_key) is the reader's (the page's data-reader-key); never by the name
// shown, which differs by reader.
export function isMine(message, me) {
  return Boolean(me && message.author_key) && message.author_key === me;
}

// The reply's readers with one more, each once, in the order they read.
export function readersWith(names, name) {
  return !name || names.includes(name) ? names : [...names, name];
}
