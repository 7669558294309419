// An htmx request a person made that failed says so (app.js starts it).
//
// htmx drops a failed request silently: offline, "Mark all read" in the inbox
// did nothing at all, and the person could not tell it had not worked. A
// request that changes something (any verb but GET) and fails, for the network
// (htmx:sendError, htmx:timeout) or the server's answer (htmx:responseError),
// now shows a message (role="alert") just before the element that sent it,
// gone again once that element's next request succeeds. A GET is left alone:
// those are the pages' polls, which simply try again.
import { gettext } from "./i18n.js";

const FAILURES = {
  "htmx:sendError": "network",
  "htmx:timeout": "network",
  "htmx:responseError": "server",
};

// The words for a failed request, or null when it is not to be told.
export function requestErrorText(eventType, verb) {
  const failure = FAILURES[eventType];
  if (!failure || !verb || verb.toLowerCase() === "get") return null;
  return failure === "network"
    ? gettext("No connection. Check your network and try again.")
    : gettext("Something went wrong. Please try again.");
}

function messageFor(element) {
  const previous = element.previousElementSibling;
  return previous?.matches("[data-request-error]") ? previous : null;
}

function show(element, text) {
  let message = messageFor(element);
  if (!message) {
    message = document.createElement("p");
    message.className = "errorlist";
    message.dataset.requestError = "";
    message.setAttribute("role", "alert");
    element.before(message);
  }
  message.textContent = text;
}

export function init(root = document) {
  for (const type of Object.keys(FAILURES)) {
    root.addEventListener(type, (event) => {
      const detail = event.detail || {};
      const text = requestErrorText(type, detail.requestConfig?.verb);
      const element = detail.elt;
      if (text && element?.isConnected) show(element, text);
    });
  }
  root.addEventListener("htmx:afterRequest", (event) => {
    const detail = event.detail || {};
    if (detail.successful && detail.elt) messageFor(detail.elt)?.remove();
  });
}
