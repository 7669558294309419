"""A groupbuy process starts without the libraries only some requests need.

Every server, worker, management command and test subprocess pays for what
``django.setup()``, the URLconf (with the API's routers) and the ASGI app
import. OpenCV and numpy alone cost ~0.2 s of CPU each time, yet only a photo
recognised, an image processed, a coupon issued or scanned needs them; the
modules that do import them in the functions that use them
(benchmarks/startup.py measures the difference). The check runs in a new
interpreter: in this one, other tests have long imported them.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import groupbuy
from groupbuy.snap.recognition.image import DEFAULT_MAX_PIXELS

REPOSITORY = Path(groupbuy.__file__).resolve().parents[1]

# Library → who needs it. None of them may load with the process.
LOADED_ON_DEMAND = {
    "cv2": "photo decoding, recognition, coupon scans",
    "numpy": "recognition, coupon texts (Base45), pooled-order matching",
    "rapidfuzz": "the snap's product-name index",
    "rapidocr_onnxruntime": "reading text on a photo",
    "onnxruntime": "reading text on a photo",
    "jieba": "splitting Chinese words in searches",
    "pypinyin": "pinyin search keys",
    "ortools": "pooled-order matching",
    "fpdf": "coupon and statement PDFs",
    "fontTools": "fonts embedded in PDFs",
    "httpx": "outgoing HTTP calls (sandbox callbacks, WeChat sign-in)",
    "vobject": "reading an address book",
    "py_vapid": "web push",
    "segno": "drawing a QR code",
}

_STARTUP = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
import groupbuy.asgi
from PIL import Image
loaded = sorted(name for name in sys.modules if name.split(".")[0] in {names})
print(json.dumps({{"loaded": loaded, "max_image_pixels": Image.MAX_IMAGE_PIXELS}}))
"""


def _start(tmp_path) -> dict:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "groupbuy.settings",
        "GROUPBUY_DATA_DIR": str(tmp_path),
        "GROUPBUY_DEMO_MODE": "1",
        "PYTHONPATH": str(REPOSITORY),
    }
    started = subprocess.run(
        [sys.executable, "-c", _STARTUP.format(names=set(LOADED_ON_DEMAND))],
        env=environment,
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode == 0, started.stderr
    return json.loads(started.stdout.strip().splitlines()[-1])


def test_setting_django_up_and_loading_the_urls_imports_no_heavy_library(tmp_path):
    # when a new process sets Django up, loads the URLconf and the ASGI app
    started = _start(tmp_path)
    # then none of the libraries only some requests need came with it
    top_level = sorted({name.split(".")[0] for name in started["loaded"]})
    assert top_level == [], {name: LOADED_ON_DEMAND[name] for name in top_level}
    # and Pillow's decompression-bomb guard is armed all the same (it is
    # process-wide, set where snap's image checks import Pillow)
    assert started["max_image_pixels"] == DEFAULT_MAX_PIXELS
