// The deal page's open-team list refreshing:
// `node --test groupbuy/teams/tests/js/open-teams.test.mjs`.
import assert from "node:assert/strict";
import { mock, test } from "node:test";

import { REFRESH_DELAY_MS, openTeamsRefresher } from "../../static/teams/open-teams.js";

mock.timers.enable({ apis: ["setTimeout"] });

async function settle() {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

function page({ answers }) {
  const seen = { loads: 0, shown: [], stale: [] };
  let leaving = false;
  const refresher = openTeamsRefresher({
    async load() {
      seen.loads += 1;
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer;
    },
    show: (list) => seen.shown.push(list),
    stale: (isStale) => seen.stale.push(isStale),
    isLeaving: () => leaving,
  });
  return { refresher, seen, leave: () => (leaving = true) };
}

test("changes close together make one refresh", async () => {
  const { refresher, seen } = page({ answers: ["list 1"] });
  refresher.changed();
  refresher.changed();
  mock.timers.tick(REFRESH_DELAY_MS);
  await settle();
  assert.equal(seen.loads, 1);
  assert.deepEqual(seen.shown, ["list 1"]);
  assert.deepEqual(seen.stale, []);
});

test("offline, the refresh says the list is old and tries again once online", async () => {
  // given a refresh that fails: the network is gone
  const { refresher, seen } = page({
    answers: [new TypeError("Failed to fetch"), "list 2"],
  });
  refresher.changed();
  mock.timers.tick(REFRESH_DELAY_MS);
  await settle();
  // then it is said, and nothing was put in place (nothing thrown either)
  assert.deepEqual(seen.stale, [true]);
  assert.deepEqual(seen.shown, []);
  // when the browser is back online
  await refresher.online();
  // then the list is fetched again, shown, and said to be current
  assert.equal(seen.loads, 2);
  assert.deepEqual(seen.shown, ["list 2"]);
  assert.deepEqual(seen.stale, [true, false]);
  // and being online again later fetches nothing more
  await refresher.online();
  assert.equal(seen.loads, 2);
});

test("nothing is refreshed while the shopper is leaving the page", async () => {
  const { refresher, seen, leave } = page({ answers: ["list"] });
  leave();
  refresher.changed();
  mock.timers.tick(REFRESH_DELAY_MS);
  await settle();
  assert.equal(seen.loads, 0);
});
