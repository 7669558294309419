// The inbox of shares: a share sent to me arrives live at the top of the list.
import { element, onUserEvent } from "./common.js";

const list = document.getElementById("thread-list");

function addShare(share) {
  // A share sent to me belongs to the received list only.
  if (list?.dataset.box !== "received") return;
  if (!list || list.querySelector(`[data-share-id="${CSS.escape(share.id)}"]`)) return;
  document.getElementById("thread-empty")?.remove();
  const item = element("li", {
    className: "card thread-item",
    attrs: { "data-share-id": share.id },
  });
  const link = element("a", { attrs: { href: share.url } });
  link.append(element("strong", { text: share.product }));
  item.append(link, element("p", { className: "small muted", text: share.sender }));
  if (share.comment) item.append(element("p", { className: "thread-comment", text: share.comment }));
  list.prepend(item);
}

onUserEvent((event) => {
  if (event.type === "sharing.share") addShare(event.share);
});

// A reply in a listed thread moves it to the top.
onUserEvent((event) => {
  if (event.type !== "sharing.message" || !list) return;
  const item = list.querySelector(`[data-share-id="${CSS.escape(event.message.share)}"]`);
  if (item) list.prepend(item);
});
