"""PostgreSQL's id sequences after rows went in with their ids (a migration, the demo).

An office file's SQLite picks the next id from the table itself; a server's SERIAL column
takes it from a sequence that explicit ids do not move, so the next save would collide.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Integer, Table, text


def reset_sequences(conn: Connection, tables: Sequence[Table]) -> None:
    """Point every id sequence past the copied rows, so a new record's id never collides."""
    quote = conn.dialect.identifier_preparer.quote
    for table in tables:
        column = serial_column(table)
        if column is None:
            continue
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column}
        ).scalar()
        if sequence is None:
            continue
        conn.execute(
            text(
                f"SELECT setval(:s, COALESCE((SELECT MAX({quote(column)}) "
                f"FROM {quote(table.name)}), 0) + 1, false)"
            ),
            {"s": sequence},
        )


def serial_column(table: Table) -> str | None:
    """Return a table's single integer key column (a server sequence feeds it), or None."""
    columns = list(table.primary_key.columns)
    if len(columns) == 1 and isinstance(columns[0].type, Integer):
        return columns[0].name
    return None
