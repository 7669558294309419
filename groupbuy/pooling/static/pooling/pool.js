// The pool page: live state and chat over ws/pools/<id>/. A change of the
// pool's state, or another member's answer, reloads the page; the phone numbers
// being shown (or hidden again), a member leaving a pool that carries on, or the
// shop ending the promotion (heard live, or learnt from the state the socket
// gets on joining), refresh the pool's summary and phone card in place,
// so a message being typed in the chat is kept. The socket never carries a
// number: the page asks for itself again and is shown what its reader may see.
import { reloadPage } from "../realtime/socket.js";
import { startChat } from "./chat.js";

const REFRESHED_IDS = ["pool-summary", "pool-phone"];

async function refreshInPlace() {
  let response;
  try {
    response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
  } catch {
    return; // offline: the state the socket brings when it joins again tells
  }
  if (!response.ok) return reloadPage();
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const id of REFRESHED_IDS) {
    const current = document.getElementById(id);
    const replacement = fresh.getElementById(id);
    if (current && replacement) current.replaceWith(document.adoptNode(replacement));
    else if (current || replacement) return reloadPage();
  }
}

const start = document.getElementById("pool-summary").dataset;

// One who left the pool reads its page, nothing more comes to them (their
// socket would be refused): no socket.
startChat({
  socketPath: `/ws/pools/${start.poolId}/`,
  live: start.meLeft !== "true",
  // dissolved or left: its chat is gone for this reader, and what waited too
  closedRoom: start.state === "dissolved" || start.meLeft === "true" ? start.chatRoom : "",
  onEvent(event) {
    // the shop ended the promotion: the summary, refreshed, says the till gives
    // the saving only to baskets paid before then
    if (event.type === "pooling.promotion_ended") {
      refreshInPlace();
      return;
    }
    // the live state, or the state the history brings when the socket joins
    // (an answer given before it joined would otherwise go unseen)
    if (event.type !== "pooling.pool" && event.type !== "pooling.history") return;
    if (event.state === undefined) return;
    const summary = document.getElementById("pool-summary");
    if (
      event.state !== summary.dataset.state ||
      String(event.answered) !== summary.dataset.answered
    ) {
      reloadPage();
    } else if (
      String(event.phones_shown) !== summary.dataset.phonesShown ||
      (event.left !== undefined && String(event.left) !== summary.dataset.left)
    ) {
      refreshInPlace();
    } else if (event.promotion_ended_at && summary.dataset.promotionEnded !== "true") {
      // the promotion ended after the page was rendered, and its socket
      // joined too late to hear the notice: the state on joining tells
      refreshInPlace();
    }
  },
});
