"""The repair desk (工程维修单 / 有偿服务单): the slips in a list, one slip taken step by step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.kinds import RepairKind, labels
from wuyedesk.domain.roles import Role
from wuyedesk.domain.workflows import REPAIR_PAID
from wuyedesk.i18n import tr
from wuyedesk.services import places, repair_views
from wuyedesk.services import staff as staff_service
from wuyedesk.services.context import Actor
from wuyedesk.services.paging import Tally
from wuyedesk.services.permissions import allowed
from wuyedesk.services.repair_views import VIEWS, RepairView, arrival_minutes
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import ERROR_COLOR, SHOWN_ZONE
from wuyedesk.ui.record_table import RecordTable, shown_time
from wuyedesk.ui.repair_entry import RepairEntryDialog
from wuyedesk.ui.repair_panel import RepairPanel

Clock = Callable[[], datetime]
# Whose work waits in the slips: they start in their own queue (我的工单).
QUEUE_ROLES = frozenset({Role.engineer, Role.eng_supervisor, Role.storekeeper, Role.finance})
ALL_DAYS = 30  # 全部 lists this many days back unless other dates are chosen
LATE = tr("超时")


def _arrival(v: RepairView) -> str:
    minutes = arrival_minutes(v)
    if minutes is None:
        return ""
    return tr("{minutes} 分钟").format(minutes=minutes) + (f" {LATE}" if v.arrival_late else "")


COLUMNS: tuple[tuple[str, Callable[[Any], str]], ...] = (
    (tr("单号"), lambda v: v.number),
    (tr("类别"), lambda v: tr("有偿") if v.is_paid else tr("维修")),
    (tr("报修时间"), lambda v: shown_time(v.reported_at)),
    (tr("房号/部位"), lambda v: v.unit_code or v.facility or ""),
    (tr("报修人"), lambda v: v.reporter_name),
    (tr("报修类别"), lambda v: v.category_label),
    (tr("状态"), lambda v: v.state_label),
    (tr("维修人员"), lambda v: v.engineer),
    (tr("到场"), _arrival),
    (tr("超时"), lambda v: tr("；").join(v.overdue)),
)
HEADINGS = [heading for heading, _ in COLUMNS]
ARRIVAL_COLUMN, OVERDUE_COLUMN = HEADINGS.index(tr("到场")), HEADINGS.index(tr("超时"))


class LateTextDelegate(QStyledItemDelegate):
    """Draw 到场 red when it says 超时, and any 超时 reason red, even on a white row."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Colour the text after the usual options are set."""
        super().initStyleOption(option, index)
        text = str(index.data() or "")
        if text and (LATE in text or index.column() == OVERDUE_COLUMN):
            option.palette.setColor(QPalette.ColorRole.Text, QColor(ERROR_COLOR))  # type: ignore[attr-defined]
            option.font.setBold(True)  # type: ignore[attr-defined]


class RepairDeskWindow(QWidget):
    """Open slips, list them by queue, state, engineer, building and kind, take their steps."""

    def __init__(
        self,
        office: OfficeFile,
        actor: Actor,
        parent: QWidget | None = None,
        clock: Clock | None = None,
        *,
        view: str | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.office, self.actor, self.clock = office, actor, clock
        self.setObjectName("repair_desk")
        self.setWindowTitle(tr("工程维修单 / 有偿服务单"))
        self.resize(1320, 820)
        self.entry: RepairEntryDialog | None = None
        self.table = RecordTable(COLUMNS, self)
        self.table.setObjectName("repair_table")
        delegate = LateTextDelegate(self.table)
        for column in (ARRIVAL_COLUMN, OVERDUE_COLUMN):
            self.table.setItemDelegateForColumn(column, delegate)
        self.table.picked.connect(self._picked)
        self.panel = RepairPanel(office, actor, self.now, self)
        self.panel.changed.connect(self._changed)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.table)
        lower.addWidget(self.panel)
        lower.setStretchFactor(0, 1)
        lower.setSizes([700, 620])
        layout = QVBoxLayout(self)
        layout.addLayout(self._top_row())
        layout.addLayout(self._filter_row(view))
        layout.addWidget(lower, 1)
        self.table.records.fetch_failed.connect(self.status.setText)
        self.refresh()

    # -- building -----------------------------------------------------------------------------
    def _top_row(self) -> QHBoxLayout:
        self.new_buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        may_open = allowed(self.actor, "repairs.open")
        for kind, text in (
            (RepairKind.free, tr("新开维修单")),
            (RepairKind.paid, tr("新开有偿服务单")),
        ):
            button = QPushButton(tr(text))
            button.setObjectName(f"new_{kind.value}")
            button.clicked.connect(lambda _c=False, k=kind.value: self.open_entry(k))
            button.setEnabled(may_open)
            if not may_open:
                button.setToolTip(tr("您的岗位不能开维修单"))
            self.new_buttons[kind.value] = button
            row.addWidget(button)
        self.status = QLabel()
        self.status.setObjectName("saved")
        row.addWidget(self.status, 1)
        self.reconcile_button = QPushButton(tr("每日核对…"))
        self.reconcile_button.setObjectName("reconcile")
        self.reconcile_button.clicked.connect(self.open_reconciliation)
        self.reconcile_button.setVisible(allowed(self.actor, "repairs.reconcile"))
        row.addWidget(self.reconcile_button)
        return row

    def open_reconciliation(self) -> QWidget:
        """Open the day's check with the storekeeper; signing it off refreshes this list."""
        from wuyedesk.ui.reconciliation_sheet import ReconciliationWindow

        window = getattr(self, "reconciliation", None)
        if window is None:
            window = ReconciliationWindow(self.office, self.actor, self, clock=self.clock)
            window.signed_off.connect(self.refresh)
            self.reconciliation = window
        window.show()
        window.raise_()
        return window

    def _combo(self, name: str, choices: list[tuple[str, object]]) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        for text, value in choices:
            box.addItem(tr(text), value)
        return box

    def _filter_row(self, view: str | None) -> QHBoxLayout:
        self.view_filter = self._combo("view_filter", [(t, k) for k, t in VIEWS.items()])
        wanted = view or ("mine" if self.actor.role in QUEUE_ROLES else "open")
        self.view_filter.setCurrentIndex(max(0, self.view_filter.findData(wanted)))
        states = [(tr("全部状态"), None), *((t, s) for s, t in REPAIR_PAID.states.items())]
        self.state_filter = self._combo("state_filter", states)
        people = [
            (p.name, p.id)
            for p in staff_service.list_staff(self.office)
            if p.role in (Role.engineer, Role.eng_supervisor)
        ]
        self.engineer_filter = self._combo("engineer_filter", [(tr("全部维修人员"), None), *people])
        try:
            buildings = places.building_choices(self.office, self.actor)
        except UserError:
            buildings = []
        self.building_filter = self._combo(
            "building_filter", [(tr("全部楼栋"), None), *((n, i) for i, n in buildings)]
        )
        kinds = [(tr("全部"), None), *((t, k) for k, t in labels(RepairKind).items())]
        self.kind_filter = self._combo("kind_filter", kinds)
        today = self.now().astimezone(SHOWN_ZONE).date()
        self.date_from = QDateEdit(QDate(today - timedelta(days=ALL_DAYS)))
        self.date_to = QDateEdit(QDate(today))
        self.date_from.setObjectName("date_from")
        self.date_to.setObjectName("date_to")
        row = QHBoxLayout()
        for caption, widget in (
            (tr("显示"), self.view_filter),
            (tr("状态"), self.state_filter),
            (tr("维修人员"), self.engineer_filter),
            (tr("楼栋"), self.building_filter),
            (tr("类别"), self.kind_filter),
            (tr("日期"), self.date_from),
            (tr("至"), self.date_to),
        ):
            row.addWidget(QLabel(tr(caption)))
            row.addWidget(widget)
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(lambda _i: self.refresh())
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(lambda _d: self.refresh())
        reload = QPushButton(tr("刷新"))
        reload.setObjectName("reload")
        reload.clicked.connect(lambda: self.refresh())
        row.addWidget(reload)
        row.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        row.addWidget(self.count_label)
        return row

    # -- time ---------------------------------------------------------------------------------
    def now(self) -> datetime:
        """Return the office's current time (a test may inject its own clock)."""
        return self.clock() if self.clock is not None else datetime.now(SHOWN_ZONE)

    # -- new slips ----------------------------------------------------------------------------
    def open_entry(self, kind: str) -> RepairEntryDialog:
        """Open the entry form for a new slip of this kind (free or paid)."""
        self.entry = RepairEntryDialog(self.office, self.actor, kind, self.now, self)
        self.entry.finished.connect(self._entry_finished)
        self.entry.open()
        return self.entry

    def _entry_finished(self, result: int) -> None:
        entry = self.entry
        if entry is None or result != QDialog.DialogCode.Accepted or entry.saved is None:
            return
        view = entry.saved
        self.status.setText(tr("已开单 {0}").format(view.number))
        self.refresh(select_id=view.id)
        if entry.print_wanted:
            self.panel.print_slip("a5")

    # -- the list -----------------------------------------------------------------------------
    def filters(self) -> dict[str, Any]:
        """Return the list's filters as list_repairs takes them."""
        view = str(self.view_filter.currentData())
        dated = view == "all"
        return {
            "view": view,
            "state": self.state_filter.currentData(),
            "kind": self.kind_filter.currentData(),
            "engineer_id": self.engineer_filter.currentData(),
            "building_id": self.building_filter.currentData(),
            "date_from": self._day(self.date_from) if dated else None,
            "date_to": self._day(self.date_to) if dated else None,
            "now": self.now(),
        }

    @staticmethod
    def _day(edit: QDateEdit) -> date:
        return edit.date().toPython()  # type: ignore[return-value]

    def refresh(self, select_id: int | None = None) -> None:
        """Read the list again; the slip on the panel stays there even if the list drops it."""
        for edit in (self.date_from, self.date_to):
            edit.setEnabled(self.view_filter.currentData() == "all")
        keep = select_id if select_id is not None else self.panel.record_id()
        filters = self.filters()
        try:
            self.table.set_pages(
                lambda after, limit: repair_views.list_repairs_page(
                    self.office, self.actor, after=after, limit=limit, **filters
                )
            )
            tally = repair_views.count_repairs(self.office, self.actor, **filters)
        except UserError as exc:
            self.status.setText(exc.message)
            self.table.set_rows([])
            tally = Tally(0, 0)
        text = tr("共 {0} 张").format(tally.total)
        if tally.overdue:
            text += tr("，超时 {0} 张").format(tally.overdue)
        self.count_label.setText(text)
        if keep is not None:
            self.panel.show_record(keep)  # also when the list no longer holds it
            self.table.select_id(keep)

    def _picked(self, view: RepairView | None) -> None:
        # A list refreshed under the panel says None; the slip being worked on stays.
        if view is not None and view.id != self.panel.record_id():
            self.panel.show_record(view.id)

    def _changed(self, order_id: int) -> None:
        self.refresh(select_id=order_id)
