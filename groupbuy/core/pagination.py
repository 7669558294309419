"""One way to page through lists, for pages and the API alike."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass
class PageResult:
    items: list
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def paginate(queryset, *, page=1, page_size=DEFAULT_PAGE_SIZE) -> PageResult:
    try:
        page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    except (TypeError, ValueError):
        page_size = DEFAULT_PAGE_SIZE
    paginator = Paginator(queryset, page_size)
    try:
        page_obj = paginator.page(page)
    except PageNotAnInteger:
        page_obj = paginator.page(1)
    except EmptyPage:
        page_obj = paginator.page(paginator.num_pages)
    return PageResult(
        items=list(page_obj.object_list),
        page=page_obj.number,
        page_size=page_size,
        total=paginator.count,
    )


def page_payload(result: PageResult, items: list | None = None) -> dict:
    """Return the API's list shape: items plus where this page sits in the list."""
    return {
        "items": result.items if items is None else items,
        "page": result.page,
        "page_size": result.page_size,
        "total": result.total,
        "pages": result.pages,
    }
