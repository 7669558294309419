"""What a page with several paged lists is checked for."""

from groupbuy.core.pagination import default_page_size


def assert_lists_paged(first: str, second: str, lists: dict[str, str]) -> None:
    """Each of ``lists`` ({its page parameter: what marks one of its rows})
    shows a page's worth on ``first``, with a "Next" link to its page 2 alone,
    and one row on ``second`` (each list's page 2)."""
    for param, row in lists.items():
        assert first.count(row) == default_page_size(), param
        assert f'id="{param}-next" href="?{param}=2"' in first
        assert second.count(row) == 1, param
