import pytest

from groupbuy.deals.services import common


@pytest.fixture
def pushes(monkeypatch):
    """Record deal pushes (sent on commit) instead of using the channel layer."""
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        common, "publish_to_deal", lambda deal_id, event: sent.append((deal_id, event))
    )
    return sent


@pytest.fixture
def file_database(tmp_path):
    """Run the test on a fresh SQLite *file*, as production does.

    pytest-django's SQLite test database lives in shared-cache memory, where a
    second writer is refused at once ("database table is locked") instead of
    queueing on the busy timeout behind BEGIN IMMEDIATE. Races are only
    meaningful on a file (WAL), so this copies the test schema into one and
    points every thread's "default" connection at it. On PostgreSQL it does
    nothing. Use with ``@pytest.mark.django_db(transaction=True)``.
    """
    import sqlite3

    from django.db import connections

    original = connections["default"]
    if original.vendor != "sqlite":
        yield
        return
    original_settings = connections.settings["default"]
    file_settings = {**original_settings, "NAME": str(tmp_path / "race.sqlite3")}
    original.ensure_connection()
    target = sqlite3.connect(file_settings["NAME"])
    original.connection.backup(target)
    # WAL now, while one connection has the file: every connection's init
    # command asks for it, and threads switching a fresh file to WAL together
    # are refused at once ("database is locked"; the busy timeout does not
    # apply to that switch).
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    connections.settings["default"] = file_settings
    connections["default"] = original.__class__(file_settings, "default")
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = original
        connections.settings["default"] = original_settings
