// My pools: a new suggestion or an answer elsewhere refreshes the lists.
import { reloadPage } from "../realtime/socket.js";

document.body.addEventListener("realtime-user", (event) => {
  if (String(event.detail.type || "").startsWith("pooling.")) reloadPage();
});
