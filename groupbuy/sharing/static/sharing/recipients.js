// The compose page's recipients: the numbers in the box and the sender's own
// names for those picked from their contacts (sent as JSON {number: name} in
// the hidden recipient_names field; only the sender sees them in the thread).
// No DOM here, so that `node --test groupbuy/sharing/tests/js` can run it.

// the separators the server splits at (sharing.contacts.NUMBER_SEPARATORS)
const SEPARATORS = /[\r\n,，、;；]/;
export const NAME_MAX_CHARS = 120; // sharing.contacts.CONTACT_NAME_MAX_CHARS
// Control characters and the marks that reorder text (contacts.contact_name_clean).
// eslint-disable-next-line no-control-regex
const UNSHOWN = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

export function splitNumbers(text) {
  return String(text || "")
    .split(SEPARATORS)
    .map((part) => part.trim())
    .filter(Boolean);
}

export function cleanName(name) {
  const text = String(name || "").replace(UNSHOWN, " ").split(/\s+/).filter(Boolean).join(" ");
  // by code points, as the server counts: an emoji is not cut in half
  return Array.from(text).slice(0, NAME_MAX_CHARS).join("").trim();
}

// Add a number (and the name picked with it) to the box's text and the names.
export function addRecipient(text, names, phone, name = "") {
  const numbers = splitNumbers(text);
  const number = String(phone || "").trim();
  if (number && !numbers.includes(number)) numbers.push(number);
  const cleaned = cleanName(name);
  const named = { ...names };
  if (number && cleaned && !named[number]) named[number] = cleaned;
  return { text: numbers.join("\n"), names: named };
}

// The hidden field's value as the page was served (after a refused send).
export function readNames(value) {
  try {
    const names = JSON.parse(value || "{}");
    if (!names || typeof names !== "object" || Array.isArray(names)) return {};
    return Object.fromEntries(
      Object.entries(names).filter(([, name]) => typeof name === "string"),
    );
  } catch {
    return {};
  }
}

// What to send: the names of the numbers still in the box, none for a number
// the sender took out or typed.
export function namesField(text, names) {
  const numbers = new Set(splitNumbers(text));
  const kept = Object.entries(names).filter(([number]) => numbers.has(number));
  return kept.length ? JSON.stringify(Object.fromEntries(kept)) : "";
}
