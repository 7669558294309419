// A demand page's photos leaving it while it is open:
// `node --test groupbuy/demands/tests/js/photos.test.mjs`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { removePhoto, renumberPhotos } from "../../static/demands/photos.js";

const TEMPLATE = "Photo __N__ of what is wanted";

// #demand-photos as the page renders it: a figure per photo, each its image.
function page(photoIds, { altTemplate = TEMPLATE } = {}) {
  const doc = { row: null };
  const row = {
    dataset: altTemplate === null ? {} : { altTemplate },
    figures: [],
    querySelectorAll: (selector) => {
      assert.equal(selector, "[data-photo-id]");
      return row.figures;
    },
    remove: () => {
      doc.row = null;
    },
  };
  row.figures = photoIds.map((photoId, index) => {
    const image = { alt: TEMPLATE.replace("__N__", `${index + 1}`) };
    const figure = {
      dataset: { photoId },
      image,
      querySelector: (selector) => (selector === "img" ? image : null),
      remove: () => {
        row.figures = row.figures.filter((each) => each !== figure);
      },
    };
    return figure;
  });
  doc.row = row;
  doc.getElementById = (id) => (id === "demand-photos" ? doc.row : null);
  return doc;
}

const shown = (doc) => doc.row.figures.map((figure) => [figure.dataset.photoId, figure.image.alt]);

test("the photos after one that leaves are numbered again", () => {
  // given three photos
  const doc = page(["dph_1", "dph_2", "dph_3"]);
  // when the first leaves
  assert.equal(removePhoto(doc, "dph_1"), true);
  // then the others count from 1 again
  assert.deepEqual(shown(doc), [
    ["dph_2", "Photo 1 of what is wanted"],
    ["dph_3", "Photo 2 of what is wanted"],
  ]);
});

test("the last photo takes the photos' row with it", () => {
  const doc = page(["dph_1"]);
  assert.equal(removePhoto(doc, "dph_1"), true);
  assert.equal(doc.getElementById("demand-photos"), null);
});

test("a photo the page does not show changes nothing", () => {
  // given a photo already gone (its event came twice), or a page with no photos
  const doc = page(["dph_1", "dph_2"]);
  const none = page([]);
  none.row = null;
  // when
  assert.equal(removePhoto(doc, "dph_9"), false);
  assert.equal(removePhoto(none, "dph_1"), false);
  // then
  assert.deepEqual(shown(doc), [
    ["dph_1", "Photo 1 of what is wanted"],
    ["dph_2", "Photo 2 of what is wanted"],
  ]);
});

test("the words are the page's, in its language", () => {
  const doc = page(["dph_1", "dph_2", "dph_3"], { altTemplate: "所需商品照片 __N__" });
  removePhoto(doc, "dph_2");
  assert.deepEqual(shown(doc), [
    ["dph_1", "所需商品照片 1"],
    ["dph_3", "所需商品照片 2"],
  ]);
});

test("a page without the words leaves the alt texts as they are", () => {
  const doc = page(["dph_1", "dph_2"], { altTemplate: null });
  renumberPhotos(doc.row);
  removePhoto(doc, "dph_1");
  assert.deepEqual(shown(doc), [["dph_2", "Photo 2 of what is wanted"]]);
});
