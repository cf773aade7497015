"""Lists read a page at a time: a page resumes just after the last row the one before read.

A page's place is a keyset cursor (the sort key and id of the last row read), not an
offset: a page costs the same at the end of a 200,000-row list as at its start, and a
record saved between two pages neither repeats nor hides a row of the list being read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, TypeVarTuple

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, or_

T = TypeVar("T")
Ts = TypeVarTuple("Ts")
# A sort key of a list: a column (or expression) and whether it runs descending.
Key = tuple[SQLColumnExpression[Any], bool]
# The sort values and the id of the last row read; opaque to callers.
Cursor = tuple[Any, ...]
PAGE_SIZE = 200
# A list filtered after reading (超时 is worked out per row) reads this many rows a go.
SCAN_BATCH = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and where the next one starts (None after the last page)."""

    rows: list[T]
    after: Cursor | None


@dataclass(frozen=True)
class Tally:
    """How many records a list holds, and how many of them are overdue (its count line)."""

    total: int
    overdue: int


def ordered_after(query: Select[*Ts], keys: Sequence[Key], after: Cursor | None) -> Select[*Ts]:
    """Return the query sorted by its keys and, with a cursor, starting after it."""
    if after is not None:
        query = query.where(_after(keys, after))
    return query.order_by(*(column.desc() if desc else column.asc() for column, desc in keys))


def _after(keys: Sequence[Key], after: Cursor) -> ColumnElement[bool]:
    (first, desc), value = keys[0], after[0]
    past = first < value if desc else first > value
    if len(keys) == 1:
        return past
    reach = first <= value if desc else first >= value
    return and_(reach, or_(past, and_(first == value, _after(keys[1:], after[1:]))))


def collect(
    read: Callable[[Cursor | None, int | None], list[tuple[Cursor, T | None]]],
    after: Cursor | None,
    limit: int | None,
    *,
    sifted: bool = False,
) -> Page[T]:
    """Read a page: the rows in list order after the cursor, up to `limit` (None: all).

    `read(after, n)` returns up to n (cursor, row) pairs in list order (all for n None);
    a sifted list, worked out row by row after reading, gives None for a row it leaves
    out. An unsifted page is one read of limit + 1 rows (the extra row tells that a next
    page exists); a sifted one reads in batches until the page is full or the list ends,
    its cursor the last row read, listed or not.
    """
    if limit is not None and limit < 1:
        raise ValueError("a page holds at least one row")
    rows: list[T] = []
    while True:
        want = None if limit is None else max(limit, SCAN_BATCH) if sifted else limit + 1
        batch = read(after, want)
        for key, row in batch:
            if row is None:
                after = key
                continue
            if limit is not None and len(rows) == limit:
                return Page(rows, after)
            rows.append(row)
            after = key
        if want is None or len(batch) < want:
            return Page(rows, None)
