// "Read aloud" on a snap's answer: `node --test groupbuy/snap/tests/js`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { canSpeak, enableReadAloud, speechLanguage } from "../../static/snap/speak.js";

test("the page language picks the voice's language", () => {
  assert.equal(speechLanguage("zh-Hans"), "zh-CN");
  assert.equal(speechLanguage("zh-hans"), "zh-CN");
  assert.equal(speechLanguage("en"), "en-US");
  assert.equal(speechLanguage(""), "en-US");
});

function fakeView({ speaks }) {
  const spoken = [];
  const button = {
    hidden: true,
    dataset: { speak: "可口可乐汽水" },
    listeners: {},
    addEventListener(type, listener) {
      this.listeners[type] = listener;
    },
  };
  const view = {
    document: { documentElement: { lang: "zh-Hans" } },
    ...(speaks && {
      SpeechSynthesisUtterance: class {
        constructor(text) {
          this.text = text;
        }
      },
      speechSynthesis: {
        cancel() {
          spoken.push("cancel");
        },
        speak(utterance) {
          spoken.push({ text: utterance.text, lang: utterance.lang });
        },
      },
    }),
  };
  const container = { querySelectorAll: () => [button] };
  return { view, container, button, spoken };
}

test("where the browser can speak, the button shows and says the name", () => {
  const { view, container, button, spoken } = fakeView({ speaks: true });
  enableReadAloud(container, view);
  assert.equal(button.hidden, false);
  button.listeners.click();
  assert.deepEqual(spoken, ["cancel", { text: "可口可乐汽水", lang: "zh-CN" }]);
});

test("without speech synthesis the button stays hidden", () => {
  const { view, container, button } = fakeView({ speaks: false });
  assert.equal(canSpeak(view), false);
  enableReadAloud(container, view);
  assert.equal(button.hidden, true);
});
