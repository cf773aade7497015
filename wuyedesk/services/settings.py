"""The office's settings: its rules (5 min, 24 h, 10 %, stale months) and the desk's locks."""

from __future__ import annotations

import json
from dataclasses import asdict, fields, replace
from typing import Any

from sqlalchemy import select

from wuyedesk.domain.errors import ValidationError
from wuyedesk.domain.sla import Rules
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.permissions import require
from wuyedesk.store import audit
from wuyedesk.store.models import Setting
from wuyedesk.store.office_file import OfficeFile

RULES_KEY = "rules"
DESK_KEY = "desk"
DESK_DEFAULTS = {"idle_lock_minutes": 5, "file_lock_minutes": 30}
_LIMITS = {
    "arrival_minutes": (1, 120),
    "complaint_visit_hours": (1, 168),
    "relay_minutes": (1, 240),
    "complaint_contact_hours": (1, 72),
    "enquiry_answer_days": (1, 30),
    "stale_months": (1, 60),
    "idle_lock_minutes": (1, 240),
    "file_lock_minutes": (0, 1440),
}


def _read(office: OfficeFile, key: str) -> dict[str, Any]:
    with office.transaction() as session:
        raw = session.scalar(select(Setting.value).where(Setting.key == key))
    return json.loads(raw) if raw else {}


def _write(office: OfficeFile, actor: Actor, key: str, value: dict[str, Any]) -> None:
    with office.transaction() as session:
        row = session.get(Setting, key)
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        if row is None:
            session.add(Setting(key=key, value=text))
        else:
            row.value = text
        audit.append(
            session,
            staff_id=actor.staff_id,
            actor=actor.label,
            action="settings.change",
            target=key,
            detail=text,
        )


def _check(values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name not in _LIMITS:
            continue
        low, high = _LIMITS[name]
        if not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(
                name, tr("应为 {low} 到 {high} 之间的整数").format(low=low, high=high)
            )


def get_rules(office: OfficeFile) -> Rules:
    """Return this office's rules, defaults where never changed."""
    known = {f.name for f in fields(Rules)}
    stored = {k: v for k, v in _read(office, RULES_KEY).items() if k in known}
    return replace(Rules(), **stored)


def set_rules(office: OfficeFile, actor: Actor, **changes: Any) -> Rules:
    """Change some of the office's rules (managers only)."""
    require(actor, "staff.manage")
    share = changes.get("routine_visit_share")
    if share is not None and not 0 < float(share) <= 1:
        raise ValidationError("routine_visit_share", tr("回访比例应在 0 到 100% 之间"))
    _check({k: v for k, v in changes.items() if k != "routine_visit_share"})
    try:
        rules = replace(get_rules(office), **changes)
    except (TypeError, ValueError):
        field = next(iter(changes), "rules")
        raise ValidationError(field, tr("设置值不正确，请核对")) from None
    _write(office, actor, RULES_KEY, asdict(rules))
    return rules


def get_desk_settings(office: OfficeFile) -> dict[str, int]:
    """Return the desk's lock timers (idle lock to login; drop the data key)."""
    return {**DESK_DEFAULTS, **_read(office, DESK_KEY)}


def set_desk_settings(office: OfficeFile, actor: Actor, **changes: int) -> dict[str, int]:
    """Change the lock timers (managers only)."""
    require(actor, "staff.manage")
    unknown = set(changes) - set(DESK_DEFAULTS)
    if unknown:
        raise ValidationError(next(iter(unknown)), tr("没有这个设置项"))
    _check(changes)
    value = {**get_desk_settings(office), **changes}
    _write(office, actor, DESK_KEY, value)
    return value
