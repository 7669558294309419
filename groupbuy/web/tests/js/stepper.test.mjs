import assert from "node:assert/strict";
import { test } from "node:test";

import { clamp } from "../../static/web/js/stepper.js";

test("a step stays within the input's min and max", () => {
  assert.equal(clamp(0, { min: 1, max: 3 }), 1);
  assert.equal(clamp(4, { min: 1, max: 3 }), 3);
  assert.equal(clamp(2, { min: 1, max: 3 }), 2);
});

test("a typed fraction or nonsense becomes a whole number in range", () => {
  assert.equal(clamp("2.7", { min: 1, max: 5 }), 2);
  assert.equal(clamp("abc", { min: 1, max: 5 }), 1);
  assert.equal(clamp(99, { min: 1, max: Infinity }), 99);
});
