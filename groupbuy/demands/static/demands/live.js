// Keep a demand page current: the committed units update in place, a new
// deadline moves the countdown (absolute epoch ms; the clock module drops one
// that arrived more than a second late), offers sent, replaced or withdrawn
// appear (the page's offers part is fetched again: the event says only when
// they changed, not what they are, which depends on who is looking), and a
// change of state (published → accepted, cancelled, expired) reloads the page.
import { applyDeadline } from "../clock/countdown.js";
import { openSocket, reloadPage } from "../realtime/socket.js";

const root = document.querySelector("[data-demand-live]");
if (root) {
  const demandId = root.dataset.demandLive;
  const state = root.dataset.state;
  let fetchingOffers = false;
  let offersWanted = null;

  const offersPart = () => document.getElementById("demand-offers-live");

  // Fetch the offers part until it is at least as new as the last event said.
  async function refreshOffers(changedMs) {
    offersWanted = changedMs;
    if (fetchingOffers) return;
    fetchingOffers = true;
    try {
      while (offersWanted !== null) {
        const wanted = offersWanted;
        offersWanted = null;
        const current = offersPart();
        if (!current || Number(current.dataset.offersChangedMs || 0) >= wanted) continue;
        const response = await fetch(`/demands/${demandId}/offers/`, {
          credentials: "same-origin",
          headers: { Accept: "text/html" },
        });
        if (!response.ok) return;
        const holder = document.createElement("template");
        holder.innerHTML = await response.text();
        const fresh = holder.content.getElementById("demand-offers-live");
        if (fresh && offersPart()) offersPart().replaceWith(fresh);
      }
    } catch {
      // the next event (or the snapshot after a reconnect) tries again
    } finally {
      fetchingOffers = false;
    }
  }

  openSocket(`/ws/demands/${demandId}/`, {
    onEvent(message) {
      const demand = message.demand || message;
      const committed = document.getElementById("demand-committed");
      if (committed && demand.committed_units !== undefined) {
        committed.textContent = demand.committed_units;
      }
      if (Number.isFinite(demand.deadline_ms)) {
        const sentMs = message.sent_ms ?? null;
        for (const countdown of document.querySelectorAll('[data-module="countdown"]')) {
          applyDeadline(countdown, { deadlineMs: demand.deadline_ms, sentMs });
        }
      }
      // reloadPage: not while this page's own form (accept, leave, cancel) or
      // a link is already navigating away.
      if (demand.state && demand.state !== state) {
        reloadPage();
        return;
      }
      if (Number.isFinite(demand.offers_changed_ms)) {
        refreshOffers(demand.offers_changed_ms);
      }
    },
  });
}
