// data-module="product-photos": a product's photos on the merchant console's
// product page (web/merchant/product_form.html), whose buttons swap the whole
// photo list by htmx.
//
// htmx gives the focus back to the pressed button when the new list has one of
// the same id (Use for recognition, a move). Remove and Make main photo take
// theirs away, and the keyboard's focus fell to the start of the page: a
// keyboard or screen-reader user had to find the photos again. It now goes to
// the same photo's first control (the main photo has no Make main button), or,
// the photo removed, to the first control of the photo that followed it, of the
// one before it when it was the last, or to the Photos heading when none is
// left. What happened is said by the status above the list
// (#product-photos-said, role="status": polite), which the answer fills.
//
// <section data-module="product-photos" data-photo-list="product-photo-list"
//   data-heading="product-photos-title">

const CONTROLS = "button:not([disabled]), summary";

/** Where the focus was in the photo list before a swap: the photo's id and
 * its neighbours', or null when the focus was elsewhere. */
export function focusBefore(list, focused) {
  const photo = list?.contains(focused) ? focused.closest("li[id]") : null;
  if (!photo) return null;
  return {
    photo: photo.id,
    next: photo.nextElementSibling?.id || "",
    previous: photo.previousElementSibling?.id || "",
  };
}

/** The element to focus after the swap: the first control of the same photo,
 * else of the next one, else of the previous one, else the heading. */
export function focusAfter(before, page, heading) {
  for (const id of [before.photo, before.next, before.previous]) {
    const control = id && page.getElementById(id)?.querySelector(CONTROLS);
    if (control) return control;
  }
  return heading;
}

export function init(section) {
  const listId = section.dataset.photoList;
  let before = null;
  section.addEventListener("htmx:beforeSwap", (event) => {
    const list = document.getElementById(listId);
    if (event.detail.target !== list) return;
    before = focusBefore(list, document.activeElement);
  });
  section.addEventListener("htmx:afterSettle", () => {
    const remembered = before;
    before = null;
    if (!remembered) return;
    // htmx has already put it back on a button of the same id
    if (document.getElementById(listId)?.contains(document.activeElement)) return;
    const heading = document.getElementById(section.dataset.heading);
    focusAfter(remembered, document, heading)?.focus();
  });
}
