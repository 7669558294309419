// Team pages: countdowns, live updates over the WebSocket, share and copy link.
import { init as startCountdown } from "../clock/countdown.js";
import { openSocket } from "../realtime/socket.js";
import { gettext } from "../web/js/i18n.js";
import { announceTeamChange, OUTCOMES, slotsText } from "./announce.js";
import { openTeamsRefresher } from "./open-teams.js";

// The team's time to fill is up: it takes nobody now (a join would be refused,
// team_expired), so its Join goes before the server's push of the outcome.
function stopJoining() {
  const form = document.getElementById("team-join-form");
  if (!form || form.hidden) return;
  form.hidden = true;
  for (const button of form.querySelectorAll("button")) button.disabled = true;
}

// Each team's countdown is the clock app's (clock/countdown.js): it counts to
// the team's expires_at by the server's clock, so a tab the phone suspended
// for minutes shows the right time when it wakes. Until 2026-12-06 it took a
// second off per timer tick, and a suspended tab came back minutes behind,
// still offering to join a team whose time was up. The time is on the
// countdown or its list item (data-expires-at), the page's render time on an
// ancestor (data-server-now-ms).
function startCountdowns(root) {
  for (const holder of root.querySelectorAll("[data-expires-at]")) {
    const countdown = holder.matches(".countdown") ? holder : holder.querySelector(".countdown");
    const deadline = Date.parse(holder.dataset.expiresAt);
    if (!countdown || !Number.isFinite(deadline)) continue;
    countdown.dataset.deadlineMs = String(deadline);
    const rendered = countdown.closest("[data-server-now-ms]")?.dataset.serverNowMs;
    if (rendered) countdown.dataset.serverNowMs = rendered;
    startCountdown(countdown);
  }
}
document.getElementById("team-countdown")?.addEventListener("countdown:ended", stopJoining);
startCountdowns(document);

// The realtime app's socket: it reconnects with a growing delay, stops on the
// server's refusal and replaces a connection that died silently. The team's
// socket starts with the team as it is, so what changed meanwhile shows.
function connect(el, onEvent) {
  openSocket(el.dataset.ws, { onEvent });
}

// What only an open team shows: places left, the countdown, joining, paying
// for a place (or waiting for it) and the invitation to share the link.
const OPEN_ONLY = ["team-slots", "team-time-left", "team-join-form", "team-payment", "team-share"];

// Once the team completes or ends, say so (the page carries the outcome hidden)
// instead of inviting more people.
function showOutcome(state) {
  for (const id of OPEN_ONLY) document.getElementById(id)?.remove();
  const outcome = document.getElementById(OUTCOMES[state] || "team-refunded");
  if (outcome) outcome.hidden = false;
  // And the member's next step the outcome calls for (their order and coupon,
  // or where their refund goes), carried hidden too.
  for (const next of document.querySelectorAll("[data-team-next]")) {
    next.hidden = !next.dataset.teamNext.split(" ").includes(state);
  }
}

const team = document.getElementById("team");
if (team) {
  connect(team, (e) => {
    if (e.type !== "team.update") return;
    announceTeamChange(document, e); // (before the page changes: it compares)
    const stateBefore = team.dataset.state;
    team.dataset.state = e.state;
    // The page carries its labels in its own language (a push is not per-language).
    const pill = document.getElementById("team-state");
    pill.textContent = pill.dataset[`label${e.state[0].toUpperCase()}${e.state.slice(1)}`] || e.state;
    pill.className = `pill ${e.state === "complete" ? "ok" : e.state === "open" ? "info" : "bad"}`;
    if (e.state === "open") {
      const slots = document.getElementById("team-slots");
      if (slots) slots.textContent = slotsText(slots, e.slots_left, e.members);
      // A full team takes nobody until a place opens again (one not paid in time).
      const joinForm = document.getElementById("team-join-form");
      if (joinForm) joinForm.hidden = e.slots_left === 0;
      // The viewer's own payment part is per person, the push is not: it is
      // fetched again, so "being confirmed" goes once their place is paid.
      const payment = document.getElementById("team-payment");
      if (payment && window.htmx) window.htmx.trigger(payment, "team-changed");
    } else {
      showOutcome(e.state);
    }
    const list = document.getElementById("team-members");
    const me = list.dataset.me;
    list.replaceChildren(...e.members.map((m) => {
      const li = document.createElement("li");
      // (a page rendered before data-mine was there shows the name alone)
      const mine = list.dataset.mine || "__NAME__";
      const name = me && m.key === me ? mine.replace("__NAME__", () => m.name) : m.name;
      li.textContent = name + (m.paid ? " ✓" : "");
      // a team that did not fill still lists who was in it, the refunded marked
      if (m.refunded && list.dataset.refunded) {
        const pill = document.createElement("span");
        pill.className = "pill";
        pill.textContent = list.dataset.refunded;
        li.append(" ", pill);
      }
      return li;
    }));
    // A member of a team that did not fill is told whether money goes back:
    // their own place in the push says whether it was refunded (a payment
    // that landed after the end was, and is pushed then).
    const mine = me && e.members.find((m) => m.key === me);
    if (mine && (e.state === "expired" || e.state === "stopped")) {
      const paidBack = document.getElementById("team-paid-back");
      const nowRefunded = Boolean(paidBack?.hidden && mine.refunded);
      paidBack?.toggleAttribute("hidden", !mine.refunded);
      document.getElementById("team-not-charged")?.toggleAttribute("hidden", Boolean(mine.refunded));
      // The outcome was said already: say what became of the late payment.
      const region = document.getElementById("team-announce");
      if (nowRefunded && stateBefore === e.state && region) {
        region.textContent = paidBack.querySelector("p")?.textContent.trim() || "";
      }
    }
  });
}

// The open-team list is re-read when any team of the deal changes, unless the
// shopper is already leaving the page (a buy button was pressed).
let leaving = false;
addEventListener("submit", () => { leaving = true; });
addEventListener("pagehide", () => { leaving = true; });
const openTeams = document.getElementById("open-teams");
if (openTeams) {
  const refresher = openTeamsRefresher({
    async load() {
      const response = await fetch(location.href, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`the page answered ${response.status}`);
      const html = new DOMParser().parseFromString(await response.text(), "text/html");
      // (the list with its pages: one may come or go as teams fill)
      return html.getElementById("open-team-pages");
    },
    show(fresh) {
      document.getElementById("open-team-pages").replaceWith(fresh);
      startCountdowns(fresh);
    },
    stale(isStale) {
      let note = document.getElementById("open-teams-stale");
      if (!note && isStale) {
        note = document.createElement("p");
        note.id = "open-teams-stale";
        note.className = "muted small";
        note.setAttribute("role", "status");
        note.textContent = gettext(
          "Could not refresh the open teams. They refresh again when the connection is back.",
        );
        openTeams.append(note);
      }
      if (note) note.hidden = !isStale;
    },
    isLeaving: () => leaving,
  });
  connect(openTeams, (e) => {
    if (e.type === "team.update") refresher.changed();
  });
  addEventListener("online", () => refresher.online());
}

const link = document.getElementById("share-link");
const copy = document.getElementById("copy-link");
if (copy && link) {
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(link.value);
    } catch {
      link.select();
      document.execCommand("copy");
    }
    document.getElementById("copy-done").hidden = false;
  });
}
const share = document.getElementById("share-team");
if (share && navigator.share) {
  share.hidden = false;
  share.addEventListener("click", () =>
    navigator.share({ title: share.dataset.title, url: link.value }).catch(() => {}));
}
