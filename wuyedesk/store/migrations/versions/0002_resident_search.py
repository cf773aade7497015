"""resident search index (FTS5, trigram)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the trigram index over residents and fill it from the archive."""
    # Imported here: the index's text rules belong to the store, and a later
    # change to them must not change what this revision did.
    from wuyedesk.store.search import index_row

    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        # A server has no FTS5: a plain table searched with LIKE, its phone column holding
        # keyed hashes of the phones' tails (wuyedesk.store.sealing), never the numbers.
        # A new server database is empty here, so there is nothing to fill.
        op.execute(
            "CREATE TABLE resident_fts (rowid INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "phone TEXT NOT NULL, unit_code TEXT NOT NULL, initials TEXT NOT NULL)"
        )
        return
    op.execute(
        "CREATE VIRTUAL TABLE resident_fts USING fts5("
        "name, phone, unit_code, initials, tokenize='trigram')"
    )
    rows = conn.execute(
        sa.text(
            "SELECT r.id, r.name, r.phone, r.landline, u.code "
            "FROM resident r JOIN unit u ON u.id = r.unit_id"
        )
    ).all()
    for row in rows:
        conn.execute(
            sa.text(
                "INSERT INTO resident_fts(rowid, name, phone, unit_code, initials) "
                "VALUES (:id, :name, :phone, :unit_code, :initials)"
            ),
            {"id": row.id, **index_row(row.name, row.phone, row.landline, row.code)},
        )


def downgrade() -> None:
    """Drop the search index."""
    op.execute("DROP TABLE resident_fts")
