"""``groupbuy backup`` and ``groupbuy restore``: the embedded mode's data in one file.

A backup is a gzipped tar archive holding ``manifest.json``, the SQLite
database copied with SQLite's online backup API (a consistent snapshot while
the server keeps writing), the job queue's database, the media folders, the
file outboxes (texts and e-mails handed over but perhaps not sent on yet), and
the demo mode's generated secrets when there are any (the archive is then as
secret as the data folder: keep it so). PostgreSQL deployments use pg_dump or
point-in-time recovery instead (docs/operations.md).

What waited in the outbox is put back at restore and so sent on late: the site
already marked those deliveries sent (the shopper's inbox has them), and an
order's outcome or a refund is worth reading late rather than never. A texted
code is not: one past its lifetime (GROUPBUY_PHONE_CODE_TTL_MINUTES) at the
restore is dropped, counted in the restore's output, since it no longer works
and, arriving unasked, reads like someone trying the person's account. Pending
deliveries are in the database and the worker sends them after the restore,
with their idempotency keys, which the restored SMS outbox dedupes on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shutil
import sqlite3
import sys
import tarfile
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

FORMAT = "groupbuy-backup-1"
DATABASE = "groupbuy.sqlite3"
QUEUE = "huey.sqlite3"
SECRETS = "demo-secrets.json"
# Half-written files of the SMS outbox (written, then linked into place).
_OUTBOX_SCRATCH = ".tmp-"

logger = logging.getLogger(__name__)


class BackupError(Exception):
    pass


def _is_embedded() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy a live SQLite database page by page, consistent as of one moment."""
    source_connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    target_connection = sqlite3.connect(target)
    try:
        with target_connection:
            source_connection.backup(target_connection, pages=1024)
    finally:
        source_connection.close()
        target_connection.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _counts(database: Path) -> dict[str, int]:
    connection = sqlite3.connect(database)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in tables
        }
    finally:
        connection.close()


def backup_create(*, output: Path) -> dict:
    """Write the archive to ``output``; return its manifest."""
    if not _is_embedded():
        raise BackupError(
            "groupbuy backup covers the embedded mode (SQLite); for PostgreSQL "
            "use pg_dump (docs/operations.md)."
        )
    data_dir = Path(settings.DATA_DIR)
    database = Path(settings.DATABASES["default"]["NAME"])
    if not database.exists():
        raise BackupError(f"no database at {database}")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent) as scratch:
        scratch_dir = Path(scratch)
        files = {}
        _sqlite_copy(database, scratch_dir / DATABASE)
        files[f"database/{DATABASE}"] = scratch_dir / DATABASE
        queue = data_dir / QUEUE
        if queue.exists():
            _sqlite_copy(queue, scratch_dir / QUEUE)
            files[f"database/{QUEUE}"] = scratch_dir / QUEUE
        if (data_dir / SECRETS).exists():
            files[SECRETS] = data_dir / SECRETS
        media_files = [
            (folder, root, path)
            for folder, root in _media_folders().items()
            for path in sorted(root.rglob("*"))
            if path.is_file()
        ]
        outbox_files = [
            (folder, root, path)
            for folder, root in _outbox_folders().items()
            if root.is_dir()
            for path in sorted(root.iterdir())
            if path.is_file() and not path.name.startswith(_OUTBOX_SCRATCH)
        ]
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(),
            "database_sha256": _sha256(scratch_dir / DATABASE),
            "rows": _counts(scratch_dir / DATABASE),
            "media_files": len(media_files),
            "outbox_files": len(outbox_files),
            "includes_secrets": SECRETS in files,
        }
        (scratch_dir / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(scratch_dir / "manifest.json", "manifest.json")
            for name, path in files.items():
                archive.add(path, name)
            for folder, root, path in media_files + outbox_files:
                archive.add(path, f"{folder}/{path.relative_to(root)}")
        partial.chmod(0o600)
        partial.replace(output)
    return manifest


def _safe_members(archive: tarfile.TarFile) -> None:
    for member in archive.getmembers():
        if not (member.isfile() or member.isdir()):
            raise BackupError(f"unexpected entry in the archive: {member.name}")


def backup_restore(*, archive_path: Path, force: bool) -> dict:
    """Put an archive's database, queue, media and secrets back in the data dir.

    Run it with the server and workers stopped. An existing database is only
    replaced with ``force``; what it replaces is moved aside, not deleted.
    """
    if not _is_embedded():
        raise BackupError("groupbuy restore covers the embedded mode (SQLite).")
    data_dir = Path(settings.DATA_DIR)
    database = Path(settings.DATABASES["default"]["NAME"])
    if database.exists() and not force:
        raise BackupError(
            f"{database} exists; stop the server and pass --force to replace it "
            "(the current data is kept aside)."
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=data_dir) as scratch:
        scratch_dir = Path(scratch)
        with tarfile.open(archive_path, "r:gz") as archive:
            _safe_members(archive)
            archive.extractall(scratch_dir, filter="data")
        manifest = json.loads((scratch_dir / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError("not a groupbuy backup archive")
        restored = scratch_dir / "database" / DATABASE
        if _sha256(restored) != manifest["database_sha256"]:
            raise BackupError("the database in the archive is damaged (checksum)")
        check = sqlite3.connect(restored)
        try:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("the database in the archive fails its check")
        finally:
            check.close()
        aside = data_dir / f"before-restore-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
        _move_aside(data_dir, aside, media=list(_media_folders().values()))
        for name in (DATABASE, QUEUE):
            source = scratch_dir / "database" / name
            if source.exists():
                shutil.move(source, data_dir / name)
        if (scratch_dir / SECRETS).exists():
            shutil.move(scratch_dir / SECRETS, data_dir / SECRETS)
        for folder, root in _media_folders().items():
            if (scratch_dir / folder).exists():
                shutil.move(scratch_dir / folder, root)
        manifest["outbox_restored"] = _outbox_restore(scratch_dir)
    return manifest


def _media_folders() -> dict[str, Path]:
    """Name in the archive -> folder: public media and private media (snap
    photos, shared voice notes), each restored where it was."""
    return {
        "media": Path(settings.MEDIA_ROOT),
        "private": Path(settings.GROUPBUY_PRIVATE_MEDIA_ROOT),
    }


def _outbox_folders() -> dict[str, Path]:
    """Name in the archive -> the file outboxes of the one-machine defaults."""
    return {
        "outbox/sms": Path(settings.GROUPBUY_SMS_OUTBOX_DIR),
        "outbox/email": Path(settings.EMAIL_FILE_PATH),
    }


def _outbox_restore(scratch_dir: Path) -> dict[str, int]:
    """Put the archive's outbox files back, but the codes that expired.

    The outbox is not moved aside: a surviving one holds texts written after
    the backup, still to be sent on; a file of the same name is the same
    message (its idempotency key), so the one there is kept.
    """
    counts = {"restored": 0, "expired_codes": 0}
    for folder, root in _outbox_folders().items():
        source = scratch_dir / folder
        if not source.is_dir():
            continue
        root.mkdir(parents=True, exist_ok=True)
        for path in sorted(source.iterdir()):
            if folder == "outbox/sms" and _is_expired_code(path):
                counts["expired_codes"] += 1
                continue
            if not (root / path.name).exists():
                shutil.move(path, root / path.name)
                counts["restored"] += 1
    if counts["expired_codes"]:
        logger.info(
            "restore: %s texted codes that expired since the backup not put back",
            counts["expired_codes"],
        )
    return counts


def _is_expired_code(path: Path) -> bool:
    from groupbuy.accounts.services.phone_codes import PHONE_CODE_KEY_PREFIX

    if not path.name.startswith(PHONE_CODE_KEY_PREFIX):
        return False
    try:
        written = datetime.fromisoformat(json.loads(path.read_text())["created_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return True  # a code nobody can date is not worth texting late
    lifetime = timedelta(minutes=settings.GROUPBUY_PHONE_CODE_TTL_MINUTES)
    return written + lifetime < timezone.now()


def _move_aside(data_dir: Path, aside: Path, *, media: list[Path]) -> None:
    names = [DATABASE, f"{DATABASE}-wal", f"{DATABASE}-shm", QUEUE, SECRETS]
    present = [data_dir / name for name in names if (data_dir / name).exists()]
    present += [folder for folder in media if folder.exists()]
    if not present:
        return
    aside.mkdir()
    for path in present:
        shutil.move(path, aside / path.name)


def backup_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="groupbuy backup")
    parser.add_argument(
        "--output",
        type=Path,
        help="archive to write (default: <data dir>/backups/groupbuy-<time>.tar.gz)",
    )
    args = parser.parse_args(argv)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    output = (
        args.output or Path(settings.DATA_DIR) / "backups" / f"groupbuy-{stamp}.tar.gz"
    )
    try:
        manifest = backup_create(output=output.resolve())
    except BackupError as error:
        print(f"groupbuy backup: {error}", file=sys.stderr)
        return 2
    print(f"backup written to {output} ({manifest['media_files']} media files)")
    return 0


def restore_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="groupbuy restore")
    parser.add_argument("archive", type=Path)
    parser.add_argument(
        "--force", action="store_true", help="replace an existing database"
    )
    args = parser.parse_args(argv)
    try:
        manifest = backup_restore(archive_path=args.archive, force=args.force)
    except (BackupError, tarfile.TarError, OSError) as error:
        print(f"groupbuy restore: {error}", file=sys.stderr)
        return 2
    outbox = manifest["outbox_restored"]
    codes = outbox["expired_codes"]
    print(f"restored the backup of {manifest['created_at']}")
    print(
        f"{outbox['restored']} texts and e-mails put back in the outbox to be sent "
        f"on; {codes} {'code' if codes == 1 else 'codes'} that expired dropped"
    )
    return 0
