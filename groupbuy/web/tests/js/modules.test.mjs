import assert from "node:assert/strict";
import { test } from "node:test";

import { startModules } from "../../static/web/js/modules.js";

function page(...names) {
  const elements = names.map((name) => ({ dataset: { module: name }, name }));
  return { elements, querySelectorAll: () => elements };
}

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

function moduleLog(started) {
  return { init: (element) => started.push(element.name) };
}

test("every module of the page is asked for before any has arrived", async () => {
  // given a page with three modules on a slow network (none arrives yet)
  const root = page("countdown", "deal-live", "stepper");
  const asked = [];
  const arrivals = {};
  const load = (name) => {
    asked.push(name);
    arrivals[name] = deferred();
    return arrivals[name].promise;
  };
  // when the page starts its modules
  const starting = startModules(root, load);
  // then all three are on their way at once, not one round trip each
  assert.deepEqual(asked, ["countdown", "deal-live", "stepper"]);
  const started = [];
  for (const name of asked) arrivals[name].resolve(moduleLog(started));
  await starting;
  assert.deepEqual(started, ["countdown", "deal-live", "stepper"]);
});

test("modules start in the page's order whichever arrives first", async () => {
  const root = page("countdown", "deal-live");
  const arrivals = { countdown: deferred(), "deal-live": deferred() };
  const started = [];
  const starting = startModules(root, (name) => arrivals[name].promise);
  arrivals["deal-live"].resolve(moduleLog(started));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(started, []);
  arrivals.countdown.resolve(moduleLog(started));
  await starting;
  assert.deepEqual(started, ["countdown", "deal-live"]);
});

test("a module that fails to load or start leaves the others running", async (t) => {
  t.mock.method(console, "error", () => {});
  const root = page("missing", "broken", "stepper");
  const started = [];
  const modules = {
    missing: Promise.reject(new Error("404")),
    broken: Promise.resolve({ init: () => { throw new Error("bug"); } }),
    stepper: Promise.resolve(moduleLog(started)),
  };
  await startModules(root, (name) => modules[name]);
  assert.deepEqual(started, ["stepper"]);
  assert.equal(console.error.mock.callCount(), 2);
});

test("a module is started once, and a name that is no module's is not loaded", async () => {
  const root = page("stepper", "../evil");
  const asked = [];
  const load = (name) => {
    asked.push(name);
    return Promise.resolve({ init() {} });
  };
  await startModules(root, load);
  await startModules(root, load);
  assert.deepEqual(asked, ["stepper"]);
});
