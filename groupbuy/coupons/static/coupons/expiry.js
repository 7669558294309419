// When the coupon page asks for itself again to show its coupon expired. Pure,
// tested with `node --test groupbuy/coupons/tests/js`.
//
// The page gives the time left as the server counted it when it rendered the
// sheet (data-expires-in-ms, only on a valid coupon), so a phone's clock running
// fast or slow does not matter. The wait ends a second past the expiry (the
// server calls a coupon expired once its moment has passed, and the answer takes
// a moment to come back); setTimeout cannot wait longer than about 24.8 days, so
// a coupon further off asks then, and its fresh sheet sets the next wait.

export const EXPIRY_SLACK_MS = 1000;
export const LONGEST_WAIT_MS = 2 ** 31 - 1;

// The wait before asking again, in ms, for a sheet whose data-expires-in-ms is
// `expiresInMs` (a string, or undefined without one); null for none.
export function expiryRefreshDelay(expiresInMs) {
  if (expiresInMs === undefined || expiresInMs === null || expiresInMs === "") {
    return null;
  }
  const left = Number(expiresInMs);
  // Already past yet shown valid: asking again at once would ask forever.
  if (!Number.isFinite(left) || left < 0) return null;
  return Math.min(left + EXPIRY_SLACK_MS, LONGEST_WAIT_MS);
}
