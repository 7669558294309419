// Show only the fields the chosen kind of promotion uses. A spend-and-save
// promotion pools the cart's amount; buy-n-pay-m and second-item ones pool a
// product's price and how many. With every field shown, a shopper who typed
// their cart's amount under "buy 3 pay 2" was told to pick a product and price.
// The fields a kind does not use are hidden and disabled, so they are not sent
// (the server ignores them anyway). Without JavaScript every field shows, each
// label saying which kind it is for.
const FORMS = [
  {
    form: "pool-request-form",
    select: "id_promotion",
    fields: {
      threshold: ["amount"],
      n_for_m: ["unit_price", "quantity"],
      second_item: ["unit_price", "quantity"],
    },
  },
  {
    form: "promotion-form",
    select: "id_kind",
    fields: {
      threshold: ["tiers"],
      n_for_m: ["buy_n", "pay_m"],
      second_item: ["second_item_percent"],
    },
  },
];

// The request form's choices are promotions; their kinds are on the list above
// the form (data-promotion, data-kind). The merchant's form chooses the kind.
function kindOf(select) {
  const promotion = document.querySelector(
    `[data-promotion="${CSS.escape(select.value)}"]`,
  );
  return promotion ? promotion.dataset.kind : select.value;
}

function show(fields, select) {
  const used = new Set(fields[kindOf(select)] ?? Object.values(fields).flat());
  for (const name of new Set(Object.values(fields).flat())) {
    const wrapper = document.getElementById(`field-${name}`);
    if (!wrapper) continue;
    wrapper.hidden = !used.has(name);
    for (const input of wrapper.querySelectorAll("input, select, textarea")) {
      input.disabled = wrapper.hidden;
    }
  }
}

for (const { form, select, fields } of FORMS) {
  const chooser = document.getElementById(form)?.querySelector(`#${select}`);
  if (!chooser) continue;
  chooser.addEventListener("change", () => show(fields, chooser));
  show(fields, chooser);
}
