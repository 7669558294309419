// Choosing recipients: the browser's Contact Picker where it exists, or a vCard
// imported through the API; chosen numbers go into the phone numbers field and
// the names picked with them into the hidden recipient_names field, which only
// the sender sees in the thread (recipients.js).
import { apiPost, element } from "./common.js";
import { addRecipient, namesField, readNames } from "./recipients.js";
import { gettext } from "../web/js/i18n.js";

const numbers = document.getElementById("id_recipients");
const namesInput = document.getElementById("id_recipient_names");
const status = document.getElementById("contact-status");
const list = document.getElementById("contact-list");
let names = readNames(namesInput?.value);

function addNumber(phone, name = "") {
  const added = addRecipient(numbers.value, names, phone, name);
  numbers.value = added.text;
  names = added.names;
}

// Sending: the button is busy and disabled from the first tap, so a second tap
// (a phone's double tap, 30-150 ms apart) sends nothing more; the form's one-time
// idempotency_key makes any request that still goes out again (Enter pressed
// twice, a retry) answer the same share. The button comes back when the page
// does (the back button, from the browser's cache) and, should the answer never
// come (the user stopped the page, a network that hangs), after a while. The
// form says data-busy="off": the pages' shared busy-forms.js leaves it to this.
const form = document.getElementById("share-form");
const sendButton = document.getElementById("share-submit");
const sendLabel = sendButton?.textContent;
const SEND_AGAIN_AFTER_MS = 20_000;
let sending = false;
let sendAgainTimer = 0;

function sendingShown(isSending) {
  sending = isSending;
  clearTimeout(sendAgainTimer);
  if (!sendButton) return;
  sendButton.disabled = isSending;
  sendButton.textContent = isSending ? gettext("Sending…") : sendLabel;
  if (isSending) {
    sendButton.setAttribute("aria-busy", "true");
    sendAgainTimer = setTimeout(() => sendingShown(false), SEND_AGAIN_AFTER_MS);
  } else {
    sendButton.removeAttribute("aria-busy");
  }
}

form?.addEventListener("submit", (event) => {
  if (sending) {
    event.preventDefault();
    return;
  }
  if (namesInput) namesInput.value = namesField(numbers.value, names);
  sendingShown(true);
});

window.addEventListener("pageshow", (event) => {
  if (event.persisted) sendingShown(false);
});

// Each "Add" is described by its contact's line, so a screen reader says whose
// number it adds. Once pressed it is aria-disabled, not disabled: a disabled
// button drops the keyboard's focus to the page's start.
function showContacts(contacts) {
  list.replaceChildren();
  contacts.forEach((contact, index) => {
    const item = element("li", { className: "row" });
    // The name is the one in the file; matching never names a member.
    const label = contact.is_member
      ? `${contact.name || contact.phone} · ${contact.phone} · ${gettext("member")}`
      : `${contact.name || contact.phone} · ${contact.phone}`;
    const labelId = `contact-${index}-label`;
    const button = element("button", {
      className: "button small secondary",
      text: gettext("Add"),
      attrs: { type: "button", "aria-describedby": labelId },
    });
    button.addEventListener("click", () => {
      if (button.getAttribute("aria-disabled") === "true") return;
      addNumber(contact.phone, contact.name);
      button.setAttribute("aria-disabled", "true");
    });
    item.append(element("span", { text: label, attrs: { id: labelId } }), button);
    list.append(item);
  });
}

const picker = document.getElementById("contact-picker");
if (picker && "contacts" in navigator && "ContactsManager" in window) {
  picker.hidden = false;
  picker.addEventListener("click", async () => {
    try {
      const picked = await navigator.contacts.select(["name", "tel"], { multiple: true });
      for (const contact of picked) {
        const name = (contact.name || [])[0] || "";
        for (const tel of contact.tel || []) addNumber(tel, name);
      }
    } catch {
      status.textContent = gettext("The contact picker is not available.");
    }
  });
}

// "Import vCard" is a button, reached and pressed from the keyboard like any
// (a label for the hidden input was neither): it opens the file chooser.
const vcardFile = document.getElementById("vcard-file");
document.getElementById("vcard-import")?.addEventListener("click", () => vcardFile?.click());

vcardFile?.addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const data = new FormData();
  data.append("file", file);
  status.textContent = gettext("Importing…");
  const result = await apiPost("/api/sharing/contacts/books", data);
  status.textContent = result.ok
    ? gettext("Imported. Members are marked.")
    : result.data.message || gettext("Could not import this file.");
  if (result.ok) showContacts(result.data.contacts);
});
