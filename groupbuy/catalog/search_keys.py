"""Fill the pinyin keys of rows written without them.

``save()`` writes a row's keys (``catalog.pinyin.name_keys``). During a rolling
deploy the release before inserts rows without naming the key columns, whose
``db_default`` is "", so nobody finds them by pinyin until they are saved
again; the periodic jobs (``catalog.tasks.search_keys_fill``,
``deals.tasks.deal_search_keys_fill``) give them their keys.

A row needs keys when both are empty and a name they are read from holds a
Han character: a name without one rightly has empty keys, and is not read
again every run. Each write is conditional on the names and the keys being
as read, so a row saved meanwhile keeps the keys its save wrote; running the
job again changes nothing.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Model, Q

from groupbuy.catalog.pinyin import name_keys

# Han characters as Django's __regex reads them on both databases (Python's re
# on SQLite, PostgreSQL's own regular expressions).
HAN = "[\u3400-\u9fff\uf900-\ufaff]"
BATCH_SIZE = 500
MAX_BATCHES = 20  # a run reads at most 10,000 rows; the next run goes on


def fill_missing_keys(
    model: type[Model],
    *,
    sources: tuple[str, ...],
    batch_size: int = BATCH_SIZE,
    max_batches: int = MAX_BATCHES,
) -> int:
    """Write the keys of ``model``'s rows that have none though one of
    ``sources`` (the fields ``save()`` reads them from, in its order) holds a
    Han character; return how many rows got keys."""
    holds_han = reduce(or_, (Q(**{f"{source}__regex": HAN}) for source in sources))
    missing = model._base_manager.filter(
        holds_han, search_pinyin="", search_initials=""
    )
    filled, after = 0, 0
    for _batch in range(max_batches):
        rows = list(
            missing.filter(pk__gt=after)
            .order_by("pk")
            .values("pk", *sources)[:batch_size]
        )
        if not rows:
            break
        after = rows[-1]["pk"]
        filled += _write_keys(model, rows, sources=sources)
    return filled


def _write_keys(model: type[Model], rows: list[dict], *, sources) -> int:
    written = 0
    with transaction.atomic():
        for row in rows:
            pinyin, initials = name_keys(*(row[source] for source in sources))
            if not pinyin:
                continue  # characters without a reading: nothing to write
            as_read = {source: row[source] for source in sources}
            written += model._base_manager.filter(
                pk=row["pk"], search_pinyin="", search_initials="", **as_read
            ).update(search_pinyin=pinyin, search_initials=initials)
    return written
