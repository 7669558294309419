// The pool page: live state and chat over ws/pools/<id>/; a change of the
// pool's state (someone answered) reloads the page.
import { reloadPage } from "../realtime/socket.js";
import { startChat } from "./chat.js";

const summary = document.getElementById("pool-summary");

startChat({
  socketPath: `/ws/pools/${summary.dataset.poolId}/`,
  onEvent(event) {
    if (event.type === "pooling.pool" && event.state !== summary.dataset.state) {
      reloadPage();
    }
  },
});
