import signal

import pytest
from huey import MemoryHuey
from huey.consumer import Consumer

from groupbuy.cli import consumer_keeping_early_stop_signals


@pytest.fixture
def stop_signal_handlers_restored():
    saved = {
        signum: signal.getsignal(signum)
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    }
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_a_sigterm_while_the_worker_starts_reaches_hueys_graceful_stop(
    monkeypatch, stop_signal_handlers_restored
):
    # given: whatever handled SIGTERM before the worker started (in a real
    # worker: the default, which kills the process outright)
    before_start = []
    signal.signal(signal.SIGTERM, lambda signum, _: before_start.append(signum))
    huey_handled = []

    def start_as_huey_does(consumer):
        # its threads start, and SIGTERM arrives ...
        signal.raise_signal(signal.SIGTERM)
        # ... before it installs its own handlers, last
        signal.signal(signal.SIGTERM, lambda signum, _: huey_handled.append(signum))

    monkeypatch.setattr(Consumer, "start", start_as_huey_does)
    consumer = consumer_keeping_early_stop_signals(
        MemoryHuey(immediate=False), workers=1
    )

    # when
    consumer.start()

    # then: Huey's handler (a graceful stop) got the signal, once
    assert huey_handled == [signal.SIGTERM]
    assert before_start == []
