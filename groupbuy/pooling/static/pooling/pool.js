// The pool page: live state and chat over ws/pools/<id>/; a change of the
// pool's state, or another member's answer, reloads the page.
import { reloadPage } from "../realtime/socket.js";
import { startChat } from "./chat.js";

const summary = document.getElementById("pool-summary");

startChat({
  socketPath: `/ws/pools/${summary.dataset.poolId}/`,
  onEvent(event) {
    // the live state, or the state the history brings when the socket joins
    // (an answer given before it joined would otherwise go unseen)
    if (
      (event.type === "pooling.pool" || event.type === "pooling.history") &&
      event.state !== undefined &&
      (event.state !== summary.dataset.state ||
        String(event.answered) !== summary.dataset.answered)
    ) {
      reloadPage();
    }
  },
});
