import io

import numpy as np
import pytest
from django.utils import translation
from PIL import Image, ImageFile

from groupbuy.snap.recognition.image import (
    DETAIL_LONG_SIDE,
    WORKING_LONG_SIDE,
    SnapImageError,
    load_snap_image,
    sniff_format,
)
from groupbuy.snap.tests import imaging

MB = 1024 * 1024


def small_photo(width=40, height=20) -> Image.Image:
    pixels = np.zeros((height, width, 3), dtype=np.uint8)
    pixels[:, : width // 2] = (255, 0, 0)  # left half red: shows orientation
    return Image.fromarray(pixels)


def english(message) -> str:
    with translation.override("en"):
        return str(message)


def refused(upload, **limits) -> SnapImageError:
    with pytest.raises(SnapImageError) as caught:
        load_snap_image(upload, **limits)
    return caught.value


@pytest.fixture
def never_decoded(monkeypatch):
    """Refusals that must cost next to nothing: decoding pixels fails the test
    (they were timed under a second; speed belongs in benchmarks)."""

    def decoded(self, *args, **kwargs):
        raise AssertionError("the refused upload's pixels were decoded")

    monkeypatch.setattr(Image.Image, "load", decoded)
    monkeypatch.setattr(ImageFile.ImageFile, "load", decoded)


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_accepts_each_still_format(image_format):
    # given
    upload = imaging.encode(small_photo(), image_format)

    # when
    snap = load_snap_image(upload)

    # then
    assert snap.size == (40, 20)
    assert snap.rgb.dtype == np.uint8
    assert snap.rgb.shape == (20, 40, 3)
    assert snap.detail_gray is None


def test_reads_a_file_like_upload():
    # given
    upload = io.BytesIO(imaging.encode(small_photo(), "PNG"))

    # when
    snap = load_snap_image(upload)

    # then
    assert snap.size == (40, 20)
    assert tuple(snap.rgb[10, 5]) == (255, 0, 0)


def test_sniffs_magic_bytes_not_names():
    assert sniff_format(imaging.encode(small_photo(), "PNG")) == "PNG"
    assert sniff_format(imaging.encode(small_photo(), "JPEG")) == "JPEG"
    assert sniff_format(imaging.encode(small_photo(), "WEBP")) == "WEBP"
    assert sniff_format(b"%PDF-1.7 not a photo") is None


def test_refuses_text_as_unsupported_format(never_decoded):
    error = refused(b"name,price\nwater,2.00\n")

    assert error.code == "unsupported_format"
    assert english(error.message) == "Please send a JPEG, PNG or WebP photo."


def test_refuses_an_empty_upload():
    error = refused(b"")

    assert error.code == "empty"


def test_refuses_a_still_gif_as_unsupported_format():
    error = refused(imaging.encode(small_photo(), "GIF"))

    assert error.code == "unsupported_format"


def test_refuses_too_large_before_reading_it_all(never_decoded):
    # given a 30 MB upload that reports its size, like a Django UploadedFile
    class Upload(io.BytesIO):
        size = 30 * MB

    upload = Upload(b"\xff\xd8\xff" + bytes(30 * MB - 3))

    # when
    error = refused(upload)

    # then nothing was read
    assert error.code == "too_large"
    assert (
        english(error.message)
        == "This photo is too large. Please send one under 10 MB."
    )
    assert upload.tell() == 0


def test_refuses_too_large_stream_reading_only_one_byte_past_the_limit():
    # given a stream without a declared size
    upload = io.BytesIO(b"\xff\xd8\xff" + bytes(3 * MB))

    # when
    error = refused(upload, max_bytes=2 * MB)

    # then
    assert error.code == "too_large"
    assert upload.tell() == 2 * MB + 1


# As in production, where image.py turns Pillow's warning into an error
# (pytest resets warning filters around each test).
@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_refuses_a_decompression_bomb_before_decoding_it(never_decoded):
    # given a real 50-megapixel PNG of ~50 kB
    bomb = imaging.png_bomb(7100, 7100)
    assert len(bomb) < 200_000

    # when
    error = refused(bomb)

    # then
    assert error.code == "too_many_pixels"


def test_refuses_more_pixels_than_the_caller_allows():
    error = refused(imaging.encode(small_photo(), "PNG"), max_pixels=799)

    assert error.code == "too_many_pixels"


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_refuses_a_truncated_photo_as_damaged(image_format):
    # given
    photo = imaging.encode(imaging.photo_background(200, 150), image_format)

    # when
    error = refused(photo[: len(photo) // 2])

    # then
    assert error.code == "damaged"
    assert english(error.message) == (
        "This photo is damaged or incomplete. Please take it again."
    )


def test_refuses_a_header_only_png_as_damaged():
    error = refused(imaging.encode(small_photo(), "PNG")[:30])

    assert error.code == "damaged"


@pytest.mark.parametrize("image_format", ["GIF", "WEBP", "PNG"])
def test_refuses_animations(image_format):
    # given
    animation = imaging.animated(image_format)

    # when
    error = refused(animation)

    # then
    assert error.code == "animated"
    assert english(error.message) == "This is an animation: please send a still photo."


def test_applies_exif_orientation():
    # given a 40×20 photo whose EXIF says "rotate 90° clockwise to view"
    upload = imaging.jpeg_with_orientation(small_photo(), orientation=6)

    # when
    snap = load_snap_image(upload)

    # then it is upright: 20 wide, 40 tall, the red half now on top
    assert snap.size == (20, 40)
    red, green, blue = snap.rgb[5, 10].astype(int)
    assert red > 200 and green < 60 and blue < 60


def test_downscales_big_photos_and_keeps_a_detail_copy():
    # given
    upload = imaging.encode(imaging.photo_background(2000, 1000), "PNG")

    # when
    snap = load_snap_image(upload)

    # then
    assert snap.size == (WORKING_LONG_SIDE, 800)
    assert snap.detail_gray.shape == (1000, 2000)
    assert DETAIL_LONG_SIDE >= 2000


def test_flattens_transparency_onto_white():
    # given a fully transparent PNG
    upload = imaging.encode(Image.new("RGBA", (8, 8), (0, 0, 0, 0)), "PNG")

    # when
    snap = load_snap_image(upload)

    # then
    assert tuple(snap.rgb[4, 4]) == (255, 255, 255)


def test_scales_sixteen_bit_greyscale():
    # given a 16-bit PNG at mid grey
    pixels = np.full((4, 4), 32768, dtype=np.uint16)
    upload = imaging.encode(Image.fromarray(pixels), "PNG")

    # when
    snap = load_snap_image(upload)

    # then
    assert tuple(snap.rgb[0, 0]) == (128, 128, 128)


def test_refuses_too_large_bytes():
    error = refused(b"\xff\xd8\xff" + bytes(30 * MB))

    assert error.code == "too_large"
