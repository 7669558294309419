import json
import tarfile

import pytest

from groupbuy.ops.backup import BackupError, backup_create, backup_main


def test_backup_refuses_postgresql_and_points_to_pg_dump(settings, tmp_path):
    settings.DATABASES = {
        **settings.DATABASES,
        "default": {
            **settings.DATABASES["default"],
            "ENGINE": "django.db.backends.postgresql",
        },
    }
    with pytest.raises(BackupError, match="pg_dump"):
        backup_create(output=tmp_path / "b.tar.gz")
    assert not (tmp_path / "b.tar.gz").exists()


def test_backup_archive_has_a_manifest_database_and_media(settings, tmp_path, capsys):
    # given: a file database and one media file
    import sqlite3

    database = tmp_path / "groupbuy.sqlite3"
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE orders (id INTEGER)")
    connection.execute("INSERT INTO orders VALUES (1), (2)")
    connection.commit()
    connection.close()
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "snaps").mkdir(parents=True)
    (tmp_path / "media" / "snaps" / "a.jpg").write_bytes(b"jpeg")
    settings.GROUPBUY_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    (tmp_path / "private" / "snaps").mkdir(parents=True)
    (tmp_path / "private" / "snaps" / "b.jpg").write_bytes(b"private jpeg")
    settings.DATABASES = {
        **settings.DATABASES,
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": database},
    }
    output = tmp_path / "out" / "b.tar.gz"

    # when
    assert backup_main(["--output", str(output)]) == 0

    # then
    with tarfile.open(output) as archive:
        names = set(archive.getnames())
        manifest = json.load(archive.extractfile("manifest.json"))
    assert {
        "manifest.json",
        "database/groupbuy.sqlite3",
        "media/snaps/a.jpg",
        "private/snaps/b.jpg",
    } <= names
    assert manifest["rows"] == {"orders": 2}
    assert manifest["media_files"] == 2
    assert oct(output.stat().st_mode & 0o777) == "0o600"
    assert "backup written" in capsys.readouterr().out
