// The inbox's list is swapped whole by htmx (a message arrived live, "Mark all
// read"): the keyboard's focus on one of its messages would fall to the start of
// the page. It goes back to the same message after the swap, or to the list
// when that message is no longer on the page.
let focusedItem = null;

document.body.addEventListener("htmx:beforeSwap", (event) => {
  const list = document.getElementById("inbox-list");
  if (!list || event.detail.target !== list) return;
  const focused = document.activeElement;
  focusedItem = list.contains(focused) ? focused.closest("li")?.id || "" : null;
});

document.body.addEventListener("htmx:afterSettle", () => {
  if (focusedItem === null) return;
  const item = focusedItem && document.getElementById(focusedItem);
  focusedItem = null;
  const target = item?.querySelector("button") || document.getElementById("inbox-list");
  target?.focus();
});
