"""indexes for lists read a page at a time on five years of records

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index the follow-up link, late slips by time and register entries by kind and time."""
    op.create_index(
        op.f("ix_return_visit_previous_visit_id"), "return_visit", ["previous_visit_id"]
    )
    op.create_index(
        "ix_repair_order_late_reported", "repair_order", ["arrival_late", "reported_at"]
    )
    op.create_index("ix_contact_kind_at", "contact", ["kind", "at"])


def downgrade() -> None:
    """Drop the three indexes."""
    op.drop_index("ix_contact_kind_at", table_name="contact")
    op.drop_index("ix_repair_order_late_reported", table_name="repair_order")
    op.drop_index(op.f("ix_return_visit_previous_visit_id"), table_name="return_visit")
