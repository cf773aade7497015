"""日常回访覆盖: each building's routine visits against the ≥ 10 % rule, and whom to visit next."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.kinds import VisitKind
from wuyedesk.domain.units import shown_unit_codes
from wuyedesk.i18n import tr
from wuyedesk.services import visit_plan, visits
from wuyedesk.services.context import Actor
from wuyedesk.services.visit_plan import BuildingCoverage, HouseholdSuggestion
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import ERROR_COLOR, SHOWN_ZONE
from wuyedesk.ui.record_table import RecordTable, make_button, shown_time
from wuyedesk.ui.visit_dialogs import next_morning

HALVES_SHOWN = 4  # the current half-year and the three before it


@dataclass(frozen=True)
class CoverageRow:
    """A coverage line as the table shows it: not met is 'overdue' (red)."""

    line: BuildingCoverage
    id: int
    overdue: bool


COVERAGE_COLUMNS: tuple[tuple[str, Callable[[CoverageRow], str]], ...] = (
    (tr("楼栋"), lambda r: r.line.building_label),
    (tr("住户数"), lambda r: str(r.line.households)),
    (tr("已回访"), lambda r: str(r.line.visited)),
    (tr("应回访"), lambda r: str(r.line.needed)),
    (tr("覆盖率"), lambda r: f"{r.line.share:.1%}"),
    (tr("达标"), lambda r: tr("达标") if r.line.met else tr("未达标")),
)
SUGGESTION_COLUMNS: tuple[tuple[str, Callable[[HouseholdSuggestion], str]], ...] = (
    (tr("房号"), lambda s: s.unit_code),
    (tr("楼栋"), lambda s: s.building_label),
    (tr("上次日常回访"), lambda s: shown_time(s.last_visited_at, "%Y-%m-%d") or tr("从未回访")),
    (tr("上次回访编号"), lambda s: s.last_number or ""),
)


def half_years(today: datetime, count: int = HALVES_SHOWN) -> list[tuple[int, int]]:
    """Return (year, half) from the current half-year back, newest first."""
    day = today.astimezone(SHOWN_ZONE).date()
    year, half = day.year, 1 if day.month <= 6 else 2
    found = []
    for _ in range(count):
        found.append((year, half))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return found


class CoverageTab(QWidget):
    """The half-year's coverage by building, the estate's total, and households to visit."""

    planned = Signal(int)  # a routine visit's id, once planned

    def __init__(
        self,
        office: OfficeFile,
        actor: Actor,
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.office, self.actor, self.now = office, actor, now
        self.half = QComboBox()
        self.half.setObjectName("half_year")
        for year, half in half_years(now()):
            self.half.addItem(tr("{0} 年{1}半年").format(year, tr("上") if half == 1 else tr("下")))
            self.half.setItemData(self.half.count() - 1, (year, half))
        self.half.currentIndexChanged.connect(lambda _i: self.refresh())
        self.coverage = RecordTable(COVERAGE_COLUMNS, self)
        self.coverage.setObjectName("coverage_table")
        self.coverage.picked.connect(self._building_picked)
        self.suggestions = RecordTable(SUGGESTION_COLUMNS, self)
        self.suggestions.setObjectName("suggestion_table")
        self.plan_button = make_button(tr("安排回访"), "plan_routine", self.plan_selected)
        self.message = QLabel()
        self.message.setObjectName("coverage_message")
        self.message.setWordWrap(True)
        self.rule = QLabel()
        self.rule.setObjectName("coverage_rule")
        self.suggest_title = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("半年度")))
        top.addWidget(self.half)
        top.addWidget(self.rule, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.suggest_title, 1)
        bottom.addWidget(self.plan_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.coverage, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.suggestions, 2)
        layout.addWidget(self.message)
        self.building_id: int | None = None
        self.refresh()

    def refresh(self) -> None:
        """Read the chosen half-year's coverage again (the suggestions follow the building)."""
        year, half = self.half.currentData() or half_years(self.now())[0]
        try:
            lines = visit_plan.routine_coverage(self.office, self.actor, year, half, now=self.now())
        except UserError as exc:
            self._say(exc.message, error=True)
            lines = []
        rows = [CoverageRow(x, x.building_id or 0, not x.met) for x in lines]
        self.coverage.set_rows(rows)
        self.rule.setText(tr("每半年回访不少于 10% 的住户（每栋楼也须达到），红色为未达标"))
        if not self.coverage.select_id(self.building_id or 0) and rows:
            self.coverage.select_id(rows[0].id)

    def _building_picked(self, row: CoverageRow | None) -> None:
        if row is None:
            return
        self.building_id = row.line.building_id
        self.suggest_title.setText(tr("建议回访住户（{0}）").format(row.line.building_label))
        try:
            found = visit_plan.suggested_households(self.office, self.actor, self.building_id)
        except UserError as exc:
            self._say(exc.message, error=True)
            found = []
        self.suggestions.set_rows(found)
        self.plan_button.setEnabled(bool(found))

    def plan_selected(self) -> visits.VisitView | None:
        """Plan a routine visit of the chosen household for tomorrow 09:00, by the actor."""
        index = self.suggestions.currentIndex()
        if not index.isValid():
            self._say(tr("请先选择要回访的住户"), error=True)
            return None
        chosen: HouseholdSuggestion = self.suggestions.records.rows[index.row()]
        data = {
            "kind": VisitKind.routine.value,
            "unit": chosen.unit_code,
            "due_at": next_morning(self.now()),
            "visitors": self.actor.name,
        }
        try:
            view = visits.plan_visit(self.office, self.actor, data, now=self.now())
        except UserError as exc:
            message = getattr(exc, "errors", None)
            self._say(tr("；").join(message.values()) if message else exc.message, error=True)
            return None
        self._say(tr("已安排日常回访 {0}（{1}）").format(view.number, shown_unit_codes(view.place)))
        self.refresh()
        self.planned.emit(view.id)
        return view

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {ERROR_COLOR};" if error else "color: #2e7d32;")
        self.message.setText(text)
