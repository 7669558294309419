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
