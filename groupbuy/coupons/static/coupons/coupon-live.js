// The coupon page follows its coupon as the cashier redeems it: a shopper
// holding the QR up at the till sees "Redeemed" (or how many units are left)
// without reloading.
//
// notify/live.js re-announces every event of the person's socket (ws/me/) on
// document.body as "realtime-user"; coupons pushes "coupons.coupon.updated" when
// a redemption is recorded (at a till, or in a station's uploaded batch) and when
// the coupon is revoked. On one for this coupon the page asks for itself again
// and replaces the coupon sheet, so the status, the units left, the code (gone
// once redeemed or revoked) and the redemptions are the server's, in the
// reader's language. It does so too on "realtime-user-joined" (the socket is in
// the person's group: on first load and after every reconnect, an event pushed
// before then never reached the page) and when the page is shown again (a phone
// woken up), as its socket may have missed one.
//
// Nothing is pushed when a coupon expires (the sweep marks it expired up to ten
// minutes later, while the till refuses it from its moment on), so the page also
// asks for itself again once the sheet's time left has passed (expiry.js) and
// then shows it Expired, its code gone.
import { expiryRefreshDelay } from "./expiry.js";

const sheet = document.getElementById("coupon");
const couponId = sheet?.dataset.couponId;
let expiryTimer = null;

// Wait for the expiry of the sheet now shown (each fresh sheet says anew).
function watchExpiry() {
  clearTimeout(expiryTimer);
  const shown = document.getElementById("coupon");
  const delay = expiryRefreshDelay(shown?.dataset.expiresInMs);
  if (delay !== null) expiryTimer = setTimeout(refresh, delay);
}

// Only the latest request's answer is shown: an earlier one answered later
// would put back a coupon as it was before.
let latestRequest = 0;

async function refresh() {
  const request = ++latestRequest;
  let response;
  try {
    response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
  } catch {
    return; // offline: the next event, or showing the page again, tries again
  }
  if (!response.ok) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  if (request !== latestRequest) return;
  const fresh = page.getElementById("coupon");
  const current = document.getElementById("coupon");
  if (fresh && current) current.replaceWith(document.adoptNode(fresh));
  watchExpiry();
}

if (couponId) {
  document.body.addEventListener("realtime-user", (event) => {
    const detail = event.detail || {};
    if (detail.type === "coupons.coupon.updated" && detail.coupon_id === couponId) {
      refresh();
    }
  });
  document.body.addEventListener("realtime-user-joined", () => refresh());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") refresh();
  });
  watchExpiry();
}
