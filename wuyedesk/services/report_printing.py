"""Print one daily work report (日工作呈报表) as an A4 page: the day's counts, texts and review."""

from __future__ import annotations

from pathlib import Path

from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.daily_reports import get_report
from wuyedesk.services.printing import _draw, _office, _when
from wuyedesk.store.office_file import OfficeFile


def print_daily_report(office: OfficeFile, actor: Actor, report_id: int, out: Path) -> Path:
    """Print a report for its author or a manager; anyone else is refused."""
    view = get_report(office, actor, report_id)  # its author or a manager
    with office.transaction() as session:
        head = _office(session)
        values = {
            "estate_name": head.estate_name,
            "number": f"{view.day:%Y-%m-%d} {view.staff_name}",
            "staff": tr("{0}（{1}）").format(view.staff_name, view.role_label),
            "day": f"{view.day:%Y-%m-%d}",
            "state": view.state_label,
            "submitted_at": _when(view.submitted_at),
            "counts": [{"label": k, "n": str(n)} for k, n in view.counts.items()],
            "open_items": tr("；").join(view.open_items) or tr("（无）"),
            "done_text": view.done_text or "",
            "undone_text": view.undone_text or "",
            "coordination_text": view.coordination_text or "",
            "reviewer": view.reviewer,
            "reviewed_at": _when(view.reviewed_at),
            "review_comment": view.review_comment or "",
            "next_day_tasks": view.next_day_tasks or "",
        }
        _draw(session, actor, "daily_report", values, head, out, f"report:{values['number']}")
    return out
