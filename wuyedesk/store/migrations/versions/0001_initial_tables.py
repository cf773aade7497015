"""initial tables

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""

    op.create_table(
        "building",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=20), nullable=False),
        sa.Column("floors_above", sa.Integer(), nullable=False),
        sa.Column("floors_below", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_building")),
        sa.UniqueConstraint("label", name=op.f("uq_building_label")),
    )
    op.create_table(
        "number_counter",
        sa.Column("prefix", sa.String(length=4), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year", name=op.f("pk_number_counter")),
    )
    op.create_table(
        "office",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_uid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("estate_name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office")),
        sa.UniqueConstraint("office_uid", name=op.f("uq_office_office_uid")),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("department", sa.String(length=20), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("pin_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_pins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("name", name=op.f("uq_staff_name")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=60), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_audit_log_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    op.create_table(
        "daily_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("counts_json", sa.Text(), nullable=False),
        sa.Column("done_text", sa.Text(), nullable=True),
        sa.Column("undone_text", sa.Text(), nullable=True),
        sa.Column("coordination_text", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("next_day_tasks", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["staff.id"], name=op.f("fk_daily_report_reviewer_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_daily_report_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_report")),
        sa.UniqueConstraint("day", "staff_id", name=op.f("uq_daily_report_day")),
    )
    with op.batch_alter_table("daily_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_daily_report_day"), ["day"], unique=False)

    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("form", sa.String(length=40), nullable=False),
        sa.Column("record_key", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_draft_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft")),
        sa.UniqueConstraint("staff_id", "form", "record_key", name=op.f("uq_draft_staff_id")),
    )
    op.create_table(
        "entrance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"], ["building.id"], name=op.f("fk_entrance_building_id_building")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entrance")),
        sa.UniqueConstraint("building_id", "number", name=op.f("uq_entrance_building_id")),
    )
    with op.batch_alter_table("entrance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entrance_building_id"), ["building_id"], unique=False)

    op.create_table(
        "floor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("storey", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=20), nullable=False),
        sa.Column("refuge", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"], ["building.id"], name=op.f("fk_floor_building_id_building")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_floor")),
        sa.UniqueConstraint("building_id", "storey", name=op.f("uq_floor_building_id")),
    )
    with op.batch_alter_table("floor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_floor_building_id"), ["building_id"], unique=False)

    op.create_table(
        "signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.Column("signer_name", sa.String(length=40), nullable=False),
        sa.Column("signer_staff_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["signer_staff_id"], ["staff.id"], name=op.f("fk_signature_signer_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signature")),
    )
    op.create_table(
        "spot_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("checked", sa.Text(), nullable=False),
        sa.Column("found", sa.Text(), nullable=True),
        sa.Column("corrected", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_spot_check_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"], ["staff.id"], name=op.f("fk_spot_check_supervisor_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spot_check")),
    )
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("entrance_id", sa.Integer(), nullable=True),
        sa.Column("floor_id", sa.Integer(), nullable=False),
        sa.Column("room", sa.String(length=10), nullable=False),
        sa.Column("sort_key", sa.String(length=60), nullable=False),
        sa.Column("area_centi_m2", sa.Integer(), nullable=True),
        sa.Column("possession_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"], ["building.id"], name=op.f("fk_unit_building_id_building")
        ),
        sa.ForeignKeyConstraint(
            ["entrance_id"], ["entrance.id"], name=op.f("fk_unit_entrance_id_entrance")
        ),
        sa.ForeignKeyConstraint(["floor_id"], ["floor.id"], name=op.f("fk_unit_floor_id_floor")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit")),
        sa.UniqueConstraint("code", name=op.f("uq_unit_code")),
    )
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_building_id"), ["building_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_entrance_id"), ["entrance_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_floor_id"), ["floor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_sort_key"), ["sort_key"], unique=False)

    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("caller_name", sa.String(length=40), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("relayed_department", sa.String(length=20), nullable=True),
        sa.Column("relayed_to", sa.String(length=40), nullable=True),
        sa.Column("relayed_at", sa.DateTime(), nullable=True),
        sa.Column("complained_department", sa.String(length=20), nullable=True),
        sa.Column("dept_contact_at", sa.DateTime(), nullable=True),
        sa.Column("remedy", sa.Text(), nullable=True),
        sa.Column("solvable", sa.Boolean(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("visit_due_at", sa.DateTime(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("result_at", sa.DateTime(), nullable=True),
        sa.Column("satisfaction", sa.String(length=12), nullable=True),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("archived_by_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["archived_by_id"], ["staff.id"], name=op.f("fk_contact_archived_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["staff.id"], name=op.f("fk_contact_recorded_by_id_staff")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_contact_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
        sa.UniqueConstraint("number", name=op.f("uq_contact_number")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_visit_due_at"), ["visit_due_at"], unique=False)

    op.create_table(
        "resident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("gender", sa.String(length=4), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("landline", sa.String(length=30), nullable=True),
        sa.Column("id_type", sa.String(length=20), nullable=True),
        sa.Column("id_number", sa.String(length=30), nullable=True),
        sa.Column("employer", sa.String(length=100), nullable=True),
        sa.Column("emergency_name", sa.String(length=40), nullable=True),
        sa.Column("emergency_phone", sa.String(length=30), nullable=True),
        sa.Column("moved_in", sa.Date(), nullable=True),
        sa.Column("moved_out", sa.Date(), nullable=True),
        sa.Column("plate", sa.String(length=12), nullable=True),
        sa.Column("habits", sa.Text(), nullable=True),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.Column("data_status", sa.String(length=12), nullable=False),
        sa.Column("consent_disclose", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_resident_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident")),
    )
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resident_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "repair_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("facility", sa.String(length=100), nullable=True),
        sa.Column("reporter_name", sa.String(length=40), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("appointment_at", sa.DateTime(), nullable=True),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("received_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("receiver_signature_id", sa.Integer(), nullable=True),
        sa.Column("engineer_id", sa.Integer(), nullable=True),
        sa.Column("dispatched_at", sa.DateTime(), nullable=True),
        sa.Column("quote_labour_fen", sa.Integer(), nullable=True),
        sa.Column("quote_material_fen", sa.Integer(), nullable=True),
        sa.Column("quoted_at", sa.DateTime(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approval_signature_id", sa.Integer(), nullable=True),
        sa.Column("receipt_no", sa.String(length=30), nullable=True),
        sa.Column("paid_fen", sa.Integer(), nullable=True),
        sa.Column("finance_id", sa.Integer(), nullable=True),
        sa.Column("stamped_at", sa.DateTime(), nullable=True),
        sa.Column("arrived_at", sa.DateTime(), nullable=True),
        sa.Column("work_description", sa.Text(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("acceptance_signature_id", sa.Integer(), nullable=True),
        sa.Column("satisfaction", sa.String(length=12), nullable=True),
        sa.Column("household_remarks", sa.Text(), nullable=True),
        sa.Column("reconciled_at", sa.DateTime(), nullable=True),
        sa.Column("reconciled_by_id", sa.Integer(), nullable=True),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("archived_by_id", sa.Integer(), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["acceptance_signature_id"],
            ["signature.id"],
            name=op.f("fk_repair_order_acceptance_signature_id_signature"),
        ),
        sa.ForeignKeyConstraint(
            ["approval_signature_id"],
            ["signature.id"],
            name=op.f("fk_repair_order_approval_signature_id_signature"),
        ),
        sa.ForeignKeyConstraint(
            ["archived_by_id"], ["staff.id"], name=op.f("fk_repair_order_archived_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_repair_order_contact_id_contact")
        ),
        sa.ForeignKeyConstraint(
            ["engineer_id"], ["staff.id"], name=op.f("fk_repair_order_engineer_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["finance_id"], ["staff.id"], name=op.f("fk_repair_order_finance_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["staff.id"], name=op.f("fk_repair_order_opened_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"], ["staff.id"], name=op.f("fk_repair_order_received_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["receiver_signature_id"],
            ["signature.id"],
            name=op.f("fk_repair_order_receiver_signature_id_signature"),
        ),
        sa.ForeignKeyConstraint(
            ["reconciled_by_id"], ["staff.id"], name=op.f("fk_repair_order_reconciled_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_repair_order_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_order")),
        sa.UniqueConstraint("number", name=op.f("uq_repair_order_number")),
    )
    with op.batch_alter_table("repair_order", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_repair_order_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_repair_order_reported_at"), ["reported_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_repair_order_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_repair_order_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "help_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("requester_name", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=100), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("received_by_id", sa.Integer(), nullable=False),
        sa.Column("help_type", sa.String(length=16), nullable=False),
        sa.Column("is_special", sa.Boolean(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("nearest_person", sa.String(length=40), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("arrived_at", sa.DateTime(), nullable=True),
        sa.Column("situation", sa.Text(), nullable=True),
        sa.Column("director_told_at", sa.DateTime(), nullable=True),
        sa.Column("emergency_called", sa.String(length=20), nullable=True),
        sa.Column("security_told_at", sa.DateTime(), nullable=True),
        sa.Column("relatives_told_at", sa.DateTime(), nullable=True),
        sa.Column("escorted", sa.Boolean(), nullable=False),
        sa.Column("written", sa.Boolean(), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answer_due", sa.DateTime(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("repair_order_id", sa.Integer(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("handled_by", sa.String(length=40), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_help_request_contact_id_contact")
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"], ["staff.id"], name=op.f("fk_help_request_received_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["repair_order_id"],
            ["repair_order.id"],
            name=op.f("fk_help_request_repair_order_id_repair_order"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_help_request_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_request")),
        sa.UniqueConstraint("number", name=op.f("uq_help_request_number")),
    )
    with op.batch_alter_table("help_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_help_request_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_help_request_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_help_request_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "material_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repair_order_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=60), nullable=False),
        sa.Column("spec", sa.String(length=60), nullable=True),
        sa.Column("quantity_milli", sa.Integer(), nullable=False),
        sa.Column("unit_price_fen", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("storekeeper_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["repair_order_id"],
            ["repair_order.id"],
            name=op.f("fk_material_issue_repair_order_id_repair_order"),
        ),
        sa.ForeignKeyConstraint(
            ["storekeeper_id"], ["staff.id"], name=op.f("fk_material_issue_storekeeper_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material_issue")),
    )
    with op.batch_alter_table("material_issue", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_material_issue_repair_order_id"), ["repair_order_id"], unique=False
        )

    op.create_table(
        "quote_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repair_order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("item", sa.String(length=60), nullable=False),
        sa.Column("quantity_milli", sa.Integer(), nullable=False),
        sa.Column("unit_price_fen", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["repair_order_id"],
            ["repair_order.id"],
            name=op.f("fk_quote_line_repair_order_id_repair_order"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_line")),
    )
    with op.batch_alter_table("quote_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quote_line_repair_order_id"), ["repair_order_id"], unique=False
        )

    op.create_table(
        "return_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("facility", sa.String(length=100), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("repair_order_id", sa.Integer(), nullable=True),
        sa.Column("previous_visit_id", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("visited_at", sa.DateTime(), nullable=True),
        sa.Column("visitors", sa.String(length=100), nullable=True),
        sa.Column("visitor_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=12), nullable=True),
        sa.Column("opinions", sa.Text(), nullable=True),
        sa.Column("satisfaction", sa.String(length=12), nullable=True),
        sa.Column("nonconformity", sa.Text(), nullable=True),
        sa.Column("responsible_department", sa.String(length=20), nullable=True),
        sa.Column("rectify_deadline", sa.Date(), nullable=True),
        sa.Column("rectified_at", sa.DateTime(), nullable=True),
        sa.Column("door_note_at", sa.DateTime(), nullable=True),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_return_visit_contact_id_contact")
        ),
        sa.ForeignKeyConstraint(
            ["previous_visit_id"],
            ["return_visit.id"],
            name=op.f("fk_return_visit_previous_visit_id_return_visit"),
        ),
        sa.ForeignKeyConstraint(
            ["repair_order_id"],
            ["repair_order.id"],
            name=op.f("fk_return_visit_repair_order_id_repair_order"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_return_visit_unit_id_unit")
        ),
        sa.ForeignKeyConstraint(
            ["visitor_id"], ["staff.id"], name=op.f("fk_return_visit_visitor_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_visit")),
        sa.UniqueConstraint("number", name=op.f("uq_return_visit_number")),
    )
    with op.batch_alter_table("return_visit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_return_visit_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_return_visit_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_return_visit_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_return_visit_repair_order_id"), ["repair_order_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_return_visit_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_return_visit_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_return_visit_visited_at"), ["visited_at"], unique=False
        )

    op.create_table(
        "help_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("help_request_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=24), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["help_request_id"],
            ["help_request.id"],
            name=op.f("fk_help_step_help_request_id_help_request"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_help_step_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_step")),
    )
    with op.batch_alter_table("help_step", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_help_step_help_request_id"), ["help_request_id"], unique=False
        )

    # The audit log is append-only: the database itself refuses edits and deletions.
    if op.get_bind().dialect.name != "sqlite":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit log is append-only' "
            "USING ERRCODE = 'integrity_constraint_violation'; END $$"
        )
        for event in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event} BEFORE {event.upper()} ON audit_log "
                "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
            )
        return
    op.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
    )


def downgrade() -> None:
    """Revert this revision."""
    server = op.get_bind().dialect.name != "sqlite"
    on = " ON audit_log" if server else ""
    op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_delete{on}")
    op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_update{on}")
    if server:
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")

    with op.batch_alter_table("help_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_help_step_help_request_id"))

    op.drop_table("help_step")
    with op.batch_alter_table("return_visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_return_visit_visited_at"))
        batch_op.drop_index(batch_op.f("ix_return_visit_unit_id"))
        batch_op.drop_index(batch_op.f("ix_return_visit_state"))
        batch_op.drop_index(batch_op.f("ix_return_visit_repair_order_id"))
        batch_op.drop_index(batch_op.f("ix_return_visit_kind"))
        batch_op.drop_index(batch_op.f("ix_return_visit_due_at"))
        batch_op.drop_index(batch_op.f("ix_return_visit_contact_id"))

    op.drop_table("return_visit")
    with op.batch_alter_table("quote_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quote_line_repair_order_id"))

    op.drop_table("quote_line")
    with op.batch_alter_table("material_issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_material_issue_repair_order_id"))

    op.drop_table("material_issue")
    with op.batch_alter_table("help_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_help_request_unit_id"))
        batch_op.drop_index(batch_op.f("ix_help_request_state"))
        batch_op.drop_index(batch_op.f("ix_help_request_at"))

    op.drop_table("help_request")
    with op.batch_alter_table("repair_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_order_unit_id"))
        batch_op.drop_index(batch_op.f("ix_repair_order_state"))
        batch_op.drop_index(batch_op.f("ix_repair_order_reported_at"))
        batch_op.drop_index(batch_op.f("ix_repair_order_kind"))

    op.drop_table("repair_order")
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resident_unit_id"))

    op.drop_table("resident")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_visit_due_at"))
        batch_op.drop_index(batch_op.f("ix_contact_unit_id"))
        batch_op.drop_index(batch_op.f("ix_contact_state"))
        batch_op.drop_index(batch_op.f("ix_contact_kind"))
        batch_op.drop_index(batch_op.f("ix_contact_at"))

    op.drop_table("contact")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_sort_key"))
        batch_op.drop_index(batch_op.f("ix_unit_floor_id"))
        batch_op.drop_index(batch_op.f("ix_unit_entrance_id"))
        batch_op.drop_index(batch_op.f("ix_unit_building_id"))

    op.drop_table("unit")
    op.drop_table("spot_check")
    op.drop_table("signature")
    with op.batch_alter_table("floor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_floor_building_id"))

    op.drop_table("floor")
    with op.batch_alter_table("entrance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entrance_building_id"))

    op.drop_table("entrance")
    op.drop_table("draft")
    with op.batch_alter_table("daily_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_daily_report_day"))

    op.drop_table("daily_report")
    op.drop_table("audit_log")
    op.drop_table("staff")
    op.drop_table("setting")
    op.drop_table("office")
    op.drop_table("number_counter")
    op.drop_table("building")
