// The offer form's product list holds every product the shop lists or added,
// hundreds in a real shop. A search box above it narrows the list to the
// products whose name holds what is typed (any case, full-width forms folded).
// It never chooses for the merchant: a chosen product stays chosen, and with
// one match left the merchant still picks it. Without JavaScript the box stays
// hidden and the whole list shows.
const select = document.getElementById("id_product");
const box = document.getElementById("offer-product-filter");
const search = document.getElementById("offer-product-search");

const fold = (text) => text.normalize("NFKC").toLowerCase().trim();

if (select && box && search) {
  search.hidden = false;
  const counter = document.getElementById("offer-product-count");
  const options = [...select.options].filter((option) => option.value);
  box.addEventListener("input", () => {
    const wanted = fold(box.value);
    let shown = 0;
    for (const option of options) {
      const match = !wanted || fold(option.text).includes(wanted);
      // (the chosen product stays listed: a select showing a hidden choice reads wrong)
      option.hidden = !match && !option.selected;
      if (match) shown += 1;
    }
    if (counter) {
      counter.textContent = wanted ? counter.dataset.template.replace("__N__", shown) : "";
    }
  });
}
