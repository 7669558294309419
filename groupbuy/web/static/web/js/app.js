// Page-wide behaviour: highlight the current tab and start the modules a page asks
// for with data-module="name" (modules.js).
import { init as busyForms } from "./busy-forms.js";
import { startModules } from "./modules.js";
import { init as requestErrors } from "./request-errors.js";

function markCurrentTab() {
  // A console page (the merchant's, the operator's) is on none of the shopper's
  // tabs, though /snap/operator/ starts like the camera tab's /snap/.
  if (document.querySelector("[data-console]")) return;
  const path = window.location.pathname;
  let best = null;
  for (const link of document.querySelectorAll(".tabbar a")) {
    const href = link.getAttribute("href");
    const matches = href === "/" ? path === "/" : path.startsWith(href);
    if (matches && (!best || href.length > best.getAttribute("href").length)) {
      best = link;
    }
  }
  if (best) best.setAttribute("aria-current", "page");
}

// A table that scrolls sideways on a phone must be reachable by keyboard (WCAG
// 2.1.1): each .table-wrap becomes a focusable, named region. Its name is the
// table's caption or aria-label, else the heading just before it.
function nameOf(wrap) {
  const table = wrap.querySelector("table");
  const own = table?.getAttribute("aria-label") || table?.caption?.textContent;
  if (own) return own.trim();
  for (let node = wrap.previousElementSibling; node; node = node.previousElementSibling) {
    if (/^H[1-6]$/.test(node.tagName)) return node.textContent.trim();
  }
  return document.querySelector("h1")?.textContent.trim() || "";
}

function makeScrollRegionsFocusable(root) {
  for (const wrap of root.querySelectorAll(".table-wrap:not([tabindex])")) {
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    const name = nameOf(wrap);
    if (name && !wrap.hasAttribute("aria-label")) wrap.setAttribute("aria-label", name);
  }
}

// A form sent back with errors: start at its first invalid field, whose label
// and error (aria-describedby) a screen reader then reads together.
function focusFirstInvalidField() {
  const field = document.querySelector('main [aria-invalid="true"]');
  if (field && !document.activeElement?.matches("input, select, textarea")) field.focus();
}

// A page a form sent the person to (POST, then redirect) says what happened in
// its messages: start there, so a screen reader reads "Payout approved…"
// instead of the page from the top, and the result is in view. Not when a field
// has the person's attention, nor on a page opened at an anchor (#…), unless
// the anchor came from the form's own address (a redirect keeps the fragment
// of the address it answered: "?merchant=…#payout-form"). Chromium focuses
// or unfocuses at the anchor once the page is laid out, undoing a focus()
// made before: the anchor becomes the messages instead.
function focusMessages() {
  const list = document.getElementById("messages");
  if (!list || document.activeElement !== document.body) return;
  if (window.location.hash) {
    const redirected = performance.getEntriesByType("navigation")[0]?.redirectCount > 0;
    if (redirected) window.location.replace("#messages");
    return;
  }
  list.focus();
}

function pageLoaded(root) {
  makeScrollRegionsFocusable(root);
  startModules(root);
}

// A menu that scrolls sideways on a phone (the merchant console's, the operator's)
// starts with the current section in view: the later sections were off screen,
// so a page opened from one of them did not show where it was.
function showCurrentSection() {
  for (const current of document.querySelectorAll('.subnav [aria-current="page"]')) {
    const menu = current.parentElement.getBoundingClientRect();
    const item = current.getBoundingClientRect();
    if (item.right > menu.right || item.left < menu.left) {
      current.parentElement.scrollLeft += item.left - menu.left - (menu.width - item.width) / 2;
    }
  }
}

// A confirm step (<details class="confirm">) hides its summary once open: the
// focus goes to the step's first control instead of being lost, and Escape
// closes the step and gives the focus back to its summary (never a trap). Its
// form's CSRF token comes first, and a hidden input takes no focus: the focus
// fell to the start of the page.
function confirmSteps() {
  const controls = 'button, [href], input:not([type="hidden"]), select, textarea';
  document.addEventListener(
    "toggle",
    (event) => {
      const step = event.target;
      if (step.matches?.("details.confirm") && step.open) step.querySelector(controls)?.focus();
    },
    true,
  );
  document.addEventListener("keydown", (event) => {
    const step = event.target.closest?.("details.confirm[open]");
    if (event.key !== "Escape" || !step) return;
    step.open = false;
    step.querySelector("summary")?.focus();
  });
}

markCurrentTab();
showCurrentSection();
busyForms(document); // every POST form: busy once sent, one tap (busy-forms.js)
requestErrors(document); // an htmx request that changes something says when it failed
confirmSteps();
pageLoaded(document);
focusFirstInvalidField();
focusMessages();
document.addEventListener("htmx:load", (event) => pageLoaded(event.target));
