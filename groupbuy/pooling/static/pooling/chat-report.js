// The Report link of a chat message someone else wrote, for one the script
// shows (arrived live, in the socket's history, or an earlier page): a copy of
// the one the server renders for the messages it shows itself. The page holds
// it in <template id="chat-report" data-item-id="…">, rendered by the app that
// fills the messages' actions (moderation) with a placeholder for the id, and
// only when one does; the copy takes the message's id in its place. None on
// the reader's own messages (``me``: what the chat calls them, in every
// language) nor on one the platform removed.

export function reportActions(template, message, me = []) {
  if (!template || message.is_removed || me.includes(message.author)) return null;
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

// What the chat calls its reader (data-chat-me, a JSON list); none if unreadable.
export function readerNames(room) {
  try {
    const names = JSON.parse(room?.dataset.chatMe || "[]");
    return Array.isArray(names) ? names : [];
  } catch {
    return [];
  }
}
