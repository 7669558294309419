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

document.getElementById("share-form")?.addEventListener("submit", () => {
  if (namesInput) namesInput.value = namesField(numbers.value, names);
});

function showContacts(contacts) {
  list.replaceChildren();
  for (const contact of contacts) {
    const item = element("li", { className: "row" });
    // The name is the one in the file; matching never names a member.
    const label = contact.is_member
      ? `${contact.name || contact.phone} · ${contact.phone} · ${gettext("member")}`
      : `${contact.name || contact.phone} · ${contact.phone}`;
    const button = element("button", {
      className: "button small secondary",
      text: gettext("Add"),
      attrs: { type: "button" },
    });
    button.addEventListener("click", () => {
      addNumber(contact.phone, contact.name);
      button.disabled = true;
    });
    item.append(element("span", { text: label }), button);
    list.append(item);
  }
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

document.getElementById("vcard-file")?.addEventListener("change", async (event) => {
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
