// The branch form's "Use my current location":
// `node --test groupbuy/web/tests/js/branch-location.test.mjs`.
import assert from "node:assert/strict";
import { test } from "node:test";

globalThis.window = {};
const { fieldValues, failureText } = await import(
  "../../static/web/js/branch-location.js"
);

test("a position fills the fields with the six decimals they keep", () => {
  const position = { coords: { latitude: 31.2304163, longitude: 121.47370149 } };
  assert.deepEqual(fieldValues(position), {
    latitude: "31.230416",
    longitude: "121.473701",
  });
});

test("a refusal says how to allow it, or to type the numbers", () => {
  assert.equal(
    failureText({ code: 1 }),
    "Location is turned off for this site: allow it in the browser's settings, " +
      "or type the coordinates in by hand.",
  );
});

test("a position not found says to try again or to type the numbers", () => {
  const text =
    "Your location could not be found: try again outdoors, or type the " +
    "coordinates in by hand.";
  assert.equal(failureText({ code: 2 }), text);
  assert.equal(failureText({ code: 3 }), text);
});
