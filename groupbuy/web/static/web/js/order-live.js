// data-module="order-live": the order page follows its payment as it happens.
//
// <section id="order-status" data-module="order-live" data-order-id="ord_…"
//          hx-get="…/status/" hx-trigger="order-changed" hx-swap="outerHTML">
//
// notify/live.js re-announces every event of the person's socket (ws/me/) on
// document.body as "realtime-user"; escrow pushes "escrow.intent.updated" for
// each change of a payment, with the order as its reference. On one for this
// order the status fragment is fetched again (htmx), so "awaiting payment"
// turns into "paid" (or "declined, try again") without a reload.
export function init(element) {
  const orderId = element.dataset.orderId;
  if (!orderId) return;
  const onEvent = (event) => {
    const detail = event.detail || {};
    if (detail.type !== "escrow.intent.updated" || detail.reference !== orderId) return;
    const current = document.getElementById(element.id) || element;
    if (window.htmx) window.htmx.trigger(current, "order-changed");
    else window.location.reload();
  };
  document.body.addEventListener("realtime-user", onEvent);
  // The fragment replaces this element; its own module start listens anew.
  document.body.addEventListener("htmx:beforeSwap", (swap) => {
    if (swap.detail.target === element) {
      document.body.removeEventListener("realtime-user", onEvent);
    }
  });
}
