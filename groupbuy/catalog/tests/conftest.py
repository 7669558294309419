import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Pin the language: a request by a zh-hans user leaves it active in the thread."""
    with translation.override("en"):
        yield
