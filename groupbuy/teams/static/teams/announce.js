// What a screen reader hears when the team changes while its page is open: the
// places left while it fills, then its outcome. Sighted people see the page
// change; the polite live region #team-announce (rendered empty with the page,
// so assistive technology watches it from the start) says the same, once.

// The outcome each final state shows (the page carries them hidden, in its language).
export const OUTCOMES = { complete: "team-completed", closed: "team-closed" };

// "1 place left" / "2 places left": the page carries both forms in its language,
// and what a full team waiting for a member's payment says.
export function slotsText(el, left, members = []) {
  // The reader whose own place is unpaid is the member the team waits for.
  const me = el.ownerDocument?.getElementById("team-members")?.dataset.me;
  const mine = me && members.some((m) => m.key === me && !m.paid);
  if (left === 0 && mine && el.dataset.fullMine) return el.dataset.fullMine;
  if (left === 0 && el.dataset.full) return el.dataset.full;
  const lang = el.ownerDocument?.documentElement?.lang || "en";
  const rule = new Intl.PluralRules(lang).select(left);
  const template = rule === "one" ? el.dataset.one : el.dataset.other;
  return (template || "__N__").replace("__N__", `${left}`);
}

// The sentence a "team.update" push brings, or "" when the page would not
// change (a member's payment confirmed, the same places left). Read before the
// page is updated: it compares with what the page shows.
export function teamChangeText(doc, event) {
  if (event.state !== "open") {
    if (doc.getElementById("team")?.dataset.state === event.state) return "";
    const outcome = doc.getElementById(OUTCOMES[event.state] || "team-refunded");
    return outcome ? outcome.textContent.trim() : "";
  }
  const slots = doc.getElementById("team-slots");
  if (!slots) return "";
  const text = slotsText(slots, event.slots_left, event.members);
  return text === slots.textContent.trim() ? "" : text;
}

export function announceTeamChange(doc, event) {
  const region = doc.getElementById("team-announce");
  const text = teamChangeText(doc, event);
  if (region && text) region.textContent = text;
}
