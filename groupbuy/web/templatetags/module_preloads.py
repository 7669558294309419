"""Name a page's JavaScript modules, and all they import, in its head.

{% load module_preloads %}
{% module_preloads "web/js/app.js" scripts %}   static paths, or lists of them
{% page_modules "countdown" "deal-live" %}       data-module names (web/js/<name>.js)

A module's imports are asked for only once it has arrived and been read, so
each level of imports costs a network round trip: 2 s on a slow 3G phone, and
a deal page's countdown is four levels deep (app.js starts web/js/countdown.js,
which is clock/countdown.js, which imports clock/sync.js). A
<link rel="modulepreload"> for every module of the tree lets the browser fetch
them all at once, beside the page's stylesheet. The tree is read from the files
once per process: a preload is a hint, so a tree gone stale (an import added
while a development server runs) costs a round trip, never a broken page.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache

from django import template
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html_join

register = template.Library()

# `import … from "./x.js"`, `export … from "../y.js"`, `import "./z.js"`: the
# static imports (a dynamic import() of a computed name is no static import).
STATIC_IMPORT = re.compile(
    r'^\s*(?:import|export)\b[^;"]*?(?:\bfrom\s*)?"(\.{1,2}/[^"]+\.js)"', re.M
)


@lru_cache(maxsize=256)
def module_tree(path: str) -> tuple[str, ...]:
    """Return ``path`` and every module it imports, directly or not, as static
    paths; a path no finder knows is left out."""
    found = finders.find(path)
    if not found:
        return ()
    with open(found, encoding="utf-8") as file:
        source = file.read()
    tree = [path]
    for imported in STATIC_IMPORT.findall(source):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), imported))
        tree += [module for module in module_tree(target) if module not in tree]
    return tuple(tree)


def _links(paths) -> str:
    modules: list[str] = []
    for path in paths:
        modules += [module for module in module_tree(path) if module not in modules]
    return format_html_join(
        "\n", '<link rel="modulepreload" href="{}">', ((static(m),) for m in modules)
    )


@register.simple_tag
def module_preloads(*paths_or_lists) -> str:
    paths: list[str] = []
    for item in paths_or_lists:
        paths += [item] if isinstance(item, str) else list(item)
    return _links(paths)


@register.simple_tag
def page_modules(*names: str) -> str:
    return _links(f"web/js/{name}.js" for name in names)
