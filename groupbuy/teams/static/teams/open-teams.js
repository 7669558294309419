// The deal page's open-team list, fetched again when a team of the deal
// changes (no DOM: teams.js wires it to the page; tested with
// `node --test groupbuy/teams/tests/js/open-teams.test.mjs`).
//
// Changes close together make one refresh (after REFRESH_DELAY_MS), none while
// the shopper is leaving the page. A refresh that fails (offline, the server
// unreachable or failing) is said, `stale(true)`, instead of throwing an
// uncaught rejection as it did until 2026-12-06, and is tried again when the
// browser is back online; the next that works says the list is current again.
//   load() resolves to the fresh list (or null: the page has none) or throws
//   show(list) puts it in place; stale(isStale) says whether the list is old
export const REFRESH_DELAY_MS = 300;

export function openTeamsRefresher({
  load,
  show,
  stale,
  isLeaving = () => false,
  timers = globalThis,
}) {
  let scheduled = false;
  let isStale = false;

  async function refresh() {
    if (isLeaving()) return;
    let fresh;
    try {
      fresh = await load();
    } catch {
      isStale = true;
      stale(true);
      return;
    }
    if (isLeaving()) return;
    if (fresh) show(fresh);
    if (isStale) {
      isStale = false;
      stale(false);
    }
  }

  return {
    // A team of the deal changed.
    changed() {
      if (scheduled || isLeaving()) return;
      scheduled = true;
      timers.setTimeout(() => {
        scheduled = false;
        refresh();
      }, REFRESH_DELAY_MS);
    },
    // The browser is back online: a list that could not be refreshed is now.
    online() {
      if (isStale && !scheduled) return refresh();
      return undefined;
    },
  };
}
