"""Extract and compile the zh-Hans catalogs without losing a translation.

Apps with their own ``locale/`` keep their own catalogs, and makemessages files
each string under the catalog nearest the file that uses it. A string already
translated in another catalog (moved, or shared by two apps) would come out
empty there, and one makemessages matched to a similar string "fuzzy", which is
not compiled. So every catalog is filled again afterwards from all of them as
they were before (a compendium), exact matches only, each string taking the
translation Django shows at run time: the catalog first in precedence wins. A
string with no exact match is left empty, never given makemessages' fuzzy guess
(a guess is often another message: "Ledger" took the translation of "Ledger
(fen)"), so the test of the catalogs names it to be translated. A run that
changes no source changes no translation. Needs GNU gettext.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

LOCALE = "zh_Hans"
PACKAGE_DIR = Path(settings.BASE_DIR)


def catalog_precedence(domain: str) -> list[Path]:
    """Every ``LOCALE`` catalog of ``domain`` (its .po, or its .mo where no .po
    is shipped) in the order Django looks a string up: LOCALE_PATHS (the last
    listed first), the installed apps in INSTALLED_APPS order (Django's own
    contrib apps among them, above groupbuy's), then Django's global catalog.
    trans_real merges later catalogs over earlier ones, in the reverse order."""
    directories = [
        *(Path(path) for path in reversed(settings.LOCALE_PATHS)),
        *(Path(config.path) / "locale" for config in apps.get_app_configs()),
        Path(django.__file__).parent / "conf" / "locale",
    ]
    catalogs = []
    for directory in directories:
        catalog = directory / LOCALE / "LC_MESSAGES" / f"{domain}.po"
        if catalog.exists() or catalog.with_suffix(".mo").exists():
            catalogs.append(catalog)
    return catalogs


def _ours(catalog: Path) -> bool:
    return catalog.resolve().is_relative_to(PACKAGE_DIR.resolve())


def _compendium(domain: str, work: Path) -> Path:
    """Every translated string of ``domain``'s catalogs, each with the
    translation Django shows at run time (the first in precedence)."""
    translated = []
    for number, catalog in enumerate(catalog_precedence(domain)):
        kept = work / f"{domain}-{number}.po"
        if not catalog.exists():
            _gettext("msgunfmt", "-o", kept, catalog.with_suffix(".mo"))
            catalog = kept
        only_translated = ["--translated", "--no-fuzzy", "--no-obsolete", "--force-po"]
        _gettext("msgattrib", *only_translated, "-o", kept, catalog)
        translated.append(kept)
    compendium = work / f"{domain}-compendium.po"
    _gettext("msgcat", "--use-first", "--force-po", "-o", compendium, *translated)
    return compendium


def _gettext(*arguments: str | Path) -> None:
    subprocess.run([str(argument) for argument in arguments], check=True)


class Command(BaseCommand):
    help = (
        "Extract the zh-Hans message catalogs (Python and JavaScript), keep every "
        "translation they had, and compile them."
    )

    def handle(self, *args, **options):
        domains = ("django", "djangojs")
        with tempfile.TemporaryDirectory(prefix="groupbuy-messages-") as work:
            compendiums = {d: _compendium(d, Path(work)) for d in domains}
            with contextlib.chdir(PACKAGE_DIR):  # where makemessages looks
                for domain in domains:
                    call_command(
                        "makemessages",
                        domain=domain,
                        locale=[LOCALE],
                        ignore_patterns=["tests/*", "*/tests/*", "*/vendor/*"],
                        # A string no source uses any more is dropped: were it
                        # kept, the merge below would take it for a live one.
                        no_obsolete=True,
                    )
            for domain in domains:
                for catalog in filter(_ours, catalog_precedence(domain)):
                    # The extracted catalog serves as the template (its strings
                    # and where they are used); every translation, and the
                    # header, comes from the compendium, exact matches only.
                    _gettext(
                        "msgmerge",
                        *("--quiet", "--no-fuzzy-matching", "--force-po"),
                        f"--compendium={compendiums[domain]}",
                        *("-o", catalog),
                        *(os.devnull, catalog),
                    )
                    # makemessages' fuzzy guesses survive the merge: empty them.
                    _gettext(
                        "msgattrib", "--clear-fuzzy", "--empty", "-o", catalog, catalog
                    )
        with contextlib.chdir(PACKAGE_DIR):  # where compilemessages looks
            call_command("compilemessages", locale=[LOCALE])
