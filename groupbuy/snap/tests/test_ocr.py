from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from groupbuy.snap.recognition.base import Candidate, RecognitionContext, SnapImage
from groupbuy.snap.recognition.ocr import (
    NAME_CONFIDENCE_SCALE,
    PRINTED_GTIN_CONFIDENCE,
    OcrEngine,
    OcrNameStage,
    shared_ocr_engine,
)
from groupbuy.snap.recognition.text_match import ProductNameIndex
from groupbuy.snap.tests import imaging
from groupbuy.snap.tests.imaging import CATALOG

CHINESE_LABEL = ["农夫山泉", "饮用天然水", "净含量：550ml"]
ENGLISH_LABEL = ["Coca-Cola", "Zero Sugar", "330ml can"]


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    # The process-wide engine: the models load once for the whole test run.
    return shared_ocr_engine()


@pytest.fixture(scope="module")
def stage(engine) -> OcrNameStage:
    return OcrNameStage(engine, ProductNameIndex.build(CATALOG, version="test"))


def snap(rgb: np.ndarray) -> SnapImage:
    return SnapImage(rgb=rgb)


def test_reads_the_lines_of_a_chinese_label(engine):
    # given
    photo = snap(imaging.label_photo(CHINESE_LABEL, angle=4))

    # when
    lines = engine.read(photo)

    # then
    assert [line.text for line in lines] == CHINESE_LABEL
    assert all(line.score > 0.9 for line in lines)
    assert len(lines[0].box) == 4


def test_reports_boxes_in_the_photo_s_own_pixels(engine):
    # given a photo wider than the OCR working size, the label at its right
    scene = imaging.photo_background(1600, 400, seed=3)
    label = imaging.label_photo(["Zero Sugar"], size=(420, 120), font_size=40)
    scene[140:260, 1100:1520] = label
    photo = snap(scene)

    # when
    lines = engine.read(photo)

    # then the box is where the label is, not where it was in the small copy
    assert [line.text for line in lines] == ["Zero Sugar"]
    xs = [x for x, _ in lines[0].box]
    ys = [y for _, y in lines[0].box]
    assert 1100 <= min(xs) < max(xs) <= 1520
    assert 140 <= min(ys) < max(ys) <= 260


def test_matches_a_chinese_label_to_the_right_product(stage):
    # given
    context = RecognitionContext()
    photo = snap(imaging.label_photo(CHINESE_LABEL, angle=4))

    # when
    candidates = stage.run(photo, context)

    # then
    assert [(c.kind, c.value, c.method) for c in candidates[:2]] == [
        ("product", "prod_nongfu550", "name"),
        ("product", "prod_nongfu1500", "name"),
    ]
    assert candidates[0].confidence > candidates[1].confidence
    assert candidates[0].confidence <= NAME_CONFIDENCE_SCALE
    assert candidates[0].detail["matched_text"] == "农夫山泉 饮用天然水 550ml"
    assert context.ocr_lines == CHINESE_LABEL


def test_matches_an_english_label(stage):
    context = RecognitionContext()
    photo = snap(imaging.label_photo(ENGLISH_LABEL, angle=-3, seed=2))

    candidates = stage.run(photo, context)

    assert candidates[0].value == "prod_cokezero"
    assert context.ocr_lines == ENGLISH_LABEL


def test_reads_the_digits_printed_under_a_barcode(stage):
    # given the human-readable line of an EAN-13 whose bars did not decode
    context = RecognitionContext()
    photo = snap(imaging.label_photo(["6 901939 621257"], size=(480, 160), seed=8))

    # when
    candidates = stage.run(photo, context)

    # then
    assert [(c.kind, c.value, c.method, c.confidence) for c in candidates] == [
        ("gtin", "06901939621257", "name", PRINTED_GTIN_CONFIDENCE)
    ]
    assert candidates[0].detail == {"printed_digits": context.ocr_lines[0]}


def test_a_blank_photo_gives_no_candidate(stage):
    context = RecognitionContext()
    photo = snap(imaging.photo_background(480, 320, seed=7))

    candidates = stage.run(photo, context)

    assert candidates == []
    assert context.ocr_lines == []


def test_skips_ocr_when_a_barcode_already_settled_it():
    # given an engine that must not be called
    class UntouchableEngine:
        def read(self, image):
            raise AssertionError("OCR ran although a barcode was certain")

    stage = OcrNameStage(UntouchableEngine(), ProductNameIndex.build([], "v0"))
    context = RecognitionContext(
        candidates=[Candidate("gtin", "06901939621257", 0.99, "barcode")]
    )

    # when
    candidates = stage.run(snap(imaging.photo_background(64, 48)), context)

    # then
    assert candidates == []
    assert context.ocr_lines == []


def test_follows_a_name_index_provider():
    # given a provider whose index changes after the stage was built
    class FixedEngine:
        def read(self, image):
            from groupbuy.snap.recognition.ocr import OcrLine

            return [OcrLine("雪碧 330ml", ((0, 0), (1, 0), (1, 1), (0, 1)), 0.99)]

    current = {"index": ProductNameIndex.build([], "v1")}
    stage = OcrNameStage(FixedEngine(), lambda: current["index"])
    photo = snap(imaging.photo_background(64, 48))
    assert stage.run(photo, RecognitionContext()) == []

    # when the catalog gains the product
    current["index"] = ProductNameIndex.build(CATALOG, "v2")

    # then
    assert stage.run(photo, RecognitionContext())[0].value == "prod_sprite"


def test_is_safe_to_share_between_threads(engine):
    # given
    photos = [snap(imaging.label_photo(ENGLISH_LABEL, seed=seed)) for seed in (5, 6)]

    # when
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(engine.read, photos))

    # then
    assert [[line.text for line in lines] for lines in results] == [
        ENGLISH_LABEL,
        ENGLISH_LABEL,
    ]
