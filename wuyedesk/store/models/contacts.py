"""The visitor/call register (住户来访/来电登记表) and the help-request log (业户求助信息登记表)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wuyedesk.store.models.base import Base, Numbered, utcnow
from wuyedesk.store.models.places import Unit
from wuyedesk.store.sealing import Sealed


class Contact(Numbered, Base):
    """One visit, call or letter from a household; a complaint when it blames a department."""

    __tablename__ = "contact"
    # The register filtered by 事由, newest first, a page at a time.
    __table_args__ = (Index("ix_contact_kind_at", "kind", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    method: Mapped[str] = mapped_column(String(10))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    caller_name: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(Sealed("contact.phone", 30))
    kind: Mapped[str] = mapped_column(String(12), index=True)
    content: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    relayed_department: Mapped[str | None] = mapped_column(String(20))
    relayed_to: Mapped[str | None] = mapped_column(String(40))
    relayed_at: Mapped[datetime | None] = mapped_column()
    # Complaint fields
    complained_department: Mapped[str | None] = mapped_column(String(20))
    dept_contact_at: Mapped[datetime | None] = mapped_column()
    remedy: Mapped[str | None] = mapped_column(Text)
    solvable: Mapped[bool | None] = mapped_column()
    answer: Mapped[str | None] = mapped_column(Text)
    visit_due_at: Mapped[datetime | None] = mapped_column(index=True)
    # Result and filing
    result: Mapped[str | None] = mapped_column(Text)
    result_at: Mapped[datetime | None] = mapped_column()
    satisfaction: Mapped[str | None] = mapped_column(String(12))
    archived_at: Mapped[datetime | None] = mapped_column()
    archived_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    unit: Mapped[Unit | None] = relationship()


class HelpRequest(Numbered, Base):
    """A household's request for help; special when life, property or public order is at risk."""

    __tablename__ = "help_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    requester_name: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    location: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(Sealed("help_request.phone", 30))
    received_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    help_type: Mapped[str] = mapped_column(String(16))
    is_special: Mapped[bool] = mapped_column(default=False)
    content: Mapped[str] = mapped_column(Text, default="")
    # Special help
    nearest_person: Mapped[str | None] = mapped_column(String(40))
    sent_at: Mapped[datetime | None] = mapped_column()
    arrived_at: Mapped[datetime | None] = mapped_column()
    situation: Mapped[str | None] = mapped_column(Text)
    director_told_at: Mapped[datetime | None] = mapped_column()
    emergency_called: Mapped[str | None] = mapped_column(String(20))
    security_told_at: Mapped[datetime | None] = mapped_column()
    relatives_told_at: Mapped[datetime | None] = mapped_column()
    escorted: Mapped[bool] = mapped_column(default=False)
    # Enquiry
    written: Mapped[bool] = mapped_column(default=False)
    confidential: Mapped[bool] = mapped_column(default=False)
    answer: Mapped[str | None] = mapped_column(Text)
    answer_due: Mapped[datetime | None] = mapped_column()
    answered_at: Mapped[datetime | None] = mapped_column()
    # Links and result
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    repair_order_id: Mapped[int | None] = mapped_column(ForeignKey("repair_order.id"))
    result: Mapped[str | None] = mapped_column(Text)
    handled_by: Mapped[str | None] = mapped_column(String(40))
    done_at: Mapped[datetime | None] = mapped_column()
    unit: Mapped[Unit | None] = relationship()
    steps: Mapped[list[HelpStep]] = relationship(order_by="HelpStep.at")


class HelpStep(Base):
    """One stamped step of a special help request's log (sent, arrived, 120 called...)."""

    __tablename__ = "help_step"
    id: Mapped[int] = mapped_column(primary_key=True)
    help_request_id: Mapped[int] = mapped_column(ForeignKey("help_request.id"), index=True)
    step: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    note: Mapped[str | None] = mapped_column(Text)
