"""`make messages` (manage.py update_messages) on a copy of the package: every
string the code shows has a zh-Hans translation, and the catalogs in the
repository are what extraction gives."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("msgmerge"), reason="needs GNU gettext"),
]


def _messages(catalog: Path, *options: str) -> set[tuple[str, str]]:
    """(msgid, msgstr) of every live entry, wrapping and locations aside."""
    text = subprocess.run(
        ["msgattrib", "--no-obsolete", "--no-wrap", "--no-location", *options],
        input=catalog.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    entries = set()
    for block in text.split("\n\n"):
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        if msgid and msgid.group(1):
            context = re.search(r'^msgctxt "(.*)"$', block, re.M)
            strings = re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', block, re.M)
            key = f"{context.group(1)}\x04" if context else ""
            entries.add((key + msgid.group(1), "\x00".join(strings)))
    return entries


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    copy = tmp_path_factory.mktemp("checkout")
    ignore = shutil.ignore_patterns("__pycache__", "var", "*.pyc")
    shutil.copytree(REPO / "groupbuy", copy / "groupbuy", ignore=ignore)
    shutil.copy(REPO / "manage.py", copy)
    started = time.time()
    subprocess.run(
        [sys.executable, "manage.py", "update_messages"],
        cwd=copy,
        env={
            **os.environ,
            # the copy, not the installed package, is the one imported
            "PYTHONPATH": str(copy),
            "DJANGO_SETTINGS_MODULE": "groupbuy.settings",
            "GROUPBUY_DATA_DIR": str(tmp_path_factory.mktemp("data")),
        },
        capture_output=True,
        check=True,
    )
    catalogs = sorted((copy / "groupbuy").rglob("zh_Hans/LC_MESSAGES/*.po"))
    assert catalogs and all(c.stat().st_mtime >= started for c in catalogs)
    return copy, catalogs


def test_every_string_the_code_shows_has_a_chinese_translation(extracted):
    copy, catalogs = extracted
    untranslated = {
        str(catalog.relative_to(copy)): sorted(msgid for msgid, _ in missing)
        for catalog in catalogs
        if (missing := _messages(catalog, "--untranslated"))
    }
    assert untranslated == {}, "translate these in the catalogs (make messages)"


def test_the_catalogs_are_what_extraction_gives(extracted):
    # A string added, changed or removed in the code without `make messages`
    # leaves the catalog behind; so would a translation the extraction lost.
    copy, catalogs = extracted
    stale = [
        str(catalog.relative_to(copy))
        for catalog in catalogs
        if not (REPO / catalog.relative_to(copy)).exists()
        or _messages(catalog) != _messages(REPO / catalog.relative_to(copy))
    ]
    assert stale == [], "run `make messages` and commit the catalogs"


CATALOGS = sorted((REPO / "groupbuy").rglob("zh_Hans/LC_MESSAGES/*.po"))
# Python's %-placeholders and the {name} of str.format and the scripts.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\w*\}")


def test_no_translation_is_left_fuzzy():
    # compilemessages leaves a fuzzy entry out, so the page shows the English;
    # and a fuzzy guess is often another message altogether.
    fuzzy = {
        str(catalog.relative_to(REPO)): sorted(msgid for msgid, _ in entries)
        for catalog in CATALOGS
        if (entries := _messages(catalog, "--only-fuzzy"))
    }
    assert fuzzy == {}, "translate these and remove their fuzzy flag"


def _plural_english(catalog: Path) -> dict[str, str]:
    """msgid → msgid_plural of the catalog's plural entries."""
    text = subprocess.run(
        ["msgattrib", "--no-wrap", "--no-location", str(catalog)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(re.findall(r'^msgid "(.+)"\nmsgid_plural "(.*)"$', text, re.M))


def test_every_translation_keeps_the_placeholders_of_its_english():
    # A translation naming a placeholder the code does not pass raises
    # KeyError where it is shown; one that drops a placeholder drops the
    # amount, the name or the date from the sentence.
    wrong = []
    for catalog in CATALOGS:
        plurals = _plural_english(catalog)
        for key, msgstrs in _messages(catalog, "--translated", "--no-fuzzy"):
            msgid = key.rpartition("\x04")[2]
            english = sorted(PLACEHOLDER.findall(plurals.get(msgid, msgid)))
            for msgstr in msgstrs.split("\x00"):
                if sorted(PLACEHOLDER.findall(msgstr)) != english:
                    wrong.append(f"{catalog.relative_to(REPO)}: {msgid!r} → {msgstr!r}")
    assert wrong == [], "\n".join(wrong)


def test_the_chinese_addresses_people_one_way():
    # The catalogs mixed 你 and 您 (39 and 102 lines): the refund notice said
    # 你, the join form 您. The site says 您 throughout, like the shops and
    # payment apps it sits beside.
    informal = [
        f"{catalog.relative_to(REPO)}: {key!r} → {msgstrs!r}"
        for catalog in CATALOGS
        for key, msgstrs in _messages(catalog, "--translated")
        if "你" in msgstrs
    ]
    assert informal == [], "\n".join(informal)
