import pytest
from django.test import Client

from groupbuy.accounts.models import User

PASSWORD = "correct-horse-battery"


@pytest.fixture
def shopper(db) -> User:
    return User.objects.create_user(
        "+8613800138000", PASSWORD, display_name="Lin", preferred_language="en"
    )


@pytest.fixture
def operator(db) -> User:
    return User.objects.create_user(
        "+8613900139000",
        PASSWORD,
        display_name="Op",
        is_staff=True,
        preferred_language="en",
    )


@pytest.fixture
def shopper_client(shopper) -> Client:
    client = Client()
    client.force_login(shopper)
    return client


@pytest.fixture
def operator_client(operator) -> Client:
    client = Client()
    client.force_login(operator)
    return client
