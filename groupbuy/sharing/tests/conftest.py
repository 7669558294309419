import pytest

from groupbuy.notify import senders
from groupbuy.notify.sms import MemorySmsBackend
from groupbuy.sharing.services import shares, threads


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    MemorySmsBackend.outbox.clear()
    yield
    MemorySmsBackend.outbox.clear()


@pytest.fixture(autouse=True)
def pushed(monkeypatch):
    """Record the live events sharing publishes (group, event)."""
    events: list[tuple[str, dict]] = []
    for module in (shares, threads):
        monkeypatch.setattr(
            module, "publish", lambda group, event: events.append((group, event))
        )
    monkeypatch.setattr(senders, "publish", lambda *args: None)
    return events


@pytest.fixture(autouse=True)
def fresh_rate_limits(monkeypatch):
    """Start each test with no matches counted, in one fixed minute: the
    per-minute budget is a fixed window, so a test crossing a minute's end
    would otherwise start a fresh budget half-way (CI once did, 11:03:59.97
    to 11:04:00.11, and a fifth match was let through)."""
    from django.core.cache import cache

    from groupbuy.sharing import throttle

    cache.clear()
    minute = throttle.current_minute()
    monkeypatch.setattr(throttle, "current_minute", lambda: minute)


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    settings.GROUPBUY_SHARING_PRIVATE_DIR = str(tmp_path / "private")
    return tmp_path / "private"


@pytest.fixture(autouse=True)
def vapid_key_file(settings, tmp_path):
    settings.GROUPBUY_WEBPUSH_VAPID_KEY_FILE = str(tmp_path / "webpush" / "vapid.pem")
    return tmp_path / "webpush" / "vapid.pem"
