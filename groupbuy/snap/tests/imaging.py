"""Make the pictures the snap tests look at: files, barcodes on photos, labels.

Everything is generated, small and deterministic (seeded), so the tests need
no fixtures on disk except the subset font in ``fonts/``.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import zxingcpp
from PIL import Image, ImageDraw, ImageFont

FONT_PATH = Path(__file__).parent / "fonts" / "NotoSansSC-TestSubset.otf"

# Products with deliberately similar names, as (public id, names and aliases).
CATALOG = [
    (
        "prod_nongfu550",
        [
            "农夫山泉 饮用天然水 550ml",
            "农夫山泉天然水550毫升",
            "Nongfu Spring Natural Water 550ml",
        ],
    ),
    ("prod_nongfu1500", ["农夫山泉 饮用天然水 1.5L"]),
    ("prod_nongfutea", ["农夫山泉 东方树叶 茉莉花茶 500ml"]),
    ("prod_yibao", ["怡宝 纯净水 555ml", "C'estbon Purified Water 555ml"]),
    ("prod_kangshifu", ["康师傅 矿物质水 550ml"]),
    ("prod_baisuishan", ["百岁山 天然矿泉水 570ml"]),
    ("prod_cokezero", ["Coca-Cola Zero Sugar 330ml", "可口可乐 零度 330ml"]),
    ("prod_coke", ["Coca-Cola Classic 330ml", "可口可乐 330ml"]),
    ("prod_sprite", ["Sprite Lemon-Lime 330ml", "雪碧 330ml"]),
]


# --- Encoded files ------------------------------------------------------------


def encode(picture: Image.Image | np.ndarray, image_format: str, **options) -> bytes:
    """Return ``picture`` encoded as ``image_format`` (a Pillow format name)."""
    if isinstance(picture, np.ndarray):
        picture = Image.fromarray(picture)
    buffer = io.BytesIO()
    picture.save(buffer, image_format, **options)
    return buffer.getvalue()


def jpeg_with_orientation(picture: Image.Image, orientation: int) -> bytes:
    """Return a JPEG whose EXIF asks viewers to rotate it (6 = 90° clockwise)."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(picture, "JPEG", exif=exif, quality=90)


def animated(image_format: str, frames: int = 3, size=(32, 24)) -> bytes:
    """Return a small animation (GIF, WEBP or PNG as APNG)."""
    pictures = [
        Image.new("RGB", size, (40 * index, 80, 200 - 40 * index))
        for index in range(frames)
    ]
    return encode(
        pictures[0],
        image_format,
        save_all=True,
        append_images=pictures[1:],
        duration=100,
        loop=0,
    )


def png_bomb(width: int, height: int) -> bytes:
    """Return a real decompression bomb: a valid greyscale PNG of zeros.

    It compresses about 1000:1, so a 50-megapixel bomb is ~50 kB on the wire
    and 50 MB (or far more as RGB) once decoded.
    """
    compressor = zlib.compressobj(9)
    row = bytes(width + 1)  # filter byte 0, then black pixels
    chunks = [compressor.compress(row) for _ in range(height)]
    chunks.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(chunks))
        + _png_chunk(b"IEND", b"")
    )


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


# --- Photo-like scenes --------------------------------------------------------


def photo_background(width: int, height: int, seed: int = 0) -> np.ndarray:
    """Return an RGB "shelf photo": a lit gradient, blobs of colour and noise."""
    generator = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    light = 150 + 60 * np.sin(xs / width * 2.5 + seed) * np.cos(ys / height * 1.7)
    scene = np.stack([light * 0.95, light * 0.85, light * 0.7], axis=-1)
    for _ in range(6):
        centre = (int(generator.integers(width)), int(generator.integers(height)))
        axes = (
            int(generator.integers(10, width // 3)),
            int(generator.integers(10, height // 3)),
        )
        colour = [float(value) for value in generator.integers(30, 230, size=3)]
        cv2.ellipse(
            scene, centre, axes, float(generator.integers(180)), 0, 360, colour, -1
        )
    scene = cv2.GaussianBlur(scene, (0, 0), 3)
    scene += generator.normal(0, 6, scene.shape)
    return scene.clip(0, 255).astype(np.uint8)


def barcode_image(text: str, barcode_format, scale: int = 3) -> np.ndarray:
    """Return a greyscale rendering of a barcode, with quiet zones."""
    barcode = zxingcpp.create_barcode(text, barcode_format)
    return np.array(zxingcpp.write_barcode_to_image(barcode, scale=scale))


def place(
    scene: np.ndarray, patch: np.ndarray, centre: tuple[int, int], angle: float = 0.0
) -> np.ndarray:
    """Return ``scene`` with the greyscale ``patch`` pasted at ``centre``, rotated.

    The patch sits on a white sticker (its quiet zone) turned by ``angle``
    degrees counter-clockwise, as a tilted phone would see it.
    """
    patch = cv2.copyMakeBorder(patch, 8, 8, 8, 8, cv2.BORDER_CONSTANT, value=255)
    height, width = patch.shape[:2]
    rotation = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    cos, sin = abs(rotation[0, 0]), abs(rotation[0, 1])
    new_width, new_height = (
        int(width * cos + height * sin),
        int(width * sin + height * cos),
    )
    rotation[0, 2] += new_width / 2 - width / 2
    rotation[1, 2] += new_height / 2 - height / 2
    turned = cv2.warpAffine(patch, rotation, (new_width, new_height), borderValue=0)
    mask = cv2.warpAffine(
        np.full_like(patch, 255), rotation, (new_width, new_height), borderValue=0
    )
    result = scene.copy()
    top, left = centre[1] - new_height // 2, centre[0] - new_width // 2
    region = result[top : top + new_height, left : left + new_width]
    inside = mask > 127
    region[inside] = np.repeat(turned[inside][:, None], 3, axis=1)
    return result


def degrade(rgb: np.ndarray, blur: float = 0.0, noise: float = 0.0, seed: int = 1):
    """Return ``rgb`` slightly out of focus and with sensor noise."""
    result = rgb.astype(np.float32)
    if blur:
        result = cv2.GaussianBlur(result, (0, 0), blur)
    if noise:
        result += np.random.default_rng(seed).normal(0, noise, result.shape)
    return result.clip(0, 255).astype(np.uint8)


def barcode_photo(
    text: str,
    barcode_format,
    *,
    size=(480, 360),
    angle: float = 0.0,
    scale: int = 2,
    blur: float = 0.8,
    noise: float = 5.0,
    seed: int = 0,
) -> np.ndarray:
    """Return an RGB photo of a barcode label on a cluttered background."""
    patch = barcode_image(text, barcode_format, scale=scale)
    # Grow the scene when the turned sticker would not fit in it.
    diagonal = int(np.hypot(*patch.shape)) + 40
    width, height = max(size[0], diagonal), max(size[1], diagonal)
    scene = photo_background(width, height, seed=seed)
    scene = place(scene, patch, (width // 2, height // 2), angle)
    return degrade(scene, blur=blur, noise=noise, seed=seed)


def with_check_digit(digits: str) -> str:
    """Return ``digits`` followed by their GS1 check digit (EAN/UPC)."""
    total = sum(
        int(digit) * (3 if index % 2 == 0 else 1)
        for index, digit in enumerate(reversed(digits))
    )
    return digits + str((10 - total % 10) % 10)


def random_retail_code(generator: np.random.Generator, barcode_format) -> str:
    """Return a random valid EAN-13, UPC-A or EAN-8 number."""
    length = {
        zxingcpp.BarcodeFormat.EAN13: 12,
        zxingcpp.BarcodeFormat.UPCA: 11,
        zxingcpp.BarcodeFormat.EAN8: 7,
    }[barcode_format]
    return with_check_digit("".join(str(d) for d in generator.integers(0, 10, length)))


def blurred_render(
    text: str,
    barcode_format,
    *,
    blur: float,
    seed: int = 0,
    side: int = 240,
    quality: int = 75,
    fill: float = 0.7,
    angle: float = 0.0,
) -> bytes:
    """Return a small out-of-focus JPEG of a code, as a phone held too close takes.

    zxing-cpp renders the code; it fills ``fill`` of the width of a cluttered
    scene, turned by ``angle``; the scene is blurred (Gaussian, ``blur`` pixels
    at the final size), shrunk to ``side`` pixels wide, given sensor noise and
    JPEG-compressed at ``quality``.
    """
    generator = np.random.default_rng(seed)
    patch = barcode_image(text, barcode_format, scale=4)
    width = int(patch.shape[1] / fill)
    height = int(width * 0.8)
    scene = photo_background(width, height, seed=seed)
    scene = place(scene, patch, (width // 2, height // 2), angle)
    picture = cv2.GaussianBlur(scene.astype(np.float32), (0, 0), blur * width / side)
    picture = cv2.resize(picture, (side, int(side * 0.8)), interpolation=cv2.INTER_AREA)
    picture += generator.normal(0, 3, picture.shape)
    return encode(picture.clip(0, 255).astype(np.uint8), "JPEG", quality=quality)


# --- Labels -------------------------------------------------------------------


def label_photo(
    lines: list[str],
    *,
    size=(480, 320),
    font_size: int = 34,
    angle: float = 0.0,
    seed: int = 0,
) -> np.ndarray:
    """Return an RGB photo of a printed product label with ``lines`` of text."""
    font = ImageFont.truetype(str(FONT_PATH), font_size)
    line_height = font_size + 16
    label = Image.new(
        "RGBA", (size[0] - 60, line_height * len(lines) + 24), (250, 250, 245, 255)
    )
    draw = ImageDraw.Draw(label)
    for index, line in enumerate(lines):
        draw.text((20, 12 + index * line_height), line, fill=(20, 20, 30), font=font)
    label = label.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
    scene = Image.fromarray(photo_background(*size, seed=seed))
    corner = ((size[0] - label.width) // 2, (size[1] - label.height) // 2)
    scene.paste(label, corner, mask=label)
    return degrade(np.asarray(scene), blur=0.6, noise=4.0, seed=seed)
