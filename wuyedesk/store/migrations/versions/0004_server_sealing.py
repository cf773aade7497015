"""server databases: the key slots table and sealed ID-number and phone columns

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

An office file needs nothing here (its key slots are the key file beside it, and the whole
file is encrypted). On PostgreSQL the wrapped key slots live in `office_key`, and the
columns sealed by the program (wuyedesk.store.sealing) become TEXT: the sealed form of a
30-character value is longer than 30 characters; money columns become BIGINT.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SEALED = {
    "resident": ("phone", "landline", "id_number", "emergency_phone"),
    "staff": ("phone",),
    "contact": ("phone",),
    "help_request": ("phone",),
    "repair_order": ("phone",),
}

# Money columns: 99,999,999.99 yuan in fen does not fit a server's 32-bit INTEGER.
MONEY = {
    "repair_order": ("quote_labour_fen", "quote_material_fen", "paid_fen"),
    "quote_line": ("unit_price_fen", "amount_fen"),
    "material_issue": ("unit_price_fen", "amount_fen"),
    "reconciliation": ("material_fen",),
}


def upgrade() -> None:
    """Create the key slots table and widen the sealed columns, on a server only."""
    if op.get_bind().dialect.name == "sqlite":
        return
    op.create_table(
        "office_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_office_key_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_key")),
    )
    for table, columns in SEALED.items():
        for column in columns:
            op.alter_column(table, column, type_=sa.Text())
    for table, columns in MONEY.items():
        for column in columns:
            op.alter_column(table, column, type_=sa.BigInteger())


def downgrade() -> None:
    """Drop the key slots table (sealed values are not opened again: no key here)."""
    if op.get_bind().dialect.name == "sqlite":
        return
    op.drop_table("office_key")
