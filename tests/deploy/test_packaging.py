"""What `pip install .` (a wheel, not the editable install `make` uses) ships."""

from __future__ import annotations

import fnmatch
import re
import subprocess
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_asset_outside_the_tests_is_package_data():
    # setuptools ships only the non-Python files package-data names: a template,
    # a vendored script or a demo photo it does not match is missing from a wheel
    # install, and the page that needs it breaks there alone.
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["*"]
    tracked = subprocess.run(
        ["git", "ls-files", "groupbuy"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    missing = [
        name
        for name in tracked
        if not name.endswith(".py")
        and "tests" not in Path(name).parts
        and not any(fnmatch.fnmatch(Path(name).name, pattern) for pattern in patterns)
    ]
    assert tracked and missing == []


def test_every_dependency_is_pinned():
    requirements = [
        *PYPROJECT["build-system"]["requires"],
        *PYPROJECT["project"]["dependencies"],
        *(
            requirement
            for group in PYPROJECT["project"]["optional-dependencies"].values()
            for requirement in group
        ),
    ]
    pinned = re.compile(r"^[A-Za-z0-9_.-]+(\[[a-z0-9,_-]+\])?==[0-9][0-9A-Za-z.]*$")
    assert [r for r in requirements if not pinned.match(r)] == []


def test_the_licence_is_an_spdx_expression_with_its_text():
    # A licence table ({text = ...}) is deprecated in setuptools and stops
    # building after 2027-02-18; the SPDX string also lands in the metadata as
    # License-Expression, which tools read.
    assert PYPROJECT["project"]["license"] == "AGPL-3.0-or-later"
    for name in PYPROJECT["project"]["license-files"]:
        text = (REPO / name).read_text(encoding="utf-8")
        assert text.startswith("GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3")
