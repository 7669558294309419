"""The PDFs' cut-down CJK font, cut once per machine for the test processes."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from pathlib import Path


def seed_cut_cjk_font(data_dir: Path) -> None:
    """Put the CJK face's common characters in ``data_dir/fonts/``, where the
    coupons' PDFs look for them first (``groupbuy.coupons.pdf_fonts``).

    Cutting them out takes ~3.5 s of CPU (~7 s on a loaded 2-core machine),
    at the first PDF a data directory makes: every pytest process of a CI run
    (each has a data dir of its own) paid it again for the same file. It is
    cut once into the temporary directory, in a directory named after
    pdf_fonts.py's source (the file's own name already says which face,
    fontTools and characters), and copied from there; a test of the cutting
    itself gives its own, empty, data directory. Without a CJK font, nothing."""
    from django.test import override_settings

    from groupbuy.coupons import pdf_fonts, pdfs

    font = pdfs.cjk_font()
    if font is None:
        return
    number = 2 if font.endswith(".ttc") and "Noto" in font else 0  # as pdfs does
    source = Path(pdf_fonts.__file__).read_bytes()
    cache = Path(tempfile.gettempdir()) / (
        f"groupbuy-test-fonts-{hashlib.sha256(source).hexdigest()[:10]}"
    )
    cache.mkdir(exist_ok=True)
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one process cuts, the others wait
        with override_settings(DATA_DIR=cache):
            cut = pdf_fonts.cjk_face(font, number).common
    if cut is None:  # could not be written: the PDFs use the whole face
        return
    target = data_dir / "fonts" / cut.name
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f"{target.name}.{os.getpid()}.part")
    shutil.copyfile(cut, part)
    os.replace(part, target)
