"""The station's local SQLite ledger: its keys, the platform keys, revocations
and every redemption it accepted. No Django: the station runs on its own."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS config (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS platform_keys (
    platform_id TEXT NOT NULL, key_id INTEGER NOT NULL, public_key BLOB NOT NULL,
    valid_until INTEGER, PRIMARY KEY (platform_id, key_id));
CREATE TABLE IF NOT EXISTS revocations (
    serial TEXT PRIMARY KEY, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS refunded_units (
    serial TEXT PRIMARY KEY, units INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS redemptions (
    nonce TEXT PRIMARY KEY, serial TEXT NOT NULL, code TEXT NOT NULL,
    quantity INTEGER NOT NULL, redeemed_at INTEGER NOT NULL, branch TEXT NOT NULL,
    cashier TEXT NOT NULL, batch TEXT);
CREATE INDEX IF NOT EXISTS redemptions_serial ON redemptions (serial);
CREATE TABLE IF NOT EXISTS batches (
    name TEXT PRIMARY KEY, path TEXT NOT NULL, created_at INTEGER NOT NULL,
    uploaded_at INTEGER, result TEXT);
"""
# Version 1 kept one redemption per serial (UNIQUE); version 2 allows several
# (partial redemption of a multi-unit coupon), so the table is rebuilt.
SCHEMA_VERSION = 2
UPGRADE_TO_2 = """
ALTER TABLE redemptions RENAME TO redemptions_v1;
CREATE TABLE redemptions (
    nonce TEXT PRIMARY KEY, serial TEXT NOT NULL, code TEXT NOT NULL,
    quantity INTEGER NOT NULL, redeemed_at INTEGER NOT NULL, branch TEXT NOT NULL,
    cashier TEXT NOT NULL, batch TEXT);
INSERT INTO redemptions SELECT * FROM redemptions_v1;
DROP TABLE redemptions_v1;
CREATE INDEX IF NOT EXISTS redemptions_serial ON redemptions (serial);
"""


class Ledger:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = self.directory / "station.sqlite3"
        new = not self.path.exists()
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=10)
        if new:
            os.chmod(self.path, 0o600)  # it holds the merchant's private keys
        self.db.execute("PRAGMA journal_mode=WAL")
        self._upgrade(new)

    def _upgrade(self, new: bool) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if not new and version < 2 and self._has_table("redemptions"):
            self.db.executescript(f"BEGIN IMMEDIATE;{UPGRADE_TO_2}COMMIT;")
        self.db.executescript(SCHEMA)
        self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _has_table(self, name: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)
        )
        return row.fetchone() is not None

    def close(self) -> None:
        self.db.close()

    def get(self, name: str, default: str = "") -> str:
        row = self.db.execute("SELECT value FROM config WHERE name=?", (name,))
        found = row.fetchone()
        return found[0] if found else default

    def set(self, **values) -> None:
        for name, value in values.items():
            self.db.execute(
                "INSERT INTO config VALUES (?, ?) ON CONFLICT(name) DO UPDATE "
                "SET value=excluded.value",
                (name, str(value)),
            )

    @property
    def is_initialised(self) -> bool:
        return bool(self.get("merchant_id"))

    def platform_keys(self) -> list[tuple[str, int, bytes, int | None]]:
        return self.db.execute("SELECT * FROM platform_keys").fetchall()

    def replace_platform_keys(self, keys) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute("DELETE FROM platform_keys")
        self.db.executemany("INSERT INTO platform_keys VALUES (?, ?, ?, ?)", keys)
        self.db.execute("COMMIT")

    def add_revocations(self, rows) -> None:
        self.db.executemany("INSERT OR REPLACE INTO revocations VALUES (?, ?)", rows)

    def add_refunded_units(self, rows) -> None:
        """Note ``(serial, units refunded so far)``; a count never goes down
        (an older answer arriving late changes nothing)."""
        self.db.executemany(
            "INSERT INTO refunded_units VALUES (?, ?) ON CONFLICT(serial) DO "
            "UPDATE SET units=MAX(units, excluded.units)",
            rows,
        )

    def refunded_units(self, serial: str) -> int:
        row = self.db.execute(
            "SELECT units FROM refunded_units WHERE serial=?", (serial,)
        ).fetchone()
        return int(row[0]) if row else 0

    def revocation_reason(self, serial: str) -> str | None:
        row = self.db.execute(
            "SELECT reason FROM revocations WHERE serial=?", (serial,)
        )
        found = row.fetchone()
        return found[0] if found else None

    def record(
        self, *, nonce, serial, code, quantity, of_units, branch, cashier, now=None
    ) -> int:
        """Record ``quantity`` units of a coupon of ``of_units``; return the units
        it had left before (nothing is recorded when fewer than ``quantity``).

        The check and the insert run in one write transaction, so two tills
        sharing the ledger cannot both take the last unit.
        """
        self.db.execute("BEGIN IMMEDIATE")
        try:
            left = of_units - self.units_redeemed(serial)
            if quantity <= left:
                self.db.execute(
                    "INSERT INTO redemptions VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                    (
                        nonce,
                        serial,
                        code,
                        quantity,
                        int(now if now is not None else time.time()),
                        branch,
                        cashier,
                    ),
                )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return left

    def units_redeemed(self, serial: str) -> int:
        row = self.db.execute(
            "SELECT COALESCE(SUM(quantity), 0) FROM redemptions WHERE serial=?",
            (serial,),
        )
        return int(row.fetchone()[0])

    def redemption_of(self, serial: str):
        """Return (time, branch) of the serial's latest redemption here."""
        return self.db.execute(
            "SELECT redeemed_at, branch FROM redemptions WHERE serial=? "
            "ORDER BY redeemed_at DESC LIMIT 1",
            (serial,),
        ).fetchone()

    def redemptions_since(self, since: int):
        return self.db.execute(
            "SELECT serial, quantity, redeemed_at, branch, cashier, batch "
            "FROM redemptions WHERE redeemed_at >= ? ORDER BY redeemed_at DESC",
            (since,),
        ).fetchall()

    def unexported(self):
        return self.db.execute(
            "SELECT nonce, serial, code, quantity, redeemed_at, branch, cashier "
            "FROM redemptions WHERE batch IS NULL ORDER BY redeemed_at"
        ).fetchall()

    def mark_exported(self, nonces: list[str], batch: str, path: Path) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        self.db.executemany(
            "UPDATE redemptions SET batch=? WHERE nonce=?",
            [(batch, nonce) for nonce in nonces],
        )
        self.db.execute(
            "INSERT INTO batches VALUES (?, ?, ?, NULL, NULL)",
            (batch, str(path), int(time.time())),
        )
        self.db.execute("COMMIT")

    def batches_to_upload(self):
        return self.db.execute(
            "SELECT name, path FROM batches WHERE uploaded_at IS NULL ORDER BY name"
        ).fetchall()

    def mark_uploaded(self, name: str, result: str) -> None:
        self.db.execute(
            "UPDATE batches SET uploaded_at=?, result=? WHERE name=?",
            (int(time.time()), result, name),
        )
