"""What every edit of a stored record starts with: find it, and refuse a stale copy."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from wuyedesk.domain.errors import NotFound, UserError
from wuyedesk.i18n import tr

Model = TypeVar("Model")

STALE = tr("该记录已被他人修改，请刷新后再操作；您的修改未保存")


def load_for_edit(
    session: Session, model: type[Model], record_id: int, version: int | None, what: str
) -> Model:
    """Return the record to change, or refuse: not found, or changed since it was shown."""
    record: Any = session.get(model, record_id)
    if record is None:
        raise NotFound(tr("找不到该{what}").format(what=what))
    if version is not None and record.version != version:
        raise UserError(STALE)
    return record  # type: ignore[no-any-return]
