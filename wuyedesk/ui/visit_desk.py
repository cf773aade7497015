"""The return-visit desk (回访记录表): what waits, the visits, the half-year's coverage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.kinds import VisitKind, labels
from wuyedesk.i18n import tr
from wuyedesk.services import visit_plan, visit_views, visits
from wuyedesk.services.context import Actor
from wuyedesk.services.paging import Tally
from wuyedesk.services.visit_fields import shown_visitors
from wuyedesk.services.visit_plan import WaitingVisit
from wuyedesk.services.visits import VisitView
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import ERROR_COLOR, SHOWN_ZONE
from wuyedesk.ui.record_table import RecordTable, make_button, shown_time
from wuyedesk.ui.visit_coverage import CoverageTab
from wuyedesk.ui.visit_dialogs import next_morning
from wuyedesk.ui.visit_panel import VisitPanel

Clock = Callable[[], datetime]
WAITING_COLUMNS: tuple[tuple[str, Callable[[WaitingVisit], str]], ...] = (
    (tr("类型"), lambda w: w.kind_label),
    (tr("关联单号"), lambda w: w.related_number),
    (tr("房号/部位"), lambda w: w.place),
    (tr("投诉/验收"), lambda w: shown_time(w.since)),
    (tr("回访期限"), lambda w: shown_time(w.due_at)),
    (tr("剩余时间"), lambda w: w.time_left_text),
    (tr("回访编号"), lambda w: w.visit_number or tr("未安排")),
)
VISIT_COLUMNS: tuple[tuple[str, Callable[[VisitView], str]], ...] = (
    (tr("回访编号"), lambda v: v.number),
    (tr("类型"), lambda v: v.kind_label),
    (tr("房号/部位"), lambda v: v.place),
    (tr("关联单号"), lambda v: v.related_number or ""),
    (tr("回访期限"), lambda v: shown_time(v.visit_limit or v.due_at)),
    (tr("状态"), lambda v: v.state_label),
    (tr("回访人"), lambda v: shown_visitors(v.visitors)),
    (tr("满意度"), lambda v: v.satisfaction_label),
    (tr("超时"), lambda v: tr("；").join(v.overdue)),
)
SHOWS = ((tr("未完成"), "open"), (tr("今天"), "today"))


class VisitDeskWindow(QWidget):
    """待回访 and the visits with a panel for the picked one; 日常回访覆盖 in a second tab."""

    def __init__(
        self,
        office: OfficeFile,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.office, self.actor, self.clock = office, actor, clock
        self.setObjectName("visit_desk")
        self.setWindowTitle(tr("回访记录表"))
        self.resize(1320, 820)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("visit_tabs")
        self.tabs.addTab(self._visits_tab(), tr("待回访"))
        self.coverage = CoverageTab(office, actor, self.now, self)
        self.coverage.planned.connect(lambda visit_id: self.refresh(select_id=visit_id))
        self.tabs.addTab(self.coverage, tr("日常回访覆盖"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.table.records.fetch_failed.connect(lambda text: self._say(text, error=True))
        self.refresh()

    # -- building -----------------------------------------------------------------------------
    def _visits_tab(self) -> QWidget:
        self.waiting = RecordTable(WAITING_COLUMNS, self)
        self.waiting.setObjectName("waiting_table")
        self.waiting.picked.connect(self._waiting_picked)
        self.plan_button = make_button(tr("安排回访"), "plan_waiting", self.plan_waiting)
        self.plan_button.setEnabled(False)
        self.waiting_count = QLabel()
        self.waiting_count.setObjectName("waiting_count")
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        waiting_head = QHBoxLayout()
        waiting_head.addWidget(self._heading(tr("待回访的投诉和维修（最早的在前）")))
        waiting_head.addWidget(self.waiting_count, 1)
        waiting_head.addWidget(self.plan_button)
        self.table = RecordTable(VISIT_COLUMNS, self)
        self.table.setObjectName("visit_table")
        self.table.picked.connect(self._picked)
        self.panel = VisitPanel(self.office, self.actor, self.now, self)
        self.panel.changed.connect(lambda visit_id: self.refresh(select_id=visit_id))
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(waiting_head)
        column.addWidget(self.waiting, 2)
        column.addWidget(self._heading(tr("回访记录")))
        column.addLayout(self._filter_row())
        column.addWidget(self.table, 3)
        column.addWidget(self.status)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 1)
        split.setSizes([820, 500])
        return split

    def _heading(self, text: str) -> QLabel:
        label = QLabel(tr(text))
        label.setStyleSheet("font-weight: bold;")
        return label

    def _filter_row(self) -> QHBoxLayout:
        self.show_filter = QComboBox()
        self.show_filter.setObjectName("show_filter")
        for text, key in SHOWS:
            self.show_filter.addItem(tr(text), key)
        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("kind_filter")
        self.kind_filter.addItem(tr("全部类型"), None)
        for value, text in labels(VisitKind).items():
            self.kind_filter.addItem(tr(text), value)
        self.overdue_only = QCheckBox(tr("只看超时"))
        self.overdue_only.setObjectName("overdue_only")
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        row = QHBoxLayout()
        for caption, widget in ((tr("显示"), self.show_filter), (tr("类型"), self.kind_filter)):
            row.addWidget(QLabel(tr(caption)))
            row.addWidget(widget)
            widget.currentIndexChanged.connect(lambda _i: self.refresh())
        self.overdue_only.toggled.connect(lambda _on: self.refresh())
        row.addWidget(self.overdue_only)
        row.addWidget(make_button(tr("刷新"), "reload", self.refresh))
        row.addStretch(1)
        row.addWidget(self.count_label)
        return row

    # -- time ---------------------------------------------------------------------------------
    def now(self) -> datetime:
        """Return the office's current time (a test may inject its own clock)."""
        return self.clock() if self.clock is not None else datetime.now(SHOWN_ZONE)

    # -- the lists ----------------------------------------------------------------------------
    def filters(self) -> dict[str, Any]:
        """Return the visit list's filters as list_visits takes them."""
        return {
            "kind": self.kind_filter.currentData(),
            "open_only": self.show_filter.currentData() == "open",
            "overdue_only": self.overdue_only.isChecked(),
            "now": self.now(),
        }

    def refresh(self, select_id: int | None = None) -> None:
        """Read both lists again; the visit on the panel stays there even if the list drops it."""
        keep = select_id if select_id is not None else self.panel.record_id()
        self.status.clear()
        filters = self.filters()
        try:
            waiting = visit_plan.waiting_visits(self.office, self.actor, now=self.now())
            self.table.set_pages(
                lambda after, limit: visit_views.list_visits_page(
                    self.office, self.actor, after=after, limit=limit, **filters
                )
            )
            tally = visit_views.count_visits(self.office, self.actor, **filters)
        except UserError as exc:
            self._say(exc.message, error=True)
            waiting, tally = [], Tally(0, 0)
            self.table.set_rows([])
        self.waiting.set_rows(waiting)
        late = sum(1 for w in waiting if w.overdue)
        text = tr("共 {0} 件").format(len(waiting))
        self.waiting_count.setText(text + (tr("，超时 {0} 件").format(late) if late else ""))
        self.plan_button.setEnabled(False)
        text = tr("共 {0} 条").format(tally.total)
        late_text = tr("，超时 {0} 条").format(tally.overdue) if tally.overdue else ""
        self.count_label.setText(text + late_text)
        if keep is not None:
            self.panel.show_record(keep)
            self.table.select_id(keep)

    def _picked(self, view: VisitView | None) -> None:
        if view is not None and view.id != self.panel.record_id():
            self.panel.show_record(view.id)

    def _waiting_picked(self, waiting: WaitingVisit | None) -> None:
        if waiting is None:
            return
        self.plan_button.setEnabled(waiting.visit_id is None)
        if waiting.visit_id is not None:
            self.panel.show_record(waiting.visit_id)
            self.table.select_id(waiting.visit_id)

    def plan_waiting(self) -> VisitView | None:
        """Plan the visit of the complaint or repair picked in 待回访, by the actor."""
        index = self.waiting.currentIndex()
        if not index.isValid():
            return None
        waiting: WaitingVisit = self.waiting.records.rows[index.row()]
        # A complaint's visit is due by its 24-hour limit; a repair's phone call tomorrow.
        due = None if waiting.kind == VisitKind.complaint else next_morning(self.now())
        data = {
            "kind": waiting.kind,
            "related_number": waiting.related_number,
            "due_at": due,
            "visitors": self.actor.name,
        }
        try:
            view = visits.plan_visit(self.office, self.actor, data, now=self.now())
        except UserError as exc:
            found = getattr(exc, "errors", None)
            self._say(tr("；").join(found.values()) if found else exc.message, error=True)
            return None
        self.refresh(select_id=view.id)
        self._say(tr("已安排回访 {0}").format(view.number))
        return view

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {ERROR_COLOR};" if error else "color: #2e7d32;")
        self.status.setText(text)
