// "Report a cart": choosing what it is (a purchase made, a planned one) moves
// the From / Until fields to that kind's default window (the hour just past, or
// two hours from the next quarter hour), unless the shopper has changed either.
// Each window field carries every kind's default as data-default-<kind>. Without
// JavaScript the fields keep the purchase's window, and a planned purchase over
// already is refused.
const form = document.getElementById("cart-report-form");
const windowFields = ["id_window_start_at", "id_window_end_at"]
  .map((id) => document.getElementById(id))
  .filter(Boolean);

function defaultOf(input, kind) {
  return input.getAttribute(`data-default-${kind}`);
}

let shownKind = form?.querySelector('input[name="kind"]:checked')?.value;

form?.addEventListener("change", (change) => {
  if (change.target.name !== "kind") return;
  const kind = change.target.value;
  const untouched = windowFields.every(
    (input) => input.value === defaultOf(input, shownKind),
  );
  if (untouched && windowFields.every((input) => defaultOf(input, kind) !== null)) {
    for (const input of windowFields) input.value = defaultOf(input, kind);
  }
  shownKind = kind;
});
