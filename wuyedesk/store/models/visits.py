"""Return visits (回访记录表), daily work reports (日工作呈报表) and spot checks (抽查)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wuyedesk.store.models.base import Base, Numbered, Versioned, utcnow
from wuyedesk.store.models.places import Unit


class ReturnVisit(Numbered, Base):
    """A follow-up visit or call: routine, complaint, repair or facility."""

    __tablename__ = "return_visit"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    facility: Mapped[str | None] = mapped_column(String(100))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    repair_order_id: Mapped[int | None] = mapped_column(ForeignKey("repair_order.id"), index=True)
    previous_visit_id: Mapped[int | None] = mapped_column(ForeignKey("return_visit.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(index=True)
    visited_at: Mapped[datetime | None] = mapped_column(index=True)
    visitors: Mapped[str | None] = mapped_column(String(100))
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    method: Mapped[str | None] = mapped_column(String(12))
    opinions: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[str | None] = mapped_column(String(12))
    nonconformity: Mapped[str | None] = mapped_column(Text)
    responsible_department: Mapped[str | None] = mapped_column(String(20))
    rectify_deadline: Mapped[date | None] = mapped_column(Date)
    rectified_at: Mapped[datetime | None] = mapped_column()
    door_note_at: Mapped[datetime | None] = mapped_column()
    unit: Mapped[Unit | None] = relationship()


class DailyReport(Versioned, Base):
    """One clerk's or assistant's day, reviewed and signed by the supervisor."""

    __tablename__ = "daily_report"
    __table_args__ = (UniqueConstraint("day", "staff_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    state: Mapped[str] = mapped_column(String(12))
    counts_json: Mapped[str] = mapped_column(Text, default="{}")
    done_text: Mapped[str | None] = mapped_column(Text)
    undone_text: Mapped[str | None] = mapped_column(Text)
    coordination_text: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column()
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    review_comment: Mapped[str | None] = mapped_column(Text)
    next_day_tasks: Mapped[str | None] = mapped_column(Text)


class SpotCheck(Base):
    """The supervisor's unannounced check of a member of staff's work."""

    __tablename__ = "spot_check"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    checked: Mapped[str] = mapped_column(Text)
    found: Mapped[str | None] = mapped_column(Text)
    corrected: Mapped[bool] = mapped_column(default=False)
