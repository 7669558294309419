// What a countdown says: its digits, its time left in words for screen
// readers (at the moments of announce.js) and its error bound's tooltip
// (countdown.js draws them; tested with `node --test groupbuy/clock/tests/js`).
import { gettext, interpolate, ngettext } from "../web/js/i18n.js";
import { splitSeconds } from "./sync.js";

const pad = (number) => String(number).padStart(2, "0");

// With `toStart`, a countdown to a start: once at zero it has started, not ended.
export function formatRemaining(milliseconds, { toStart = false } = {}) {
  if (milliseconds <= 0) return toStart ? gettext("Started") : gettext("Ended");
  const { days, hours, minutes, seconds } = splitSeconds(Math.ceil(milliseconds / 1000));
  const time = `${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
  if (days === 0) return time;
  const dayText = interpolate(ngettext("%(days)s day", "%(days)s days", days), { days });
  return `${dayText} ${time}`;
}

// The time left in words for a moment of announce.js; with `toStart`, the time
// until a start, said whole (the label before it is hidden from screen readers).
// Each ngettext call spells its strings out: makemessages (xgettext) finds
// only literal arguments of gettext and ngettext.
export function spokenRemaining({ unit, count }, { toStart = false } = {}) {
  if (toStart) return spokenUntilStart({ unit, count });
  let text;
  switch (unit) {
    case "ended":
      return gettext("Ended");
    case "seconds":
      text = ngettext("%(count)s second left", "%(count)s seconds left", count);
      break;
    case "minutes":
      text = ngettext("%(count)s minute left", "%(count)s minutes left", count);
      break;
    case "hours":
      text = ngettext("Less than %(count)s hour left", "Less than %(count)s hours left", count);
      break;
    default:
      text = ngettext("Less than %(count)s day left", "Less than %(count)s days left", count);
  }
  return interpolate(text, { count });
}

function spokenUntilStart({ unit, count }) {
  let text;
  switch (unit) {
    case "ended":
      return gettext("Started");
    case "seconds":
      text = ngettext("Starts in %(count)s second", "Starts in %(count)s seconds", count);
      break;
    case "minutes":
      text = ngettext("Starts in %(count)s minute", "Starts in %(count)s minutes", count);
      break;
    case "hours":
      text = ngettext(
        "Starts in less than %(count)s hour",
        "Starts in less than %(count)s hours",
        count,
      );
      break;
    default:
      text = ngettext(
        "Starts in less than %(count)s day",
        "Starts in less than %(count)s days",
        count,
      );
  }
  return interpolate(text, { count });
}

// The clock's error bound as the digits' tooltip and data-bound-ms: nothing
// before the first sync, nor once ended, when it no longer means anything.
export function boundShown(boundMs, secondsLeft) {
  if (boundMs === null || !(secondsLeft > 0)) return { boundMs: "", title: "" };
  const ms = Math.ceil(boundMs);
  const title = interpolate(gettext("Within ±%(ms)s ms of the server's clock"), { ms });
  return { boundMs: String(ms), title };
}
