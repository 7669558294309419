import pytest

from groupbuy.escrow import handlers


@pytest.fixture
def capture_calls():
    """Register handlers for "test.purpose" that record calls; accept by default."""
    calls: dict[str, list] = {"captured": [], "failed": [], "accept": [True]}

    def on_capture(*, intent):
        calls["captured"].append(intent.public_id)
        return calls["accept"][0]

    def on_failed(*, intent):
        calls["failed"].append(intent.public_id)

    handlers.register_capture_handler("test.purpose", on_capture)
    handlers.register_payment_failed_handler("test.purpose", on_failed)
    yield calls
    handlers._capture_handlers.pop("test.purpose", None)
    handlers._failure_handlers.pop("test.purpose", None)
