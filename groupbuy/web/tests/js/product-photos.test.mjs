// Where the focus goes after a product photo's button swapped the photo list:
// `node --test groupbuy/web/tests/js/product-photos.test.mjs`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { focusAfter, focusBefore } from "../../static/web/js/product-photos.js";

// A photo (<li id="…">) with its first control, which knows its photo.
function photo(id) {
  const item = { id, querySelector: () => item.control };
  item.control = { id: `button-${id}`, closest: () => item };
  return item;
}

// The photo list (its photos side by side) and the page around it.
function listOf(...photos) {
  photos.forEach((item, index) => {
    item.previousElementSibling = photos[index - 1] || null;
    item.nextElementSibling = photos[index + 1] || null;
  });
  return { contains: (element) => photos.some((item) => item.control === element) };
}

function pageWith(...photos) {
  const byId = new Map(photos.map((item) => [item.id, item]));
  return { getElementById: (id) => byId.get(id) || null };
}

test("the focus on a photo's button is remembered with its neighbours", () => {
  const [a, b, c] = [photo("a"), photo("b"), photo("c")];
  const list = listOf(a, b, c);
  assert.deepEqual(focusBefore(list, b.control), { photo: "b", next: "c", previous: "a" });
});

test("the focus elsewhere on the page is left alone", () => {
  const list = listOf(photo("a"));
  assert.equal(focusBefore(list, { id: "product-submit" }), null);
  assert.equal(focusBefore(null, { id: "product-submit" }), null);
});

test("a photo still listed (made main) keeps the focus, on its first control", () => {
  const b = photo("b");
  const target = focusAfter({ photo: "b", next: "c", previous: "a" }, pageWith(b), {});
  assert.equal(target, b.control);
});

test("a removed photo's focus goes to the next photo, else the one before", () => {
  const [a, c] = [photo("a"), photo("c")];
  const removed = { photo: "b", next: "c", previous: "a" };
  assert.equal(focusAfter(removed, pageWith(a, c), {}), c.control);
  const last = { photo: "c", next: "", previous: "b" };
  const b = photo("b");
  assert.equal(focusAfter(last, pageWith(a, b), {}), b.control);
});

test("with no photo left the heading takes the focus", () => {
  const heading = { id: "product-photos-title" };
  const target = focusAfter({ photo: "a", next: "", previous: "" }, pageWith(), heading);
  assert.equal(target, heading);
});
