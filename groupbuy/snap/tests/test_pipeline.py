import logging

import pytest
import zxingcpp

from groupbuy.snap.recognition.base import Candidate, RecognitionContext, SnapImage
from groupbuy.snap.recognition.image import load_snap_image
from groupbuy.snap.recognition.ocr import shared_ocr_engine
from groupbuy.snap.recognition.pipeline import (
    MergedCandidate,
    Pipeline,
    build_pipeline,
    merge_candidates,
)
from groupbuy.snap.recognition.text_match import ProductNameIndex
from groupbuy.snap.tests import imaging


class FixedStage:
    """A stage that returns what it is given and remembers it ran."""

    def __init__(self, name, candidates=(), record_to=None):
        self.name = name
        self.candidates = list(candidates)
        self.record_to = record_to if record_to is not None else []

    def run(self, image, context):
        self.record_to.append(self.name)
        return list(self.candidates)


class BrokenStage:
    name = "appearance"

    def run(self, image, context):
        raise RuntimeError("model file missing")


@pytest.fixture(scope="module")
def name_index() -> ProductNameIndex:
    return ProductNameIndex.build(imaging.CATALOG, version="test")


def tiny_photo() -> SnapImage:
    return SnapImage(rgb=imaging.photo_background(64, 48))


def test_runs_stages_in_order_and_times_each():
    # given
    ran = []
    stages = [FixedStage(name, record_to=ran) for name in ("barcode", "name", "look")]

    # when
    result = Pipeline(stages).run(tiny_photo())

    # then
    assert ran == ["barcode", "name", "look"]
    assert list(result.timings_ms) == ["barcode", "name", "look", "total"]
    assert all(ms >= 0 for ms in result.timings_ms.values())
    assert result.candidates == []
    assert result.best is None
    assert result.skipped_stages == []


def test_skips_later_stages_once_a_candidate_is_near_certain():
    # given
    ran = []
    certain = Candidate("gtin", "06901939621257", 0.99, "barcode")
    stages = [
        FixedStage("barcode", [certain], ran),
        FixedStage("name", record_to=ran),
        FixedStage("appearance", record_to=ran),
    ]

    # when
    result = Pipeline(stages).run(tiny_photo())

    # then
    assert ran == ["barcode"]
    assert result.skipped_stages == ["name", "appearance"]
    assert list(result.timings_ms) == ["barcode", "total"]
    assert result.is_near_certain


def test_merges_candidates_per_target_keeping_the_best_and_every_method():
    # given
    candidates = [
        Candidate("product", "prod_a", 0.6, "name", {"matched_text": "A"}),
        Candidate("product", "prod_b", 0.7, "name"),
        Candidate("product", "prod_a", 0.8, "appearance", {"inliers": 40}),
        Candidate("category", "drinks", 0.5, "appearance"),
    ]

    # when
    merged = merge_candidates(candidates)

    # then
    assert merged == [
        MergedCandidate(
            "product",
            "prod_a",
            0.8,
            "appearance",
            ("appearance", "name"),
            {"inliers": 40},
        ),
        MergedCandidate("product", "prod_b", 0.7, "name", ("name",), {}),
        MergedCandidate("category", "drinks", 0.5, "appearance", ("appearance",), {}),
    ]


def test_a_failing_stage_is_logged_and_skipped(caplog):
    # given
    found = Candidate("product", "prod_a", 0.7, "name")
    pipeline = Pipeline([FixedStage("name", [found]), BrokenStage()])

    # when
    with caplog.at_level(logging.ERROR):
        result = pipeline.run(tiny_photo())

    # then
    assert [c.value for c in result.candidates] == ["prod_a"]
    assert result.failed_stages == ["appearance"]
    assert "snap recognition stage 'appearance' failed" in caplog.text


def test_stages_see_earlier_candidates_in_the_context():
    # given
    seen = []

    class Peeking:
        name = "appearance"

        def run(self, image, context: RecognitionContext):
            seen.append(context.best_confidence())
            return []

    found = Candidate("product", "prod_a", 0.7, "name")

    # when
    Pipeline([FixedStage("name", [found]), Peeking()]).run(tiny_photo())

    # then
    assert seen == [0.7]


def test_default_pipeline_reads_a_barcode_and_skips_ocr(name_index):
    # given an uploaded JPEG of an EAN-13 on a shelf
    photo = imaging.barcode_photo("6901939621257", zxingcpp.BarcodeFormat.EAN13)
    upload = imaging.encode(photo, "JPEG", quality=92)
    appearance = FixedStage("appearance")

    # when
    result = build_pipeline(name_index, appearance_stage=appearance).run(
        load_snap_image(upload)
    )

    # then
    assert [(c.kind, c.value, c.methods) for c in result.candidates] == [
        ("gtin", "06901939621257", ("barcode",))
    ]
    assert result.skipped_stages == ["name", "appearance"]
    assert result.ocr_lines == []


def test_default_pipeline_reads_a_label_by_ocr(name_index):
    # given
    photo = imaging.label_photo(["农夫山泉", "饮用天然水", "净含量：550ml"], angle=4)
    upload = imaging.encode(photo, "PNG")

    # when
    result = build_pipeline(name_index, ocr_engine=shared_ocr_engine()).run(
        load_snap_image(upload)
    )

    # then
    assert result.best.kind == "product"
    assert result.best.value == "prod_nongfu550"
    assert result.best.methods == ("name",)
    assert not result.is_near_certain
    assert result.ocr_lines == ["农夫山泉", "饮用天然水", "净含量：550ml"]
    assert list(result.timings_ms) == ["barcode", "name", "total"]


def test_default_pipeline_finds_nothing_confident_on_a_blank_photo(name_index):
    photo = imaging.photo_background(480, 320, seed=9)

    result = build_pipeline(name_index).run(SnapImage(rgb=photo))

    assert result.candidates == []
    assert result.ocr_lines == []
