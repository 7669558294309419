// The Report link of a message a page's script shows (a chat's message, a
// share thread's reply: arrived live, in the socket's history, or an earlier
// page): a copy of the one the server renders for the messages it shows
// itself. The page holds it in a <template data-item-id="…"> (the chats'
// #chat-report, the thread's #reply-report), rendered by the app that fills
// the messages' actions (moderation) with a placeholder for the id, and only
// when one does; the copy takes the message's id in its place. None on the
// reader's own messages nor on one the platform removed. Whose a message is
// goes by its author's key in the conversation (``author_key``; ``me``, the
// reader's, from the page's data-reader-key), never by the name it shows: a
// name differs by language (one's own message, posted from a page in another
// language, comes named in this one's), is "Shopper A" once a chat ended
// where the page knew the reader by their number, and is the sender's own
// name for a contact in a thread. One with no key is not offered it.

export function reportActions(template, message, me = "") {
  const isAnothers = Boolean(me && message.author_key && message.author_key !== me);
  if (!template || message.is_removed || !isAnothers) return null;
  const placeholder = template.dataset.itemId;
  const actions = template.content.cloneNode(true);
  for (const element of actions.querySelectorAll("*")) {
    for (const name of element.getAttributeNames()) {
      const value = element.getAttribute(name);
      if (!value.includes(placeholder)) continue;
      // a link's id goes in its path as the server's {% url %} puts it there
      const id = name === "href" ? encodeURIComponent(message.id) : String(message.id);
      element.setAttribute(name, value.replaceAll(placeholder, id));
    }
  }
  return actions;
}

// The key of the reader's own messages in the conversation (the element's
// data-reader-key); "" if none.
export function readerKey(conversation) {
  return conversation?.dataset.readerKey || "";
}
