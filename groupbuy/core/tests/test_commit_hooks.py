"""Every commit hook groupbuy registers is robust.

Django runs a transaction's commit hooks in order and, when one that is not
robust raises, drops the rest unrun. A file stored in the transaction is kept
by a hook that only records the commit (core/stored_files.py): dropped, the
file would be deleted though its row committed. So no hook may be one that
raises through.
"""

from __future__ import annotations

import ast
from pathlib import Path

import groupbuy

PACKAGE = Path(groupbuy.__file__).parent


def _hooks_not_robust(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name != "on_commit":
            continue
        robust = next((k.value for k in node.keywords if k.arg == "robust"), None)
        if not (isinstance(robust, ast.Constant) and robust.value is True):
            lines.append(node.lineno)
    return lines


def test_the_rule_finds_a_hook_that_is_not_robust():
    assert _hooks_not_robust("transaction.on_commit(record)") == [1]
    assert _hooks_not_robust("on_commit(f, robust=False)") == [1]
    assert _hooks_not_robust("transaction.on_commit(f, robust=True)") == []


def test_every_commit_hook_of_groupbuy_is_robust():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "tests" in path.relative_to(PACKAGE).parts:
            continue
        for line in _hooks_not_robust(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(PACKAGE)}:{line}")
    assert offenders == []
