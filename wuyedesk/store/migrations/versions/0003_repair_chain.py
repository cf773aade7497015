"""repair chain: dispatcher, late-arrival flag, closing time, daily reconciliation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the daily reconciliation table and the slip's new columns."""
    op.create_table(
        "reconciliation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("eng_supervisor_id", sa.Integer(), nullable=False),
        sa.Column("storekeeper_id", sa.Integer(), nullable=False),
        sa.Column("supervisor_signature_id", sa.Integer(), nullable=True),
        sa.Column("storekeeper_signature_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("slip_count", sa.Integer(), nullable=False),
        sa.Column("material_fen", sa.Integer(), nullable=False),
        sa.Column("differences", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["eng_supervisor_id"],
            ["staff.id"],
            name=op.f("fk_reconciliation_eng_supervisor_id_staff"),
        ),
        sa.ForeignKeyConstraint(
            ["storekeeper_id"], ["staff.id"], name=op.f("fk_reconciliation_storekeeper_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_signature_id"],
            ["signature.id"],
            name=op.f("fk_reconciliation_supervisor_signature_id_signature"),
        ),
        sa.ForeignKeyConstraint(
            ["storekeeper_signature_id"],
            ["signature.id"],
            name=op.f("fk_reconciliation_storekeeper_signature_id_signature"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation")),
        sa.UniqueConstraint("day", name=op.f("uq_reconciliation_day")),
    )
    with op.batch_alter_table("repair_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dispatched_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("arrival_late", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reconciliation_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_repair_order_engineer_id"), ["engineer_id"])
        batch_op.create_index(batch_op.f("ix_repair_order_arrival_late"), ["arrival_late"])
        batch_op.create_foreign_key(
            batch_op.f("fk_repair_order_dispatched_by_id_staff"),
            "staff",
            ["dispatched_by_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_repair_order_reconciliation_id_reconciliation"),
            "reconciliation",
            ["reconciliation_id"],
            ["id"],
        )


def downgrade() -> None:
    """Drop the slip's new columns and the reconciliation table."""
    with op.batch_alter_table("repair_order", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_repair_order_reconciliation_id_reconciliation"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_repair_order_dispatched_by_id_staff"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_repair_order_arrival_late"))
        batch_op.drop_index(batch_op.f("ix_repair_order_engineer_id"))
        batch_op.drop_column("reconciliation_id")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("arrival_late")
        batch_op.drop_column("dispatched_by_id")
    op.drop_table("reconciliation")
