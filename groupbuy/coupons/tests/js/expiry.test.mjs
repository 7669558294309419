// When the coupon page asks for itself again: `node --test groupbuy/coupons/tests/js`.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  EXPIRY_SLACK_MS,
  LONGEST_WAIT_MS,
  expiryRefreshDelay,
} from "../../static/coupons/expiry.js";

test("a valid coupon is asked for again a second past its expiry", () => {
  assert.equal(expiryRefreshDelay("5000"), 5000 + EXPIRY_SLACK_MS);
  assert.equal(expiryRefreshDelay("0"), EXPIRY_SLACK_MS);
});

test("a coupon further off than a timer can wait is asked for at the longest wait", () => {
  const ninetyDaysMs = 90 * 24 * 3600 * 1000;
  assert.equal(expiryRefreshDelay(String(ninetyDaysMs)), LONGEST_WAIT_MS);
});

test("a sheet without a time left, or with one past or unreadable, sets no timer", () => {
  for (const given of [undefined, null, "", "-1", "soon"]) {
    assert.equal(expiryRefreshDelay(given), null, `for ${given}`);
  }
});
