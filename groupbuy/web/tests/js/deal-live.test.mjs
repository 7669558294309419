// The deal page's join form at the countdown's end, and when the deadline moves
// later: `node --test groupbuy/web/tests/js/deal-live.test.mjs`.
import assert from "node:assert/strict";
import { register } from "node:module";
import { test } from "node:test";

// The page's scripts import each other as the browser finds them under /static/
// (deal-live.js: ../../clock/countdown.js); in the source tree each app's are
// under groupbuy/<app>/static/<app>/.
const resolver = `
export async function resolve(specifier, context, next) {
  const url = context.parentURL && new URL(specifier, context.parentURL);
  const found = url?.pathname.match(/^(.*\\/groupbuy\\/)\\w+\\/static\\/(\\w+)\\/(.*)$/);
  if (found && !url.pathname.includes(\`/\${found[2]}/static/\${found[2]}/\`)) {
    const path = \`\${found[1]}\${found[2]}/static/\${found[2]}/\${found[3]}\`;
    return next(new URL(path, url).href, context);
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(resolver)}`);

// Just enough of a page: elements with data attributes, found by [data-…] or tag.
class Element extends EventTarget {
  constructor(tag, { id = "", dataset = {}, hidden = false, disabled = false } = {}) {
    super();
    Object.assign(this, { tagName: tag, id, dataset, hidden, disabled });
    this.children = [];
    this.isConnected = true;
    this.classList = { toggle() {} };
  }

  append(...children) {
    this.children.push(...children);
  }

  // (a page replaced: its countdowns are drawn no more)
  replaceChildren(...children) {
    for (const child of this.children) child.isConnected = false;
    this.children = children;
  }

  setAttribute() {}

  hasAttribute() {
    return false;
  }

  removeAttribute() {}

  matches(selector) {
    if (selector === "*") return true;
    return selector.split(",").some((one) => {
      const name = one.trim().match(/^\[data-([\w-]+)\]$/)?.[1];
      if (!name) return one.trim() === this.tagName;
      const key = name.replace(/-(\w)/g, (_, letter) => letter.toUpperCase());
      return key in this.dataset;
    });
  }

  querySelectorAll(selector) {
    return this.children.flatMap((child) => [
      ...(child.matches(selector) ? [child] : []),
      ...child.querySelectorAll(selector),
    ]);
  }

  querySelector(selector) {
    return this.querySelectorAll(selector)[0] ?? null;
  }
}

const body = new Element("body");
globalThis.document = {
  createElement: (tag) => new Element(tag),
  getElementById: (id) => body.querySelectorAll("*").find((e) => e.id === id) ?? null,
  querySelectorAll: (selector) => body.querySelectorAll(selector),
};
// No WebSocket: neither the clock nor the deal's socket connects. Timers never
// fire: each step below draws the countdown itself.
globalThis.window = {
  addEventListener() {},
  setTimeout: () => 0,
  clearTimeout() {},
  requestAnimationFrame: () => 0,
  cancelAnimationFrame() {},
};

const countdown = await import("../../../clock/static/clock/countdown.js");
const dealLive = await import("../../static/web/js/deal-live.js");

function dealPage(deadlineMs) {
  const clock = new Element("span", {
    id: "deal-countdown",
    dataset: { module: "countdown", live: "countdown", deadlineMs: String(deadlineMs) },
  });
  const join = new Element("button", { id: "join" });
  const quantity = new Element("input", { id: "quantity" });
  const soldOut = new Element("button", { id: "sold-out", disabled: true });
  const form = new Element("section", { dataset: { joinUntilDeadline: "" } });
  form.append(quantity, join, soldOut);
  const ended = new Element("p", { dataset: { joinEnded: "" }, hidden: true });
  const live = new Element("div", { dataset: { dealId: "deal_1", state: "open" } });
  body.replaceChildren(clock, ended, form, live);
  dealLive.init(live);
  countdown.init(clock);
  return { clock, join, quantity, soldOut, form, ended };
}

test("the join form goes at the deadline and comes back when it moves later", () => {
  // given a deal page whose countdown has just reached zero
  const page = dealPage(Date.now() - 1000);
  assert.equal(page.form.hidden, true);
  assert.deepEqual([page.join.disabled, page.quantity.disabled], [true, true]);
  assert.equal(page.ended.hidden, false);
  // when the server pushes a later deadline (the merchant extended the deal)
  const outcome = countdown.applyDeadline(page.clock, { deadlineMs: Date.now() + 60_000 });
  // then the form is offered again, its controls live, the closed note gone;
  // a control the server rendered disabled stays so
  assert.equal(outcome, "applied");
  assert.equal(page.form.hidden, false);
  assert.deepEqual([page.join.disabled, page.quantity.disabled], [false, false]);
  assert.equal(page.soldOut.disabled, true);
  assert.equal(page.ended.hidden, true);
});

test("a deadline moved but still past leaves the join form hidden", () => {
  const page = dealPage(Date.now() - 5000);
  countdown.applyDeadline(page.clock, { deadlineMs: Date.now() - 1000 });
  assert.equal(page.form.hidden, true);
  assert.equal(page.join.disabled, true);
  assert.equal(page.ended.hidden, false);
});

test("the form goes again when the later deadline comes", () => {
  // given a page whose deadline was extended after it ended
  const page = dealPage(Date.now() - 1000);
  countdown.applyDeadline(page.clock, { deadlineMs: Date.now() + 60_000 });
  assert.equal(page.form.hidden, false);
  // when the new deadline is reached (pushed again: a deal closed early)
  countdown.applyDeadline(page.clock, { deadlineMs: Date.now() - 1 });
  // then the form goes again
  assert.equal(page.form.hidden, true);
  assert.equal(page.ended.hidden, false);
});

test("a deal whose every unit is taken asks its buyers to pay, not one more to join", () => {
  const tier = { min_participants: 1, price_fen: 950 };
  const waiting = { current_tier: null, next_tier: tier, participants_to_next_tier: 1 };
  assert.equal(
    dealLive.nextTierText({ ...waiting, units_sold: 5, stock: 5 }),
    "Every unit is taken: 1 more buyer must pay for this group buy to go ahead.",
  );
  assert.equal(
    dealLive.nextTierText({ ...waiting, units_sold: 3, stock: 5 }),
    "1 more buyer is needed for this group buy to go ahead.",
  );
});

test("each tier says in words whether it is reached or next, not by colour alone", () => {
  // given a deal page's tiers of 2 and 4 buyers, none reached yet
  const tiers = [2, 4].map((minimum) => {
    const tier = new Element("li", { dataset: { tierMin: String(minimum) } });
    tier.append(
      new Element("span", { dataset: { tierReached: "" }, hidden: true }),
      new Element("span", { dataset: { tierNext: "" }, hidden: minimum !== 2 }),
    );
    return tier;
  });
  body.replaceChildren(...tiers);
  const said = () =>
    tiers.map((tier) => [
      !tier.querySelector("[data-tier-reached]").hidden,
      !tier.querySelector("[data-tier-next]").hidden,
    ]);
  // when a third buyer pays: the first tier is reached, the second is next
  dealLive.showTierStates(document, {
    participants: 3,
    next_tier: { min_participants: 4, price_fen: 800 },
  });
  // then the first says "Reached" only, the second "Next" only
  assert.deepEqual(said(), [
    [true, false],
    [false, true],
  ]);
  // and when the fourth pays, both are reached and none is next
  dealLive.showTierStates(document, { participants: 4, next_tier: null });
  assert.deepEqual(said(), [
    [true, false],
    [true, false],
  ]);
});
