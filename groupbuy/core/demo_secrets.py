"""Secrets the demo generates for itself, kept in the data folder.

Settings import this before Django is set up, so it uses the standard library
only. The first demo run writes one random value per secret to
``<data dir>/demo-secrets.json`` (readable by its owner only); later runs reuse
them, so sessions and signed callbacks survive a restart.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import time
from collections.abc import Iterable
from pathlib import Path

FILE_NAME = "demo-secrets.json"


def demo_secrets_load_or_create(data_dir: Path, names: Iterable[str]) -> dict[str, str]:
    """Return a generated value for each of ``names``, creating missing ones."""
    path = Path(data_dir) / FILE_NAME
    names = list(names)
    if not path.exists():
        fresh = {name: secrets.token_urlsafe(50) for name in names}
        # O_EXCL: of two processes starting together, one writes, both read.
        with contextlib.suppress(FileExistsError):
            _write_private(path, fresh, flags=os.O_EXCL)
    stored = _read(path)
    missing = [name for name in names if not stored.get(name)]
    if missing:
        stored.update({name: secrets.token_urlsafe(50) for name in missing})
        _write_private(path, stored, flags=os.O_TRUNC)
    return stored


def _read(path: Path) -> dict[str, str]:
    # Another process may have created the file and not finished writing it.
    for _attempt in range(50):
        try:
            return json.loads(path.read_text())
        except ValueError:
            time.sleep(0.05)
    return {}


def _write_private(path: Path, values: dict[str, str], *, flags: int) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | flags, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(json.dumps(values, indent=2, sort_keys=True))
