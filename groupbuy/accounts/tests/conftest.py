import pytest

from groupbuy.accounts.tests.helpers import committed_runner
from groupbuy.notify.sms import MemorySmsBackend


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    MemorySmsBackend.outbox.clear()
    yield
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return committed_runner(django_capture_on_commit_callbacks)
