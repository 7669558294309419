"""The deblurring attempt for 1-D codes: small, out-of-focus photos."""

import numpy as np
import pytest
import zxingcpp

from groupbuy.snap.recognition import deblur
from groupbuy.snap.recognition.barcode import (
    CONFIDENCE_RETRIED,
    PRODUCT_FORMATS,
    Attempt,
    BarcodeReader,
    BarcodeStage,
    independent,
)
from groupbuy.snap.recognition.base import RecognitionContext
from groupbuy.snap.recognition.image import load_snap_image
from groupbuy.snap.tests import imaging

FORMAT = zxingcpp.BarcodeFormat
RETAIL = (FORMAT.EAN13, FORMAT.UPCA, FORMAT.EAN8)


def blurred(seed: int, blur: float = 1.05):
    """Return (code, snap) for a 240-px out-of-focus JPEG of a random code."""
    barcode_format = RETAIL[seed % 3]
    code = imaging.random_retail_code(np.random.default_rng(seed), barcode_format)
    data = imaging.blurred_render(
        code, barcode_format, blur=blur, seed=seed, angle=(seed % 7 - 3) * 4.0
    )
    return code, load_snap_image(data)


def texts(readings) -> list[str]:
    return [reading.text.zfill(14) for reading in readings]


@pytest.mark.parametrize("seed", [508, 513, 516, 517, 522])
def test_reads_a_blurred_code_that_the_plain_call_and_the_retries_miss(seed):
    # given a small, blurred, tilted JPEG of a known EAN-13 / UPC-A
    code, snap = blurred(seed)
    assert snap.size[0] == 240
    assert zxingcpp.read_barcodes(snap.gray, formats=PRODUCT_FORMATS) == []
    assert BarcodeReader(deblur=False).read(snap) == []

    # when
    candidates = BarcodeStage().run(snap, RecognitionContext())

    # then the deblurring attempt reads it, as a retried (less sure) read
    assert [c.value for c in candidates] == [code.zfill(14)]
    assert candidates[0].detail["attempt"].startswith("deblur")
    assert candidates[0].confidence == CONFIDENCE_RETRIED


def test_a_deblurred_read_of_one_half_of_the_bars_alone_is_refused(monkeypatch):
    # given a code whose lower half of the bars is flat (unreadable), so only
    # the upper half's profile reads it after deconvolution
    code, snap = blurred(513)
    found = deblur.find_bar_region(snap.gray)
    upper = found.profiles["upper"]
    one_half = deblur.BarRegion(
        {"upper": upper, "lower": np.full_like(upper, upper.mean())},
        found.blur_sigma,
    )
    monkeypatch.setattr(deblur, "find_bar_region", lambda gray: one_half)
    no_retries = {"retries": lambda side: []}

    # when / then nothing agrees with it: no answer
    assert BarcodeReader(**no_retries).read(snap) == []
    # but a catalog that carries the GTIN confirms it
    known = {code.zfill(14)}
    readings = BarcodeReader(gtin_known=known.__contains__, **no_retries).read(snap)
    assert texts(readings) == [code.zfill(14)]
    assert readings[0].attempt.endswith("-upper")


def test_blurred_codes_are_never_misread():
    # given 24 renders from just readable to far too blurred
    misread = []
    reader = BarcodeReader()
    for seed in range(600, 624):
        code, snap = blurred(seed, blur=1.0 + (seed % 4) * 0.15)
        # when
        read = texts(reader.read(snap))
        # then
        if read and read != [code.zfill(14)]:
            misread.append((seed, code, read))
    assert misread == []


def test_the_blur_estimate_grows_with_the_blur():
    step = np.repeat([40.0, 220.0, 40.0, 220.0], 40)
    estimates = [
        deblur.estimate_blur(_gaussian_blur(step, sigma)) for sigma in (1.0, 2.0, 3.0)
    ]
    assert estimates == sorted(estimates)
    assert 0.8 < estimates[1] / 2.0 < 1.5


def test_deconvolution_sharpens_a_blurred_edge():
    bars = np.repeat([40.0, 220.0] * 6, 6)
    soft = _gaussian_blur(bars, 2.0)
    restored = deblur.wiener_deconvolve(soft, 2.0)
    inside = slice(12, -12)
    # the bars stand out again: far closer to the sharp profile than the blur
    error_soft = np.abs(soft - bars)[inside].mean()
    assert np.abs(restored - bars)[inside].mean() < 0.6 * error_soft
    assert np.ptp(restored[inside]) > 1.5 * np.ptp(soft[inside])


def test_a_picture_without_bars_gives_a_blank_strip():
    flat = np.full((120, 160), 128, dtype=np.uint8)
    profiles = deblur.BarProfiles(flat)
    assert profiles.region is None
    assert zxingcpp.read_barcodes(profiles.strip("upper", 1.0)) == []


def _gaussian_blur(profile: np.ndarray, sigma: float) -> np.ndarray:
    radius = int(4 * sigma)
    x = np.arange(-radius, radius + 1)
    kernel = np.exp(-(x**2) / (2 * sigma**2))
    padded = np.pad(profile, radius, mode="edge")
    return np.convolve(padded, kernel / kernel.sum(), mode="valid")


@pytest.mark.parametrize(
    ("family", "other", "confirms"),
    [
        ("deblur-upper@0.85", "deblur-lower@0.85", True),
        ("deblur-upper@0.85", "deblur-lower@1", False),
        ("deblur-upper@0.85", "deblur-upper@1", False),
        ("deblur-upper@0.85", "sharpen", True),
        ("sharpen", "sharpen", False),
    ],
)
def test_only_the_other_half_at_the_same_strength_confirms_a_deblurred_read(
    family, other, confirms
):
    assert independent(family, other) is confirms
    assert independent(other, family) is confirms


def test_halves_that_read_different_codes_void_each_other(monkeypatch):
    # given a picture whose upper half deconvolves to one code and whose lower
    # half to another, and an earlier retry that (mis)read the lower one
    upper_code, upper_snap = blurred(513)
    lower_code, lower_snap = blurred(522)
    upper = deblur.find_bar_region(upper_snap.gray)
    lower = deblur.find_bar_region(lower_snap.gray)
    mixed = deblur.BarRegion(
        {"upper": upper.profiles["upper"], "lower": lower.profiles["lower"]},
        upper.blur_sigma,
    )
    monkeypatch.setattr(deblur, "find_bar_region", lambda gray: mixed)
    halves = deblur.BarProfiles(upper_snap.gray)
    assert [
        [r.text for r in zxingcpp.read_barcodes(halves.strip(band, 0.85))]
        for band in deblur.BANDS
    ] == [[upper_code], [lower_code]]
    misread = imaging.barcode_image(lower_code, FORMAT.EAN13)
    reader = BarcodeReader(
        retries=lambda side: [
            Attempt("clahe-sharpen", lambda g: misread, {}, "sharpen")
        ]
    )
    # when / then: neither half's code is confirmed, not even by the retry
    assert reader.read(upper_snap) == []
