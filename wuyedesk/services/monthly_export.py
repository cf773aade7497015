"""The supervisor's monthly workbook: gather the month, write it, log who took it.

`export_monthly` is the one use-case behind `wuyedesk export monthly` and the 报表 →
月度报表 menu item. The workbook is written beside the target under a temporary name and
moved in place only when complete, so a cancelled or failed export leaves nothing behind.
"""

from __future__ import annotations

import gc
import threading
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.sla import OFFICE_TZ, Rules, half_year_bounds, half_year_of
from wuyedesk.i18n import tr
from wuyedesk.reports.monthly_workbook import (
    MonthlyWriter,
    Sheet,
    Summary,
    SummaryFigure,
    load_layout,
)
from wuyedesk.services.context import Actor
from wuyedesk.services.dashboard import Desk, desk_between
from wuyedesk.services.entries import stamp_time, write_audit
from wuyedesk.services.listing import month_bounds
from wuyedesk.services.monthly_sources import FIELDS, SOURCES, Month, day_counts, places
from wuyedesk.services.permissions import require
from wuyedesk.services.settings import get_rules
from wuyedesk.services.visit_plan import coverage_in
from wuyedesk.store.models import Building, Office
from wuyedesk.store.office_file import OfficeFile

# progress(done, total, what) → False cancels; the scale is fixed so the bar never runs back.
ExportProgress = Callable[[int, int, str], bool | None]
SCALE = 1000
_GATHERED = 300  # the first 30 % of the bar is reading the month, the rest writing it

# Desk figure → (number format, label with its unit in the workbook)
_FIGURES: dict[str, tuple[str, str | None]] = {
    "complaints": ("int", None),
    "complaints_open": ("int", None),
    "complaints_overdue": ("int", None),
    "complaint_visits_24h": ("percent", None),
    "repairs": ("int", None),
    "arrival_5min": ("percent", None),
    "completion_hours": ("decimal", tr("平均完工时间（小时）")),
    "paid_income": ("money", tr("有偿服务收入（元）")),
    "repair_satisfaction": ("percent", None),
    "special_help": ("int", None),
    "special_arrival": ("decimal", tr("特别求助平均到场时间（分钟）")),
}


class ExportCancelled(UserError):
    """The person cancelled; nothing was written."""

    def __init__(self) -> None:
        super().__init__(tr("已取消导出，没有保存文件"))


@dataclass(frozen=True)
class MonthlyResult:
    """What was written: the file, the month, each sheet's record count, and the time taken."""

    path: Path
    month: str
    sheets: list[tuple[str, int]]
    seconds: float

    @property
    def records(self) -> int:
        """Return the number of record rows over all sheets."""
        return sum(count for _, count in self.sheets)


def default_month(today: date) -> str:
    """Return the month a supervisor exports by default: the last complete one."""
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def default_file_name(month: str) -> str:
    """Return the file name the program suggests for a month's workbook."""
    return tr("月度报表-{month}.xlsx").format(month=month)


def _month(text: str, now: datetime, full: bool, rules: Rules) -> Month:
    start, end = month_bounds(text)
    first = start.date()
    last = (end - timedelta(days=1)).date()
    if first > now.astimezone(OFFICE_TZ).date():
        raise UserError(tr("{0} 年 {1} 月还没有开始，不能导出").format(first.year, first.month))
    return Month(first, last, start, end, now, rules, full)


def _figures(this: Desk, last: Desk) -> list[SummaryFigure]:
    before = {f.key: f for f in last.figures}
    figures = []
    for f in this.figures:
        kind, label = _FIGURES.get(f.key, ("decimal", None))
        previous = before.get(f.key)
        figures.append(
            SummaryFigure(
                label or f.label,
                f.value,
                previous.value if previous is not None else None,
                kind,
                f.breach,
            )
        )
    return figures


def export_monthly(
    office: OfficeFile,
    actor: Actor,
    month: str,
    path: Path | str,
    *,
    full: bool = False,
    progress: ExportProgress | None = None,
    now: datetime | None = None,
) -> MonthlyResult:
    """Write one month's workbook to `path` (.xlsx); masked unless `full` and allowed.

    Managers only; a full export needs the right to export unmasked resident data and is
    logged like every export. `progress` is told how far it has gone and may cancel.
    """
    # Hundreds of thousands of small objects live only for the export: the cyclic garbage
    # collector's passes over them cost a third of the time and find nothing to free.
    with _NO_GC:
        return _export(office, actor, month, path, full=full, progress=progress, now=now)


class _PausedCollector:
    """Pause the cyclic garbage collector while any export runs (exports may overlap)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.was_enabled = False

    def __enter__(self) -> None:
        with self.lock:
            if self.running == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.running += 1

    def __exit__(self, *_: object) -> None:
        with self.lock:
            self.running -= 1
            if self.running == 0 and self.was_enabled:
                gc.enable()


_NO_GC = _PausedCollector()


def _export(
    office: OfficeFile,
    actor: Actor,
    month: str,
    path: Path | str,
    *,
    full: bool,
    progress: ExportProgress | None,
    now: datetime | None,
) -> MonthlyResult:
    require(actor, "reports.monthly")
    if full:
        require(actor, "residents.export_full")
    started = clock.perf_counter()
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError(tr("月度报表请保存为 .xlsx 文件"))
    if not path.parent.is_dir():
        raise UserError(tr("文件夹 {0} 不存在").format(path.parent))
    now = stamp_time(now)
    rules = get_rules(office)
    span = _month(month, now, full, rules)
    month = span.first.strftime("%Y-%m")
    layout = load_layout(FIELDS)

    def tell(done: int, what: str) -> None:
        if progress is not None and progress(min(done, SCALE), SCALE, what) is False:
            raise ExportCancelled()

    tell(0, tr("读取本月记录"))
    this_desk = desk_between(office, actor, span.first, span.last, now=now)
    tell(10, tr("读取上月数字"))
    previous_last = span.first - timedelta(days=1)
    last_desk = desk_between(office, actor, previous_last.replace(day=1), previous_last, now=now)
    half = half_year_of(span.first)
    half_first, half_last = half_year_bounds(*half)
    until = min(span.end, now)
    sheets: list[tuple[dict[str, object], Sheet]] = []
    with office.transaction() as session:
        office_name = session.scalars(select(Office.name)).one()
        where = places(session)
        coverage = coverage_in(session, half_first, half_last, rules, until=until)
        labels = {id_: label for id_, label in session.execute(select(Building.id, Building.label))}
        by_building = {
            labels[line.building_id]: (
                tr("本半年例行回访 {0}/{1} 户，{2:.1%}，{3}").format(
                    line.visited,
                    line.households,
                    line.share,
                    tr("达标") if line.met else tr("未达标"),
                )
            )
            for line in coverage[:-1]
            if line.building_id is not None
        }
        daily = day_counts(session, span)
        specs = layout["sheets"]
        for index, spec in enumerate(specs, start=1):
            tell(_GATHERED * index // (len(specs) + 1), tr("读取{0}").format(spec["name"]))
            source = SOURCES[spec["source"]]
            sheets.append((spec, source(session, span, where, coverage=by_building)))
    names = {
        "office_name": office_name,
        "month_label": tr("{0}年{1}月").format(span.first.year, span.first.month),
    }
    summary = Summary(
        office_name=office_name,
        month_label=names["month_label"],
        made_by=actor.label,
        made_at=now.astimezone(OFFICE_TZ).replace(tzinfo=None),
        masked=not full,
        figures=_figures(this_desk, last_desk),
        satisfaction=[
            (label, count, last_desk.satisfaction.get(label, 0))
            for label, count in this_desk.satisfaction.items()
        ],
        coverage_label={
            "half_label": tr("{0}年{1}半年").format(
                half[0], tr("上") if half[1] == 1 else tr("下")
            ),
            "until": (until.astimezone(OFFICE_TZ) - timedelta(seconds=1)).date().isoformat(),
        },
        coverage=[
            (c.building_label, c.households, c.visited, c.share, c.needed, c.met) for c in coverage
        ],
        daily=daily,
        target_share=float(rules.routine_visit_share),
    )
    total_rows = max(1, sum(sheet.rows() for _, sheet in sheets))
    written = 0

    def rows_written(count: int) -> None:
        nonlocal written
        written += count
        tell(_GATHERED + (SCALE - _GATHERED - 10) * written // total_rows, tr("写入工作簿"))

    writer = MonthlyWriter(path, layout, names)
    try:
        for spec, sheet in sheets:
            writer.write_sheet(sheet, spec, rows_written, masked=not full)
        writer.write_summary(summary)
        tell(SCALE - 10, tr("保存文件"))
    except BaseException:
        writer.discard()
        raise
    writer.finish()
    with office.transaction() as session:
        write_audit(
            session,
            actor,
            "report.export",
            f"file:{path.name}"[:60],
            tr("月度报表 {month}；{0}；").format(tr("完整") if full else tr("遮挡"), month=month)
            + tr("，").join(f"{name} {count}" for name, count in writer.counts),
        )
    if progress is not None:
        progress(SCALE, SCALE, tr("完成"))  # saved and logged: too late to cancel, so not asked
    return MonthlyResult(path, month, writer.counts, clock.perf_counter() - started)
