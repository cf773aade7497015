"""The program's own books: number counters, the audit chain, drafts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wuyedesk.store.models.base import Base, utcnow
from wuyedesk.store.sealing import Sealed


class NumberCounter(Base):
    """The last number handed out for one kind of record in one year."""

    __tablename__ = "number_counter"
    prefix: Mapped[str] = mapped_column(String(4), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class AuditEntry(Base):
    """One append-only, hash-chained line of who did what to which record."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column()
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(60))
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class Draft(Base):
    """An unsaved form's contents, kept so little typing is lost."""

    __tablename__ = "draft"
    __table_args__ = (UniqueConstraint("staff_id", "form", "record_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    form: Mapped[str] = mapped_column(String(40))
    record_key: Mapped[str] = mapped_column(String(40), default="")
    # A form's unsaved fields (phones, ID numbers): sealed on a server like the columns.
    payload: Mapped[str] = mapped_column(Sealed("draft.payload"))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
