"""The running code as a tarball, for the "Source code" link (AGPL-3.0 § 13).

groupbuy is AGPL-3.0-or-later: whoever runs a modified copy must offer its
users that copy's source. Serving the code this process runs, rather than
linking to a repository, keeps the offer true after local changes and works on
a network with no internet. An operator who publishes the code elsewhere sets
GROUPBUY_SOURCE_URL and the link points there instead.

Only source files are packed, chosen by name (an allowlist), never the data
directory (databases, uploaded photos, address books and generated secrets live
there) nor a ``var/`` directory, the data directory's default name, which a
command run from inside the package once left there.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings

PACKAGE_DIR = Path(__file__).resolve().parents[1]
# A checkout (make's editable install) also has the build files, docs, tests and
# benchmarks beside the package; a wheel install has the package alone.
CHECKOUT_DIR = PACKAGE_DIR.parent
CHECKOUT_FILES = ("LICENSE", "README.md", "pyproject.toml", "Makefile", "manage.py")
CHECKOUT_DIRS = ("docs", "tests", "benchmarks", ".ci")
SOURCE_SUFFIXES = frozenset(
    {".py", ".html", ".js", ".mjs", ".css", ".svg", ".png", ".jpg", ".json", ".po"}
    | {".mo", ".csv", ".txt", ".md", ".npz", ".onnx", ".wasm", ".otf", ".toml"}
    | {".webmanifest", ".sh"}
)
SOURCE_NAMES = frozenset({"LICENSE", "Makefile", "run"})


@functools.cache  # reading the metadata takes ~0.25 ms; a deploy restarts
def version() -> str:
    return importlib.metadata.version("groupbuy")


def _is_source(path: Path, data_dir: Path) -> bool:
    return (
        path.is_file()
        and (path.suffix in SOURCE_SUFFIXES or path.name in SOURCE_NAMES)
        and not {"__pycache__", "var"} & set(path.relative_to(CHECKOUT_DIR).parts)
        and not path.resolve().is_relative_to(data_dir)
    )


def source_files() -> list[tuple[Path, str]]:
    """(file, name in the archive) of every source file, in a stable order."""
    data_dir = Path(settings.DATA_DIR).resolve()
    roots = [PACKAGE_DIR]
    is_checkout = (CHECKOUT_DIR / "pyproject.toml").is_file() and (
        CHECKOUT_DIR / "manage.py"
    ).is_file()
    if is_checkout:
        roots += [CHECKOUT_DIR / name for name in CHECKOUT_DIRS]
    files = [
        path
        for root in roots
        if root.is_dir()
        for path in root.rglob("*")
        if _is_source(path, data_dir)
    ]
    if is_checkout:
        files += [
            CHECKOUT_DIR / name
            for name in CHECKOUT_FILES
            if _is_source(CHECKOUT_DIR / name, data_dir)
        ]
    prefix = f"groupbuy-{version()}"
    return sorted(
        (path, f"{prefix}/{path.relative_to(CHECKOUT_DIR).as_posix()}")
        for path in files
    )


def source_archive() -> Path:
    """The tarball of the running code, built again when any file changed.

    Its name carries a digest of the files' names, sizes and modification
    times, so a deploy gets a new archive and concurrent first requests agree
    on one (each writes a temporary file and renames it into place).
    """
    files = source_files()
    digest = hashlib.sha256()
    for path, name in files:
        stat = path.stat()
        digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    directory = Path(settings.DATA_DIR) / "source"
    directory.mkdir(parents=True, exist_ok=True)
    archive = directory / f"groupbuy-{version()}-{digest.hexdigest()[:12]}.tar.gz"
    if archive.exists():
        return archive
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
    try:
        with (
            os.fdopen(handle, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz") as tar,
        ):
            for path, name in files:
                tar.add(path, arcname=name, recursive=False)
        os.replace(temporary, archive)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    for old in directory.glob("groupbuy-*.tar.gz"):
        if old != archive:
            old.unlink(missing_ok=True)
    return archive
