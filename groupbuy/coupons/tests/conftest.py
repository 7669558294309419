from groupbuy.deals.tests.conftest import file_database  # noqa: F401 - shared fixture
