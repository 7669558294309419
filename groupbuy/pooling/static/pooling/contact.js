// A contact request's page: its chat over ws/contacts/<id>/; the other side's
// answer reloads the page (the chat opens, or the request shows declined).
import { reloadPage } from "../realtime/socket.js";
import { startChat } from "./chat.js";

const summary = document.getElementById("contact-summary");

startChat({
  socketPath: `/ws/contacts/${summary.dataset.contactId}/`,
  onEvent(event) {
    if (event.type === "pooling.contact" && event.state !== summary.dataset.state) {
      reloadPage();
    }
  },
});
