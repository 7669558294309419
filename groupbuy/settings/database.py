"""The database: SQLite in the data dir, or DATABASE_URL's."""

import os

import dj_database_url

from groupbuy.settings.environment import DATA_DIR

SQLITE_PATH = DATA_DIR / "groupbuy.sqlite3"
if os.environ.get("DATABASE_URL"):
    # Under ASGI every request may run on another thread, so persistent
    # per-thread connections pile up until PostgreSQL refuses more; a small
    # psycopg pool per process keeps the count bounded instead.
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ.get("GROUPBUY_DB_POOL_SIZE", "8")),
            "timeout": 20,
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # BEGIN IMMEDIATE takes the write lock up front, so concurrent writers
                # queue on the busy timeout instead of failing with "database is locked"
                # when a read transaction tries to upgrade to a write.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
