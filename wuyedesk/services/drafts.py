"""Drafts: an unsaved form's contents, kept in the encrypted file so little typing is lost."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select

from wuyedesk.services.context import Actor
from wuyedesk.store.models import Draft, utcnow
from wuyedesk.store.office_file import OfficeFile


@dataclass(frozen=True)
class DraftInfo:
    """A kept draft: which form, which record, when."""

    form: str
    record_key: str
    saved_at: datetime
    data: dict[str, Any]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"__dt__": value.isoformat()}
    if isinstance(value, date):
        return {"__d__": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "__dt__" in value:
        return datetime.fromisoformat(value["__dt__"])
    if isinstance(value, dict) and "__d__" in value:
        return date.fromisoformat(value["__d__"])
    return value


def save_draft(
    office: OfficeFile, actor: Actor, form: str, record_key: str, data: dict[str, Any]
) -> None:
    """Keep (or replace) the draft of one form for this member of staff."""
    payload = json.dumps({k: _encode(v) for k, v in data.items()}, ensure_ascii=False)
    with office.transaction() as session:
        row = session.scalar(
            select(Draft).where(
                Draft.staff_id == actor.staff_id, Draft.form == form, Draft.record_key == record_key
            )
        )
        if row is None:
            session.add(
                Draft(staff_id=actor.staff_id, form=form, record_key=record_key, payload=payload)
            )
        else:
            row.payload = payload
            row.saved_at = utcnow()


def drafts_of(office: OfficeFile, actor: Actor) -> list[DraftInfo]:
    """Return this member of staff's kept drafts, newest first."""
    with office.transaction() as session:
        rows = session.scalars(
            select(Draft).where(Draft.staff_id == actor.staff_id).order_by(Draft.saved_at.desc())
        ).all()
        return [
            DraftInfo(
                r.form,
                r.record_key,
                r.saved_at,
                {k: _decode(v) for k, v in json.loads(r.payload).items()},
            )
            for r in rows
        ]


def draft_of(office: OfficeFile, actor: Actor, form: str, record_key: str) -> DraftInfo | None:
    """Return this member of staff's draft of one form and record, or None."""
    return next(
        (d for d in drafts_of(office, actor) if d.form == form and d.record_key == record_key),
        None,
    )


def discard_draft(office: OfficeFile, actor: Actor, form: str, record_key: str) -> None:
    """Forget a draft (after the form was saved or the person chose to drop it)."""
    with office.transaction() as session:
        session.execute(
            delete(Draft).where(
                Draft.staff_id == actor.staff_id, Draft.form == form, Draft.record_key == record_key
            )
        )
