// Small helpers the sharing pages share.

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

export async function apiPost(path, body) {
  const isForm = body instanceof FormData;
  const response = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: isForm
      ? { "X-CSRFToken": csrfToken() }
      : { "X-CSRFToken": csrfToken(), "Content-Type": "application/json" },
    body: isForm ? body : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}

// Build an element with text only: shared text is never parsed as HTML.
export function element(tag, { className = "", text = "", attrs = {} } = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

export function onUserEvent(handler) {
  document.body.addEventListener("realtime-user", (event) => handler(event.detail));
}
