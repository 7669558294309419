// What the team page's live region says as the team fills and completes:
// `node --test groupbuy/teams/tests/js/announce.test.mjs`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { announceTeamChange, slotsText } from "../../static/teams/announce.js";

// Just enough of the team page: elements by id, with text and data attributes.
function teamPage({ state = "open", slots = "2 places left" } = {}) {
  const elements = {
    team: { dataset: { state } },
    "team-slots": {
      textContent: slots,
      dataset: {
        one: "__N__ place left",
        other: "__N__ places left",
        full: "This team is full, waiting for a member to pay.",
      },
    },
    "team-completed": { textContent: " This team is complete. ", dataset: {} },
    "team-refunded": { textContent: "This team did not fill.", dataset: {} },
    "team-closed": { textContent: "This team is closed.", dataset: {} },
    "team-announce": { textContent: "", dataset: {} },
  };
  return { getElementById: (id) => elements[id] ?? null, elements };
}

// A push: said first, then drawn on the page as teams.js draws it.
function pushed(page, event) {
  announceTeamChange(page, event);
  page.elements.team.dataset.state = event.state;
  const slots = page.elements["team-slots"];
  if (event.state === "open") slots.textContent = slotsText(slots, event.slots_left);
  return page.elements["team-announce"].textContent;
}

test("a member joining says the places left, then completing says so", () => {
  // given an open team of three with two places left
  const page = teamPage();
  // when a friend joins, then the last one
  const afterJoin = pushed(page, { type: "team.update", state: "open", slots_left: 1 });
  const afterFull = pushed(page, { type: "team.update", state: "open", slots_left: 0 });
  const afterPaid = pushed(page, { type: "team.update", state: "complete", slots_left: 0 });
  // then the region says each change in the page's words
  assert.equal(afterJoin, "1 place left");
  assert.equal(afterFull, "This team is full, waiting for a member to pay.");
  assert.equal(afterPaid, "This team is complete.");
});

test("a push that changes nothing the page shows says nothing", () => {
  // given an open team with two places left, nothing said yet
  const page = teamPage();
  // when a member's payment is confirmed (same places left)
  announceTeamChange(page, { type: "team.update", state: "open", slots_left: 2 });
  // then the region stays silent
  assert.equal(page.elements["team-announce"].textContent, "");
});

test("an expired team says it did not fill, once", () => {
  const page = teamPage();
  const expired = { type: "team.update", state: "expired", slots_left: 1 };
  assert.equal(pushed(page, expired), "This team did not fill.");
  page.elements["team-announce"].textContent = "";
  assert.equal(pushed(page, expired), "");
});
