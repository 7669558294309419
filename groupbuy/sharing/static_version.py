"""A fingerprint of the site's static files, for the service worker's caches.

The static files are served under fixed names (whitenoise's
CompressedStaticFilesStorage adds no hash), and the service worker serves them
cache-first: without a version that follows their content, a browser would
keep a release's scripts after the next one. The fingerprint is read once per
process, since static files change only with a release (and a restart).
"""

from __future__ import annotations

import functools
import hashlib

from django.contrib.staticfiles import finders


@functools.cache
def static_files_version() -> str:
    """12 hex digits that change whenever any static file's name or content does."""
    digest = hashlib.sha256()
    found = {}
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            found.setdefault(path, storage)  # the first finder wins, as served
    for path in sorted(found):
        digest.update(path.encode())
        digest.update(b"\0")
        with found[path].open(path) as file:
            while block := file.read(1 << 16):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()[:12]
