// A simple countdown: the server renders the deadline as absolute epoch ms and its
// own clock at render time; the offset between that and this device's clock is
// applied on every tick, so a wrong device clock does not move the deadline.
// (The synchronised clock from groupbuy.clock replaces this offset later.)
//
// <span data-module="countdown" data-deadline-ms="…" data-server-now-ms="…"></span>
// The deadline can change live: set data-deadline-ms and the next tick uses it.
import { gettext, interpolate, ngettext } from "./i18n.js";

const pad = (number) => String(number).padStart(2, "0");

export function formatRemaining(milliseconds) {
  if (milliseconds <= 0) return gettext("Ended");
  const total = Math.floor(milliseconds / 1000);
  const days = Math.floor(total / 86400);
  const clock = `${pad(Math.floor((total % 86400) / 3600))}:${pad(
    Math.floor((total % 3600) / 60),
  )}:${pad(total % 60)}`;
  if (days === 0) return clock;
  const dayText = interpolate(ngettext("%(days)s day", "%(days)s days", days), {
    days,
  });
  return `${dayText} ${clock}`;
}

export function init(element) {
  const serverNow = Number(element.dataset.serverNowMs);
  // Server time minus device time when the page was rendered (network delay aside).
  const offset = Number.isFinite(serverNow) && serverNow > 0 ? serverNow - Date.now() : 0;
  let timer = null;

  function tick() {
    const deadline = Number(element.dataset.deadlineMs);
    if (!Number.isFinite(deadline) || deadline <= 0) return;
    const remaining = deadline - (Date.now() + offset);
    element.textContent = formatRemaining(remaining);
    element.classList.toggle("ended", remaining <= 0);
    if (remaining <= 0) {
      element.dispatchEvent(new CustomEvent("countdown:ended", { bubbles: true }));
      return;
    }
    // Next tick on the next whole second of server time.
    timer = window.setTimeout(tick, (remaining % 1000) || 1000);
  }

  element.addEventListener("countdown:restart", () => {
    window.clearTimeout(timer);
    tick();
  });
  tick();
}
