"""The "Source code" offer (AGPL-3.0 § 13): the code the site runs, nothing else."""

import io
import tarfile
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from groupbuy.web import source

# one_database: the archive and the page offering it, whichever engine runs.
pytestmark = pytest.mark.one_database


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def test_more_page_offers_the_source_code(db):
    page = Client().get(reverse("web:more")).content.decode()
    assert f"groupbuy {source.version()}" in page
    assert f'href="{reverse("web:source_code")}"' in page


def test_the_offer_reads_in_chinese(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    page = client.get(reverse("web:more")).content.decode()
    assert "自由软件" in page and "源代码" in page


def test_anyone_downloads_the_code_this_site_runs(db, data_dir):
    response = Client().get(reverse("web:source_code"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    filename = f"groupbuy-{source.version()}.tar.gz"
    assert filename in response["Content-Disposition"]
    assert response.is_async  # sent a block at a time under ASGI
    body = b"".join(response)
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as tar:
        prefix = f"groupbuy-{source.version()}/"
        running = Path(source.__file__).read_bytes()
        packed = tar.extractfile(prefix + "groupbuy/web/source.py").read()
        assert packed == running
        names = tar.getnames()
    assert prefix + "groupbuy/settings/__init__.py" in names
    assert prefix + "LICENSE" in names
    assert not [name for name in names if "__pycache__" in name]


def test_source_url_setting_sends_people_to_the_published_code(db, settings):
    settings.GROUPBUY_SOURCE_URL = "https://git.example.com/shop/groupbuy"
    response = Client().get(reverse("web:source_code"))
    assert response.status_code == 302
    assert response["Location"] == "https://git.example.com/shop/groupbuy"


def test_source_is_only_read(db, data_dir):
    assert Client().post(reverse("web:source_code")).status_code == 405


@pytest.fixture
def tree(monkeypatch, settings, tmp_path):
    """A checkout whose data directory sits inside the package, the worst case."""
    checkout = tmp_path / "checkout"
    package = checkout / "groupbuy"
    for name, text in {
        "groupbuy/__init__.py": "",
        "groupbuy/app/views.py": "VIEWS = 1\n",
        "groupbuy/app/templates/page.html": "<p>page</p>",
        "groupbuy/app/__pycache__/views.cpython-311.pyc": "compiled",
        "groupbuy/db.sqlite3": "rows",
        "groupbuy/.env": "SECRET_KEY=not-for-you",
        "groupbuy/var/demo-secrets.json": "{}",
        "groupbuy/var/media/snap.py": "uploaded by someone",
        "docs/guide.md": "# guide",
        "pyproject.toml": "[project]",
        "manage.py": "",
        "LICENSE": "GNU AFFERO GENERAL PUBLIC LICENSE",
        "notes.txt": "private notes beside the checkout",
    }.items():
        path = checkout / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.setattr(source, "PACKAGE_DIR", package)
    monkeypatch.setattr(source, "CHECKOUT_DIR", checkout)
    settings.DATA_DIR = package / "var"
    return checkout


def test_only_source_files_are_packed_never_the_data_directory(tree):
    prefix = f"groupbuy-{source.version()}/"
    names = [name.removeprefix(prefix) for _, name in source.source_files()]
    assert names == [
        "LICENSE",
        "docs/guide.md",
        "groupbuy/__init__.py",
        "groupbuy/app/templates/page.html",
        "groupbuy/app/views.py",
        "manage.py",
        "pyproject.toml",
    ]


def test_a_data_directory_left_in_the_package_is_not_packed(tree, settings):
    settings.DATA_DIR = tree.parent / "data-now-elsewhere"
    names = [name.split("/", 1)[1] for _, name in source.source_files()]
    assert not [name for name in names if "/var/" in name]
    assert "groupbuy/app/views.py" in names


def test_a_wheel_install_packs_the_package_alone(tree):
    (tree / "manage.py").unlink()  # site-packages has no checkout files
    names = [name.split("/", 1)[1] for _, name in source.source_files()]
    assert names == [
        "groupbuy/__init__.py",
        "groupbuy/app/templates/page.html",
        "groupbuy/app/views.py",
    ]


def test_the_archive_is_built_once_and_again_after_a_change(tree):
    first = source.source_archive()
    assert source.source_archive() == first
    (tree / "groupbuy/app/views.py").write_text("VIEWS = 2  # deployed\n")
    second = source.source_archive()
    assert second != first
    assert second.exists() and not first.exists()
    with tarfile.open(second) as tar:
        member = tar.extractfile(f"groupbuy-{source.version()}/groupbuy/app/views.py")
        assert member.read() == b"VIEWS = 2  # deployed\n"
    assert list(second.parent.glob("*.part")) == []
