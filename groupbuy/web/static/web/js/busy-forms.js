// Every POST form on every page (app.js starts it): once sent, it says so and
// takes no second tap. On a slow network (a phone at 400 kbps) a Join, Pay or
// Cancel button otherwise showed nothing for the whole request and stayed
// enabled, so people tapped again.
//
// The form gets aria-busy="true" and data-busy; its submit buttons are disabled
// and the one tapped shows a spinner. That is done after the submit event has
// been dispatched: the browser builds what it sends after the event, and a
// button disabled before would not send its own name and value (Buy alone's
// solo=1); a disabled button takes no tap, and no Enter in a field either
// (implicit submission needs an enabled default button). A form another script
// sends itself (htmx, fetch: it cancels the submit) is left alone, and so is
// one that opts out with data-busy="off" or sends to another window. Coming
// back to the page from the browser's cache (Back) finds the forms usable
// again; so does a page still here after RESTORE_AFTER_MS (a download).

const RESTORE_AFTER_MS = 30000;

export function isPostSubmit(form, submitter) {
  const method = submitter?.getAttribute("formmethod") || form.getAttribute("method") || "get";
  const target = submitter?.getAttribute("formtarget") || form.getAttribute("target") || "";
  return (
    method.toLowerCase() === "post" &&
    (target === "" || target === "_self") &&
    form.dataset.busy !== "off"
  );
}

function submitButtons(form) {
  return [
    ...form.querySelectorAll('button:not([type]), button[type="submit"], input[type="submit"]'),
    ...(form.id ? document.querySelectorAll(`[form="${CSS.escape(form.id)}"]`) : []),
  ];
}

export function markBusy(form, submitter) {
  form.setAttribute("aria-busy", "true");
  form.dataset.busy = "true";
  for (const button of submitButtons(form)) {
    if (button.disabled) continue;
    button.disabled = true;
    button.dataset.busyDisabled = "1";
  }
  if (submitter && submitter.tagName === "BUTTON" && !submitter.querySelector(".spinner")) {
    const spinner = document.createElement("span");
    spinner.className = "spinner";
    spinner.dataset.busySpinner = "";
    spinner.setAttribute("aria-hidden", "true");
    submitter.prepend(spinner, " ");
  }
  window.setTimeout(() => clearBusy(form), RESTORE_AFTER_MS);
}

export function clearBusy(form) {
  if (form.dataset.busy !== "true") return;
  form.removeAttribute("aria-busy");
  delete form.dataset.busy;
  for (const button of submitButtons(form)) {
    if (!button.dataset.busyDisabled) continue;
    button.disabled = false;
    delete button.dataset.busyDisabled;
    const spinner = button.querySelector("[data-busy-spinner]");
    if (spinner) {
      if (spinner.nextSibling?.nodeType === Node.TEXT_NODE) spinner.nextSibling.remove();
      spinner.remove();
    }
  }
}

export function init(root = document) {
  root.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !isPostSubmit(form, event.submitter)) return;
    if (form.dataset.busy === "true") return; // its buttons are disabled already
    const submitter = event.submitter;
    // Once every listener has had the event (and the browser has read the form).
    window.setTimeout(() => {
      if (!event.defaultPrevented) markBusy(form, submitter);
    }, 0);
  });
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    for (const form of document.querySelectorAll('form[data-busy="true"]')) clearBusy(form);
  });
}
