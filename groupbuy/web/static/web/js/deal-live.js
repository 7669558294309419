// Live progress on the deal page: listens on ws/deals/<id>/ (through the realtime
// app's reconnecting socket) and updates the [data-live] elements in place.
//
// <div data-module="deal-live" data-deal-id="deal_…" data-state="open"
//      data-highest-price-fen="9900"></div>
import { applyDeadline } from "../../clock/countdown.js";
import { openSocket, reloadPage } from "../../realtime/socket.js";
import { gettext, interpolate, ngettext } from "./i18n.js";

export function formatFen(fen) {
  const sign = fen < 0 ? "-" : "";
  const absolute = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(absolute / 100).toLocaleString("en-US");
  return `${sign}¥${yuan}.${String(absolute % 100).padStart(2, "0")}`;
}

function setText(selector, text) {
  for (const element of document.querySelectorAll(selector)) {
    element.textContent = text;
  }
}

export function nextTierText(progress) {
  const missing = progress.participants_to_next_tier;
  if (!progress.next_tier || !missing) return gettext("The best price is reached!");
  if (!progress.current_tier && progress.units_sold >= progress.stock) {
    // Nobody else can join: those holding the units must pay.
    const toPay = ngettext(
      "Every unit is taken: %(count)s more buyer must pay for this group buy to go ahead.",
      "Every unit is taken: %(count)s more buyers must pay for this group buy to go ahead.",
      missing,
    );
    return interpolate(toPay, { count: missing });
  }
  if (!progress.current_tier) {
    const needed = ngettext(
      "%(count)s more buyer is needed for this group buy to go ahead.",
      "%(count)s more buyers are needed for this group buy to go ahead.",
      missing,
    );
    return interpolate(needed, { count: missing });
  }
  const format = ngettext(
    "%(count)s more buyer brings the price to %(price)s.",
    "%(count)s more buyers bring the price to %(price)s.",
    missing,
  );
  return interpolate(format, { count: missing, price: formatFen(progress.next_tier.price_fen) });
}

function progressPercent(progress) {
  const goal = progress.next_tier ? progress.next_tier.min_participants : progress.participants;
  if (!goal) return 100;
  return Math.max(0, Math.min(100, Math.floor((progress.participants * 100) / goal)));
}

// Deadlines are absolute epoch ms; the clock module drops a change that arrived
// more than a second late (sentMs by the server's clock), see docs/clock.md.
function updateDeadline(progress, sentMs) {
  for (const countdown of document.querySelectorAll('[data-live="countdown"]')) {
    applyDeadline(countdown, { deadlineMs: progress.deadline_ms, sentMs });
  }
}

// Screen readers hear progress only when it changes (a buyer joined, the price
// dropped), in one polite sentence: never the countdown's seconds (docs/clock.md).
function progressRegion(root) {
  let region = root.ownerDocument.querySelector('[data-live="progress-announce"]');
  if (!region) {
    region = root.ownerDocument.createElement("p");
    region.className = "visually-hidden";
    region.dataset.live = "progress-announce";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    region.setAttribute("aria-atomic", "true");
    root.after(region); // root itself is hidden
  }
  return region;
}

function announceProgress(root, progress, currentFen) {
  const key = `${progress.participants}:${currentFen}`;
  if (root.dataset.announced === undefined) {
    root.dataset.announced = key; // the page already shows the first snapshot
    return;
  }
  if (root.dataset.announced === key) return;
  root.dataset.announced = key;
  const buyers = interpolate(
    ngettext("%(count)s buyer", "%(count)s buyers", progress.participants),
    { count: progress.participants },
  );
  progressRegion(root).textContent = interpolate(
    gettext("%(buyers)s. Price now %(price)s. %(next)s"),
    { buyers, price: formatFen(currentFen), next: nextTierText(progress) },
  );
}

// Each tier says whether it is reached, or next, in words (its [data-tier-reached]
// and [data-tier-next] texts) as well as by its colour.
export function showTierStates(doc, progress) {
  for (const tier of doc.querySelectorAll("[data-tier-min]")) {
    const minimum = Number(tier.dataset.tierMin);
    const reached = progress.participants >= minimum;
    const next = Boolean(progress.next_tier) && progress.next_tier.min_participants === minimum;
    tier.classList.toggle("reached", reached);
    tier.classList.toggle("next", next);
    const reachedText = tier.querySelector("[data-tier-reached]");
    if (reachedText) reachedText.hidden = !reached;
    const nextText = tier.querySelector("[data-tier-next]");
    if (nextText) nextText.hidden = !next;
  }
}

function render(root, progress, sentMs = null) {
  setText('[data-live="participants"]', String(progress.participants));
  setText('[data-live="units-left"]', String(Math.max(0, progress.stock - progress.units_sold)));
  setText('[data-live="stock"]', String(progress.stock));
  setText('[data-live="next-tier"]', nextTierText(progress));
  const highest = Number(root.dataset.highestPriceFen);
  const current =
    progress.final_price_fen ||
    (progress.current_tier ? progress.current_tier.price_fen : highest);
  // A team buy's card has no tiers to announce: its teams' pages say how they fill.
  if (Number.isFinite(current) && !document.querySelector("[data-team-mode]")) {
    setText('[data-live="current-price"]', formatFen(current));
    announceProgress(root, progress, current);
  }
  const percent = progressPercent(progress);
  for (const bar of document.querySelectorAll('[data-live="progress-bar"]')) {
    bar.style.width = `${percent}%`;
    bar.parentElement.setAttribute("aria-valuenow", String(percent));
  }
  showTierStates(document, progress);
  updateDeadline(progress, sentMs);
  // The deal closed (or opened) while the page was open: reload to show the
  // right actions (join form, order state) rendered by the server.
  if (progress.state && progress.state !== root.dataset.state) {
    root.dataset.state = progress.state;
    reloadPage();
  }
}

// At the deadline by the synchronised clock (docs/clock.md), stop offering to
// join: the server's push that the deal closed comes seconds later (the close
// job, then the reload), and until 2026-12-06 the join form stayed meanwhile.
// The parts marked data-join-until-deadline are hidden and their controls
// disabled; data-join-ended says why. A join sent anyway is refused by the
// server (deadline_passed, by how many ms).
export function endJoining(doc) {
  for (const part of doc.querySelectorAll("[data-join-until-deadline]")) {
    part.hidden = true;
    for (const control of part.querySelectorAll("button, input, select")) {
      if (control.disabled) continue; // (the server's: a sold-out button, say)
      control.disabled = true;
      control.dataset.disabledAtDeadline = "";
    }
  }
  for (const note of doc.querySelectorAll("[data-join-ended]")) note.hidden = false;
}

// The deadline moved later after the countdown reached zero (the merchant
// extended the deal, pushed over the socket): offer to join again what
// endJoining took away, until the new deadline. Until 2026-12-06 the form
// stayed hidden until a push reloaded the page.
export function resumeJoining(doc) {
  for (const part of doc.querySelectorAll("[data-join-until-deadline]")) {
    part.hidden = false;
    for (const control of part.querySelectorAll("[data-disabled-at-deadline]")) {
      control.disabled = false;
      delete control.dataset.disabledAtDeadline;
    }
  }
  for (const note of doc.querySelectorAll("[data-join-ended]")) note.hidden = true;
}

const REFETCH_AFTER_LATE_MS = 5000;
const REFETCH_SPREAD_MS = 3000;

export function init(root) {
  const dealId = root.dataset.dealId;
  // A deal that has not started: at its start (by the server's clock) reload, so
  // the page shows the join form the server now renders.
  const startsIn = document.getElementById("deal-starts-countdown");
  if (startsIn) {
    startsIn.addEventListener("countdown:ended", () => {
      window.setTimeout(reloadPage, 500);
    });
  }
  const endsIn = document.getElementById("deal-countdown");
  endsIn?.addEventListener("countdown:ended", () => endJoining(document));
  endsIn?.addEventListener("countdown:resumed", () => resumeJoining(document));
  if (!dealId || !("WebSocket" in window)) return;
  progressRegion(root);
  const path = `/ws/deals/${encodeURIComponent(dealId)}/`;
  const handlers = {
    onEvent(event) {
      // The snapshot answers our connect: its deadline is current, however slow.
      if (event.type === "deal.snapshot" && event.deal) render(root, event.deal);
      else if (event.type === "deal.progress") render(root, event, event.server_now_ms);
      else if (Number.isFinite(event.deadline_ms) && (event.deal_id ?? dealId) === dealId) {
        // "deal.deadline" (extended, closed early) or any event carrying one.
        updateDeadline(event, event.sent_ms ?? event.server_now_ms);
      }
    },
  };
  let socket = openSocket(path, handlers);
  let refetchedAt = 0;
  // A deadline change dropped as late: reconnect, and the snapshot brings the
  // deadline as it is now (at most every few seconds on a bad network). A
  // change late for everyone (a big fan-out) must not bring every watcher back
  // at once, hence the random wait.
  root.ownerDocument.addEventListener("countdown:late", () => {
    if (performance.now() - refetchedAt < REFETCH_AFTER_LATE_MS) return;
    refetchedAt = performance.now();
    window.setTimeout(() => {
      socket.close();
      socket = openSocket(path, handlers);
    }, Math.random() * REFETCH_SPREAD_MS);
  });
}
