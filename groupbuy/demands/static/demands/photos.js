// A demand page's photos while it is open. A photo an operator hid or its
// initiator removed leaves the page, and the photos' row with the last one;
// the others are numbered again in their alt texts ("Photo 1 of what is
// wanted"), so a screen reader does not count from 2 or skip one. The page
// carries the words in its language, "__N__" where the number goes
// (#demand-photos's data-alt-template).

// Number the row's photos 1, 2, 3… in the order they stand.
export function renumberPhotos(row) {
  const template = row.dataset.altTemplate;
  if (!template) return;
  [...row.querySelectorAll("[data-photo-id]")].forEach((figure, index) => {
    const image = figure.querySelector("img");
    if (image) image.alt = template.replace("__N__", `${index + 1}`);
  });
}

// Take the photo off the page; say whether it was there.
export function removePhoto(doc, photoId) {
  const row = doc.getElementById("demand-photos");
  if (!row) return false;
  const figures = [...row.querySelectorAll("[data-photo-id]")];
  const figure = figures.find((each) => each.dataset.photoId === String(photoId));
  if (!figure) return false;
  if (figures.length === 1) {
    row.remove();
    return true;
  }
  figure.remove();
  renumberPhotos(row);
  return true;
}
