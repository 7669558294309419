// The deal form: choosing a product fills in its everyday (listing) price as the
// list price (a team deal's solo price: data-price-field), unless the merchant
// has typed a different one since.
// The prices come from a JSON script the page embeds: {productId: "12.50"}.

export function init(form) {
  const source = document.getElementById(form.dataset.prices);
  const product = form.querySelector("select[name='product']");
  const field = form.dataset.priceField || "list_price_fen";
  const price = form.querySelector(`input[name='${field}']`);
  if (!source || !product || !price) return;
  const prices = JSON.parse(source.textContent);
  // What we filled in last; a value that differs was typed by the merchant.
  let filled = price.value;
  const prefill = () => {
    const listed = prices[product.value];
    if (listed === undefined) return;
    if (price.value === "" || price.value === filled) {
      price.value = listed;
      filled = listed;
      price.dispatchEvent(new Event("input", { bubbles: true }));
    }
  };
  product.addEventListener("change", prefill);
  if (price.value === "") prefill();
  form.dataset.prefillReady = "1";
}
