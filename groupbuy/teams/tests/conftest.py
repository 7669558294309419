from groupbuy.deals.tests.conftest import file_database

__all__ = ["file_database"]
