"""People: residents of units and the office's staff."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wuyedesk.store.models.base import Base, Versioned, utcnow
from wuyedesk.store.models.places import Unit
from wuyedesk.store.sealing import Sealed


class Resident(Versioned, Base):
    """A person of a unit's household: owner, tenant or family member (住户档案)."""

    __tablename__ = "resident"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(12))
    gender: Mapped[str | None] = mapped_column(String(4))
    phone: Mapped[str | None] = mapped_column(Sealed("resident.phone", 20))
    landline: Mapped[str | None] = mapped_column(Sealed("resident.landline", 30))
    id_type: Mapped[str | None] = mapped_column(String(20))
    id_number: Mapped[str | None] = mapped_column(Sealed("resident.id_number", 30))
    employer: Mapped[str | None] = mapped_column(String(100))
    emergency_name: Mapped[str | None] = mapped_column(String(40))
    emergency_phone: Mapped[str | None] = mapped_column(Sealed("resident.emergency_phone", 30))
    moved_in: Mapped[date | None] = mapped_column(Date)
    moved_out: Mapped[date | None] = mapped_column(Date)
    plate: Mapped[str | None] = mapped_column(String(12))
    habits: Mapped[str | None] = mapped_column(Text)
    verified_on: Mapped[date | None] = mapped_column(Date)
    data_status: Mapped[str] = mapped_column(String(12), default="valid")
    consent_disclose: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    unit: Mapped[Unit] = relationship()


class Staff(Base):
    """A member of staff who logs in on the shared PC with name and PIN."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    department: Mapped[str | None] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(Sealed("staff.phone", 20))
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    failed_pins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Signature(Base):
    """A signature stroke drawn on the shared PC, kept as PNG inside the encrypted file."""

    __tablename__ = "signature"
    id: Mapped[int] = mapped_column(primary_key=True)
    png: Mapped[bytes] = mapped_column()
    signer_name: Mapped[str] = mapped_column(String(40))
    signer_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    purpose: Mapped[str] = mapped_column(String(30))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    notes: Mapped[str | None] = mapped_column(Text)
