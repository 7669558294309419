"""Reading coupon codes from pictures: PNG, phone JPEGs, odd formats, junk."""

import io

from PIL import Image

from groupbuy.coupons import symbols

CODE = "GB1:" + "ABCDEFGHIJ0123456789$%*+-./:" * 9


def _picture(*, size, scale=6, angle=0, mode="L", fmt="PNG", at=(100, 100)) -> bytes:
    code = Image.open(io.BytesIO(symbols.png(CODE, scale=scale))).convert(mode)
    code = code.rotate(angle, expand=True, fillcolor="white")
    canvas = Image.new(mode, size, "white" if mode == "L" else (200, 190, 180))
    canvas.paste(code, at)
    buffer = io.BytesIO()
    canvas.save(buffer, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def test_a_phone_sized_png_is_read():
    assert symbols.read_picture(_picture(size=(1200, 1600))) == [CODE]


def test_a_large_colour_jpeg_is_read_decoded_at_a_reduced_size():
    picture = _picture(size=(3000, 4000), scale=20, mode="RGB", fmt="JPEG")
    assert symbols.read_picture(picture) == [CODE]


def test_a_code_too_fine_for_the_reduced_picture_is_found_at_full_size():
    # Modules of 2 px become 1 px once a 2400-px picture is halved.
    picture = _picture(size=(1800, 2400), scale=2, at=(900, 1200))
    assert symbols.read_picture(picture) == [CODE]


def test_a_turned_code_is_read():
    assert symbols.read_picture(_picture(size=(1200, 1600), angle=90)) == [CODE]


def test_a_format_opencv_cannot_decode_is_read_through_pil():
    code = Image.open(io.BytesIO(symbols.png(CODE, scale=3))).convert("RGBA")
    buffer = io.BytesIO()
    code.resize((256, 256), Image.NEAREST).save(
        buffer, format="ICO", sizes=[(256, 256)]
    )
    assert symbols.read_picture(buffer.getvalue()) == [CODE]


def test_junk_and_pictures_without_a_code_give_nothing():
    assert symbols.read_picture(b"not a picture") == []
    assert symbols.read_picture(b"\x89PNG\r\n\x1a\n" + b"\0" * 40) == []
    blank = io.BytesIO()
    Image.new("L", (640, 480), "white").save(blank, format="PNG")
    assert symbols.read_picture(blank.getvalue()) == []
