"""Office numbers, gapless per kind and year: WX-2026-000123.

The counter is bumped inside the same transaction that inserts the record,
so a rolled-back save gives its number back and a committed one is never
reused. Voided records keep their number.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from wuyedesk.store.models import NumberCounter

PREFIXES = {
    "repair_free": "WX",
    "repair_paid": "YC",
    "contact": "DJ",
    "help": "QZ",
    "visit": "HF",
}
_NUMBER = re.compile(r"^(WX|YC|DJ|QZ|HF)-(\d{4})-(\d{6})$")


def next_number(session: Session, kind: str, year: int) -> str:
    """Take the next number of this kind for this year, inside the caller's transaction."""
    return next_numbers(session, kind, year, 1)[0]


def next_numbers(session: Session, kind: str, year: int, count: int) -> list[str]:
    """Take `count` consecutive numbers of one kind and year in the caller's transaction."""
    if count < 1:
        return []
    prefix = PREFIXES[kind]
    # One statement that creates the year's counter or bumps it: the row lock it takes
    # makes a second desk's save wait for this transaction, so numbers never repeat, and
    # two desks opening a new year at once cannot both insert the counter.
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(NumberCounter).values(prefix=prefix, year=year, last=count)
    statement = statement.on_conflict_do_update(
        index_elements=[NumberCounter.prefix, NumberCounter.year],
        set_={"last": NumberCounter.last + count},
    )
    last = session.execute(
        statement.returning(NumberCounter.last), execution_options={"synchronize_session": False}
    ).scalar_one()
    return [format_number(prefix, year, serial) for serial in range(last - count + 1, last + 1)]


def format_number(prefix: str, year: int, serial: int) -> str:
    """Print a number in the office's form."""
    return f"{prefix}-{year}-{serial:06d}"


def parse_number(text: str) -> tuple[str, int, int] | None:
    """Split a typed or scanned number into (prefix, year, serial), or None."""
    match = _NUMBER.match(text.strip().upper())
    if not match:
        return None
    return match.group(1), int(match.group(2)), int(match.group(3))


def last_number(session: Session, prefix: str, year: int) -> int:
    """Return the last serial handed out for this prefix and year (0 if none)."""
    value = session.scalar(
        select(NumberCounter.last).where(NumberCounter.prefix == prefix, NumberCounter.year == year)
    )
    return value or 0
