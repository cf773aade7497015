"""Places: office, building, entrance, floor, unit."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wuyedesk.store.models.base import Base, Versioned, utcnow


class Office(Base):
    """The one office this file belongs to (a single row)."""

    __tablename__ = "office"
    id: Mapped[int] = mapped_column(primary_key=True)
    office_uid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    estate_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Setting(Base):
    """One office setting (rules such as 5 min, 24 h, 10 %), stored as JSON text."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Building(Base):
    """A building (栋/幢) of the estate."""

    __tablename__ = "building"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(20), unique=True)
    floors_above: Mapped[int] = mapped_column(Integer, default=0)
    floors_below: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str | None] = mapped_column(Text)
    entrances: Mapped[list[Entrance]] = relationship(back_populates="building")
    units: Mapped[list[Unit]] = relationship(back_populates="building")


class Entrance(Base):
    """A stairwell/entrance (单元) inside a building."""

    __tablename__ = "entrance"
    __table_args__ = (UniqueConstraint("building_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    building: Mapped[Building] = relationship(back_populates="entrances")


class Floor(Base):
    """A physical storey of a building, with the label printed on it (no 4/13/14...)."""

    __tablename__ = "floor"
    __table_args__ = (UniqueConstraint("building_id", "storey"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    storey: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(20))
    refuge: Mapped[bool] = mapped_column(default=False)


class Unit(Versioned, Base):
    """One dwelling; `code` is the canonical unit code, e.g. 3栋2单元1502."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    entrance_id: Mapped[int | None] = mapped_column(ForeignKey("entrance.id"), index=True)
    floor_id: Mapped[int] = mapped_column(ForeignKey("floor.id"), index=True)
    room: Mapped[str] = mapped_column(String(10))
    sort_key: Mapped[str] = mapped_column(String(60), index=True)
    area_centi_m2: Mapped[int | None] = mapped_column(Integer)
    possession_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    building: Mapped[Building] = relationship(back_populates="units")
    entrance: Mapped[Entrance | None] = relationship()
    floor: Mapped[Floor] = relationship()
