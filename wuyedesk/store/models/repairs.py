"""Repair slips (工程维修单) and paid-service slips (有偿服务单) with their lines."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wuyedesk.store.models.base import Base, Fen, Numbered, utcnow
from wuyedesk.store.models.places import Unit
from wuyedesk.store.sealing import Sealed


class RepairOrder(Numbered, Base):
    """A work order; kind 'free' (WX-) or 'paid' (YC-: quote, approval, finance stamp)."""

    __tablename__ = "repair_order"
    # The 到场超时 list: late slips, newest first, read a page at a time.
    __table_args__ = (Index("ix_repair_order_late_reported", "arrival_late", "reported_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), index=True)
    reported_at: Mapped[datetime] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(String(10))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    facility: Mapped[str | None] = mapped_column(String(100))
    reporter_name: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(Sealed("repair_order.phone", 30))
    category: Mapped[str] = mapped_column(String(24))
    content: Mapped[str] = mapped_column(Text)
    appointment_at: Mapped[datetime | None] = mapped_column()
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    received_at: Mapped[datetime | None] = mapped_column()
    receiver_signature_id: Mapped[int | None] = mapped_column(ForeignKey("signature.id"))
    engineer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    dispatched_at: Mapped[datetime | None] = mapped_column()
    dispatched_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # Paid work: quote -> household approval -> finance stamp
    quote_labour_fen: Mapped[int | None] = mapped_column(Fen)
    quote_material_fen: Mapped[int | None] = mapped_column(Fen)
    quoted_at: Mapped[datetime | None] = mapped_column()
    approved_at: Mapped[datetime | None] = mapped_column()
    approval_signature_id: Mapped[int | None] = mapped_column(ForeignKey("signature.id"))
    receipt_no: Mapped[str | None] = mapped_column(String(30))
    paid_fen: Mapped[int | None] = mapped_column(Fen)
    finance_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    stamped_at: Mapped[datetime | None] = mapped_column()
    # Work
    arrived_at: Mapped[datetime | None] = mapped_column()
    # Judged once, under the rule in force when the engineer arrived (5 min by default).
    arrival_late: Mapped[bool | None] = mapped_column(Boolean, index=True)
    work_description: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column()
    # Household acceptance
    accepted_at: Mapped[datetime | None] = mapped_column()
    acceptance_signature_id: Mapped[int | None] = mapped_column(ForeignKey("signature.id"))
    satisfaction: Mapped[str | None] = mapped_column(String(12))
    household_remarks: Mapped[str | None] = mapped_column(Text)
    # Daily reconciliation and filing
    reconciled_at: Mapped[datetime | None] = mapped_column()
    reconciled_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    archived_at: Mapped[datetime | None] = mapped_column()
    archived_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    close_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column()
    reconciliation_id: Mapped[int | None] = mapped_column(ForeignKey("reconciliation.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    unit: Mapped[Unit | None] = relationship()
    quote_lines: Mapped[list[QuoteLine]] = relationship(cascade="all, delete-orphan")
    materials: Mapped[list[MaterialIssue]] = relationship(cascade="all, delete-orphan")


class QuoteLine(Base):
    """One line of a paid-service quote (labour or material), money in fen."""

    __tablename__ = "quote_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    repair_order_id: Mapped[int] = mapped_column(ForeignKey("repair_order.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    item: Mapped[str] = mapped_column(String(60))
    quantity_milli: Mapped[int] = mapped_column(Integer, default=1000)
    unit_price_fen: Mapped[int] = mapped_column(Fen)
    amount_fen: Mapped[int] = mapped_column(Fen)


class MaterialIssue(Base):
    """Materials the storekeeper issued for a slip (领料)."""

    __tablename__ = "material_issue"
    id: Mapped[int] = mapped_column(primary_key=True)
    repair_order_id: Mapped[int] = mapped_column(ForeignKey("repair_order.id"), index=True)
    item: Mapped[str] = mapped_column(String(60))
    spec: Mapped[str | None] = mapped_column(String(60))
    quantity_milli: Mapped[int] = mapped_column(Integer)
    unit_price_fen: Mapped[int] = mapped_column(Fen)
    amount_fen: Mapped[int] = mapped_column(Fen)
    storekeeper_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reconciliation(Base):
    """The engineering supervisor's daily check of the slips against the warehouse (每日核对)."""

    __tablename__ = "reconciliation"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    eng_supervisor_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    storekeeper_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    supervisor_signature_id: Mapped[int | None] = mapped_column(ForeignKey("signature.id"))
    storekeeper_signature_id: Mapped[int | None] = mapped_column(ForeignKey("signature.id"))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    slip_count: Mapped[int] = mapped_column(Integer)
    material_fen: Mapped[int] = mapped_column(Fen)
    # One line per difference found, as shown on the sheet (JSON list of strings).
    differences: Mapped[str] = mapped_column(Text, default="[]")
    note: Mapped[str | None] = mapped_column(Text)
