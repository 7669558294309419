// Who is buying it?: a contact request coming in (or an answer, an end, a
// reopening of one) shows in the Contact requests list while the page is open.
// Only that list is fetched again, not the page: the search above keeps what
// is typed and chosen in it.
const CONTACT_KINDS = new Set([
  "pooling.contact",
  "pooling.contact_answered",
  "pooling.contact_ended",
  "pooling.contact_reopened",
]);
const contacts = document.getElementById("contacts");

async function showContactsAgain() {
  const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
  if (!response.ok) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById("contacts");
  if (fresh) contacts.replaceChildren(...fresh.childNodes);
}

if (contacts) {
  document.body.addEventListener("notify-new", (event) => {
    if (CONTACT_KINDS.has(event.detail?.notification?.kind)) showContactsAgain();
  });
  // (what was pushed before the socket listened, or while it was away)
  document.body.addEventListener("realtime-user-joined", showContactsAgain);
}
