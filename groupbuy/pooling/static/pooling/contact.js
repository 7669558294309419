// A contact request's page: its chat over ws/contacts/<id>/; the other side's
// answer reloads the page (the chat opens, or the request shows declined), as
// does either side ending the conversation.
import { reloadPage } from "../realtime/socket.js";
import { startChat } from "./chat.js";

const summary = document.getElementById("contact-summary");

// An ended conversation changes no more (its socket would be refused): its
// history is read without one.
startChat({
  socketPath: `/ws/contacts/${summary.dataset.contactId}/`,
  live: summary.dataset.state !== "ended",
  onEvent(event) {
    if (event.type === "pooling.contact" && event.state !== summary.dataset.state) {
      reloadPage();
    }
  },
});
