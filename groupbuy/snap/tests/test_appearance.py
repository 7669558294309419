"""The appearance stage and the reference image index, on drawn products.

Each "product" is a label drawn from a seed (shapes and lettering); a "snap"
of it is that label perspective-warped, rotated, scaled, dimmed, blurred and
noised onto a cluttered background, the way a phone photo of a shelf looks.
"""

import threading

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from groupbuy.snap.recognition.appearance import AppearanceStage
from groupbuy.snap.recognition.base import Candidate, RecognitionContext, SnapImage
from groupbuy.snap.recognition.classifier import load_default_classifier
from groupbuy.snap.recognition.reference_index import ReferenceImageIndex

PRODUCT_SEEDS = range(8)
UNINDEXED_SEED = 42


def draw_product(seed: int, size=(300, 400)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    width, height = size
    image = Image.new("RGB", size, _colour(rng, low=90))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x0, y0 = int(rng.integers(0, width - 40)), int(rng.integers(0, height - 40))
        box = [x0, y0, x0 + int(rng.integers(20, 140)), y0 + int(rng.integers(20, 140))]
        if rng.integers(2):
            draw.rectangle(box, fill=_colour(rng))
        else:
            draw.ellipse(box, fill=_colour(rng))
    for line in range(7):
        font = ImageFont.load_default(size=int(rng.integers(20, 34)))
        word = "".join(
            chr(int(c)) for c in rng.integers(65, 91, int(rng.integers(4, 9)))
        )
        position = (int(rng.integers(5, width // 2)), 15 + line * 55)
        draw.text(position, word, fill=_colour(rng), font=font)
    return np.asarray(image)


def _colour(rng, low=0) -> tuple[int, int, int]:
    return tuple(int(v) for v in rng.integers(low, 256, 3))


def draw_clutter(seed: int, size=(800, 600)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    width, height = size
    image = Image.new("RGB", size, _colour(rng))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x0, y0 = int(rng.integers(-50, width)), int(rng.integers(-50, height))
        box = [x0, y0, x0 + int(rng.integers(30, 200)), y0 + int(rng.integers(30, 200))]
        draw.rectangle(box, fill=_colour(rng), outline=_colour(rng), width=3)
    return cv2.GaussianBlur(np.asarray(image), (0, 0), 1.5)


def photograph(product: np.ndarray, *, angle: float, scale: float, seed: int = 0):
    """Return a snap of ``product`` held at ``angle`` degrees on clutter."""
    rng = np.random.default_rng(seed)
    background = draw_clutter(seed + 1)
    height, width = product.shape[:2]
    back_height, back_width = background.shape[:2]
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    shown = (corners - [width / 2, height / 2]) * (scale * back_height / height)
    shown[:2, 0] *= 0.8  # the top edge is further away: a perspective view
    theta = np.deg2rad(angle)
    rotation = np.array(
        [[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]]
    )
    target = (shown @ rotation.T + [back_width / 2, back_height / 2]).astype(np.float32)
    homography = cv2.getPerspectiveTransform(corners, target)
    size = (back_width, back_height)
    warped = cv2.warpPerspective(product, homography, size)
    mask = cv2.warpPerspective(
        np.full((height, width), 255, np.uint8), homography, size
    )
    snap = np.where(mask[..., None] > 0, warped, background).astype(np.float32)
    snap = cv2.GaussianBlur(snap * 0.8 + 20, (0, 0), 0.8)
    snap += rng.normal(0, 5, snap.shape)
    return np.clip(snap, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def products():
    return {f"prd_{seed}": draw_product(seed) for seed in PRODUCT_SEEDS}


@pytest.fixture(scope="module")
def index(products):
    built = ReferenceImageIndex()
    for product_id, image in products.items():
        built.add(product_id, "snacks", image, key=f"ref-{product_id}")
    return built


@pytest.mark.parametrize(
    ("product_id", "angle", "scale"),
    [("prd_3", 20, 0.7), ("prd_5", -35, 0.5), ("prd_6", 170, 0.9)],
)
def test_snap_of_a_product_matches_it_confidently(
    products, index, product_id, angle, scale
):
    # given a snap of an indexed product, turned and scaled on clutter
    snap = photograph(products[product_id], angle=angle, scale=scale)

    # when
    matches = index.match(snap)

    # then it is the best match, almost surely, and no other product is likely
    assert matches[0].product_id == product_id
    assert matches[0].confidence >= 0.95
    assert matches[0].inliers >= 30
    assert matches[0].reference_key == f"ref-{product_id}"
    assert all(other.confidence < 0.2 for other in matches[1:])


def test_unrelated_snaps_yield_no_confident_product(index):
    # given a product that is not in the catalog, and plain clutter
    unknown = photograph(draw_product(UNINDEXED_SEED), angle=10, scale=0.7)
    clutter = draw_clutter(7)

    # when
    matches = index.match(unknown) + index.match(clutter)

    # then
    assert all(found.confidence < 0.5 for found in matches)


def test_sibling_products_sharing_a_logo_are_told_apart_only_by_the_rest():
    # given two products of one brand whose top halves (the logo) are identical
    first = draw_product(10)
    second = draw_product(11).copy()
    second[:200] = first[:200]
    index = ReferenceImageIndex()
    index.add("prd_first", "yoghurt", first)
    index.add("prd_second", "yoghurt", second)

    # when one is snapped whole, and the shared logo alone
    whole = index.match(photograph(second, angle=15, scale=0.7))
    logo = index.match(
        photograph(np.ascontiguousarray(first[:200]), angle=10, scale=0.5)
    )

    # then the whole package is recognised despite the rival's logo inliers,
    # and the logo alone is too ambiguous to name either
    assert whole[0].product_id == "prd_second"
    assert whole[0].confidence >= 0.95
    assert whole[0].rival_inliers >= 10
    assert whole[1].confidence == 0.0
    assert all(found.confidence < 0.5 for found in logo)
    assert min(found.inliers for found in logo) >= 30


def test_shortlist_finds_the_product_among_many_references(products):
    # given an index that verifies only the 2 best-ranked of 8 references
    index = ReferenceImageIndex(shortlist_size=2)
    for product_id, image in products.items():
        index.add(product_id, "snacks", image)

    # when
    matches = index.match(photograph(products["prd_2"], angle=-15, scale=0.6))

    # then
    assert matches[0].product_id == "prd_2"
    assert matches[0].confidence >= 0.95


def test_index_survives_a_round_trip_through_a_file(products, index, tmp_path):
    # given a saved index
    path = tmp_path / "references.npz"
    index.save(path)

    # when
    loaded = ReferenceImageIndex.load(path)

    # then it holds the same references and matches exactly as before
    snap = photograph(products["prd_4"], angle=25, scale=0.6)
    assert loaded.keys() == index.keys()
    assert loaded.product_ids == set(products)
    assert loaded.match(snap) == index.match(snap)
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_reference_added_later_makes_the_next_snap_recognised(products):
    # given an index without product prd_7, whose snap is therefore unknown
    index = ReferenceImageIndex()
    for product_id in ("prd_0", "prd_1"):
        index.add(product_id, "snacks", products[product_id])
    labelled_snap = photograph(products["prd_7"], angle=5, scale=0.8, seed=1)
    assert all(found.confidence < 0.5 for found in index.match(labelled_snap))

    # when an operator adds the labelled snap as a reference
    index.add("prd_7", "snacks", labelled_snap)

    # then the next snap of that product is recognised
    next_snap = photograph(products["prd_7"], angle=-20, scale=0.6, seed=2)
    assert index.match(next_snap)[0].product_id == "prd_7"
    assert index.match(next_snap)[0].confidence >= 0.8


def test_reference_can_be_replaced_and_removed(products):
    # given
    index = ReferenceImageIndex()
    index.add("prd_0", "snacks", products["prd_0"], key="front")
    index.add("prd_1", "snacks", products["prd_1"], key="other")

    # when the same key is added again, then removed by key and by product
    index.add("prd_0", "drinks", products["prd_0"], key="front")
    replaced = len(index)
    removed_key = index.remove("other")
    removed_again = index.remove("other")
    removed_products = index.remove_product("prd_0")

    # then
    assert (replaced, removed_key, removed_again, removed_products) == (
        2,
        True,
        False,
        1,
    )
    assert len(index) == 0
    assert index.match(products["prd_0"]) == []


class ExplodingIndex:
    def __len__(self):
        return 1

    def match(self, *args, **kwargs):
        raise AssertionError("the stage should not have matched")


def test_stage_skips_when_an_earlier_stage_is_already_sure():
    # given a barcode already found with confidence 0.99
    context = RecognitionContext(
        candidates=[Candidate("gtin", "00012345678905", 0.99, "barcode")]
    )
    stage = AppearanceStage(ExplodingIndex())

    # when
    candidates = stage.run(SnapImage(np.zeros((64, 64, 3), np.uint8)), context)

    # then
    assert candidates == []


def test_stage_returns_the_matched_product_without_categories(products, index):
    # given a good snap, and a classifier that must not be needed
    stage = AppearanceStage(index, classifier=load_default_classifier())
    snap = SnapImage(photograph(products["prd_1"], angle=30, scale=0.7))

    # when
    candidates = stage.run(snap, RecognitionContext())

    # then
    best = candidates[0]
    assert (best.kind, best.value, best.method) == ("product", "prd_1", "appearance")
    assert best.confidence >= 0.95
    assert best.detail["inliers"] >= 30
    assert best.detail["category"] == "snacks"
    assert all(c.kind == "product" and c.confidence < 0.2 for c in candidates[1:])


def test_stage_falls_back_to_categories_when_no_product_matches(index):
    # given a photo of something that is not in the catalog
    classifier = load_default_classifier()
    stage = AppearanceStage(index, classifier=classifier)
    context = RecognitionContext()

    # when
    candidates = stage.run(SnapImage(draw_clutter(3)), context)

    # then the classifier's grocery categories are offered, leaves first
    categories = [c for c in candidates if c.kind == "category"]
    leaves = [c for c in categories if c.detail["is_leaf"]]
    ancestors = [c for c in categories if not c.detail["is_leaf"]]
    assert all(c.confidence < 0.5 for c in candidates if c.kind == "product")
    assert leaves and set(c.value for c in leaves) <= set(classifier.labels)
    assert [c.value for c in ancestors] == classifier.ancestors_of(leaves[0].value)
    assert all(c.method == "appearance" for c in categories)
    assert {"appearance.products", "appearance.categories"} <= set(context.timings_ms)


def test_snaps_match_while_references_are_added_from_other_threads(products):
    # given an index serving snaps of prd_0..prd_3 while prd_4..prd_7 arrive
    index = ReferenceImageIndex(shortlist_size=2)
    for product_id in ("prd_0", "prd_1", "prd_2", "prd_3"):
        index.add(product_id, "snacks", products[product_id])
    snaps = {
        product_id: photograph(products[product_id], angle=12, scale=0.7)
        for product_id in ("prd_0", "prd_1", "prd_2", "prd_3")
    }
    recognised: list[str] = []

    def snap(product_id):
        best = index.match(snaps[product_id])[0]
        if best.confidence >= 0.8:
            recognised.append(best.product_id)

    def add(product_id):
        index.add(product_id, "snacks", products[product_id], key=product_id)

    # when
    threads = [threading.Thread(target=snap, args=(p,)) for p in snaps] + [
        threading.Thread(target=add, args=(f"prd_{seed}",)) for seed in range(4, 8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then every snap was recognised and no reference was lost
    assert sorted(recognised) == sorted(snaps)
    assert index.product_ids == set(products)
