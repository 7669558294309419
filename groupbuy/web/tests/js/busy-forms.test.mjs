import assert from "node:assert/strict";
import { test } from "node:test";

import { isPostSubmit } from "../../static/web/js/busy-forms.js";

function element(attributes = {}, dataset = {}) {
  return { getAttribute: (name) => attributes[name] ?? null, dataset };
}

test("a POST form sent in its own window is made busy", () => {
  assert.equal(isPostSubmit(element({ method: "post" }), null), true);
  assert.equal(isPostSubmit(element({ method: "POST", target: "_self" }), null), true);
});

test("a GET form, another window's or one that opts out is left alone", () => {
  assert.equal(isPostSubmit(element({}), null), false);
  assert.equal(isPostSubmit(element({ method: "get" }), null), false);
  assert.equal(isPostSubmit(element({ method: "post", target: "_blank" }), null), false);
  assert.equal(isPostSubmit(element({ method: "post" }, { busy: "off" }), null), false);
});

test("the button tapped may change the method or the window", () => {
  const form = element({ method: "get" });
  assert.equal(isPostSubmit(form, element({ formmethod: "post" })), true);
  const posting = element({ method: "post" });
  assert.equal(isPostSubmit(posting, element({ formtarget: "_blank" })), false);
});
