// Keep a demand page current: the committed units update in place, a new
// deadline moves the countdown (absolute epoch ms; the clock module drops one
// that arrived more than a second late), offers sent, replaced or withdrawn
// appear (the page's offers part is fetched again: the event says only when
// they changed, not what they are, which depends on who is looking), and a
// change of state (published → accepted, cancelled, expired) reloads the page.
// When someone joins, the Join part's "5 units are still wanted." (and the
// quantity's max) follow: the part is fetched again from the page, its words
// being the server's to translate; what the watcher typed in it stays. A photo
// an operator hides or its initiator removes is taken off the page, the others
// numbered again (photos.js).
import { applyDeadline } from "../clock/countdown.js";
import { openSocket, reloadPage } from "../realtime/socket.js";
import { removePhoto } from "./photos.js";

// A photo an operator hid, or its initiator removed.
const PHOTO_GONE = new Set(["demand.photo_hidden", "demand.photo_removed"]);

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
        const response = await fetch(`/demands/${demandId}/offers/${location.search}`, {
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

  let fetchingJoin = false;
  let unitsWanted = null;
  const joinPart = () => document.getElementById("join-section");

  // Put the fresh Join part's count in place; swap the whole part only when
  // the form comes or goes (none left, or some again).
  function applyJoinPart(current, fresh) {
    const form = current.querySelector("#join-form");
    const freshForm = fresh.querySelector("#join-form");
    const count = current.querySelector("#units-left");
    const freshCount = fresh.querySelector("#units-left");
    if (!form || !freshForm || !count || !freshCount) {
      current.replaceWith(fresh);
      return;
    }
    count.replaceWith(freshCount);
    const quantity = form.querySelector("[name=quantity]");
    const freshQuantity = freshForm.querySelector("[name=quantity]");
    if (quantity && freshQuantity) quantity.max = freshQuantity.max;
    current.dataset.unitsLeft = fresh.dataset.unitsLeft;
  }

  // Fetch the Join part until it says the count the last event gave.
  async function refreshJoin(units) {
    unitsWanted = units;
    if (fetchingJoin) return;
    fetchingJoin = true;
    try {
      while (unitsWanted !== null) {
        const wanted = unitsWanted;
        unitsWanted = null;
        const current = joinPart();
        if (!current || Number(current.dataset.unitsLeft) === wanted) continue;
        const response = await fetch(window.location.pathname, {
          credentials: "same-origin",
          headers: { Accept: "text/html" },
        });
        if (!response.ok) return;
        const holder = document.createElement("template");
        holder.innerHTML = await response.text();
        const fresh = holder.content.getElementById("join-section");
        if (fresh && joinPart()) applyJoinPart(joinPart(), fresh);
      }
    } catch {
      // the next event (or the snapshot after a reconnect) tries again
    } finally {
      fetchingJoin = false;
    }
  }

  openSocket(`/ws/demands/${demandId}/`, {
    onEvent(message) {
      if (PHOTO_GONE.has(message.type)) {
        removePhoto(document, message.photo_id);
        return;
      }
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
      if (Number.isFinite(demand.units_still_wanted)) {
        refreshJoin(demand.units_still_wanted);
      }
    },
  });
}
