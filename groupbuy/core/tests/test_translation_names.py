"""Strings marked for translation under names extraction does not know are
never translated: makemessages (xgettext) finds gettext_lazy("…") and _("…"),
not _lazy("…"). The 413 refusal and the snap-capacity notice were shown in
English on Chinese pages that way."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]


def test_translation_functions_are_imported_under_names_extraction_knows():
    renamed = []
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == (
                "django.utils.translation"
            ):
                for alias in node.names:
                    if alias.asname not in (None, "_", alias.name):
                        renamed.append(f"{path.relative_to(PACKAGE)}: {alias.asname}")
    assert renamed == []
