"""The table under a register screen: one row per record view, overdue rows red."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QDateTime,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTime,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QWidget,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.ui.binder import ERROR_COLOR, SHOWN_ZONE

Column = tuple[str, Callable[[Any], str]]
OVERDUE_BACKGROUND = QColor("#ffcdd2")
OVERDUE_TEXT = QColor("#b71c1c")
Index = QModelIndex | QPersistentModelIndex


def shown_time(value: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    """Return an aware time as office time text ('' for none)."""
    return value.astimezone(SHOWN_ZONE).strftime(fmt) if value is not None else ""


def qdatetime(value: datetime) -> QDateTime:
    """Return an aware datetime as the office-time QDateTime a QDateTimeEdit shows."""
    s = value.astimezone(SHOWN_ZONE)
    return QDateTime(QDate(s.year, s.month, s.day), QTime(s.hour, s.minute, s.second))


def overdue_reasons(view: Any) -> list[str]:
    """Return why a record is overdue (a list, or one flag made into a line)."""
    value = getattr(view, "overdue", None)
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return ["已超时"] if value else []


class RecordTableModel(QAbstractTableModel):
    """Rows of record views; the columns are (heading, text of a view)."""

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Return the number of records (none under a row)."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Return the number of columns."""
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Return the column headings."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.columns[section][0])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return a cell's text; overdue rows get a red background and their reasons as tip."""
        if not index.isValid():
            return None
        view = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = self.columns[index.column()][1](view)
            return text.replace("\n", " ") if isinstance(text, str) else text
        reasons = overdue_reasons(view)
        if role == Qt.ItemDataRole.BackgroundRole and reasons:
            return QBrush(OVERDUE_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and reasons:
            return QBrush(OVERDUE_TEXT)
        if role == Qt.ItemDataRole.ToolTipRole:
            if reasons:
                return self.tr("超时：") + "；".join(reasons)
            return self.columns[index.column()][1](view)
        return None


class RecordTable(QTableView):
    """A read-only, one-row-at-a-time table that says which record was picked."""

    picked = Signal(object)  # the record view, or None

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.records = RecordTableModel(columns, self)
        self.setModel(self.records)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.selectionModel().currentRowChanged.connect(self._row_changed)

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show these records; nothing is selected afterwards."""
        self.records.set_rows(rows)
        self.resizeColumnsToContents()
        for column in range(self.records.columnCount()):
            self.setColumnWidth(column, min(self.columnWidth(column), 260))

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.picked.emit(self.records.rows[current.row()] if current.isValid() else None)

    def select_id(self, record_id: int) -> bool:
        """Select the row of this record id; return whether it is listed."""
        for row, view in enumerate(self.records.rows):
            if view.id == record_id:
                flags = (
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows
                )
                self.selectionModel().setCurrentIndex(self.records.index(row, 0), flags)
                self.picked.emit(view)
                return True
        return False

    def row_texts(self, column: int) -> list[str]:
        """Return one column's texts (for tests and the status line)."""
        return [self.records.columns[column][1](v) for v in self.records.rows]


def date_filters(
    owner: QWidget, scopes: Sequence[str], refresh: Callable[[], None]
) -> tuple[QComboBox, QDateEdit, QDateEdit, QHBoxLayout]:
    """Return a scope combo (the first scope is today, the second the date range) and dates."""
    scope = QComboBox()
    scope.setObjectName("scope")
    for text in scopes:
        scope.addItem(owner.tr(text))
    today = QDate.currentDate()
    date_from, date_to = QDateEdit(today), QDateEdit(today)
    date_from.setObjectName("date_from")
    date_to.setObjectName("date_to")
    for edit in (date_from, date_to):
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setEnabled(False)
        edit.dateChanged.connect(lambda _d: refresh())

    def scope_changed(index: int) -> None:
        for edit in (date_from, date_to):
            edit.setEnabled(index == 1)
        refresh()

    scope.currentIndexChanged.connect(scope_changed)
    row = QHBoxLayout()
    row.addWidget(QLabel(owner.tr("显示")))
    row.addWidget(scope)
    row.addWidget(date_from)
    row.addWidget(QLabel(owner.tr("至")))
    row.addWidget(date_to)
    return scope, date_from, date_to, row


def hbox(*widgets: QWidget) -> QWidget:
    """Return the widgets side by side in one row (line edits stretch)."""
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget, 1 if isinstance(widget, QLineEdit) else 0)
    return holder


def make_button(text: str, name: str, slot: Callable[[], object]) -> QPushButton:
    """Return a push button with an objectName, wired to a slot."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.clicked.connect(lambda _checked=False: slot())  # a slot never gets `checked`
    return button


def overdue_warning(view: Any) -> str:
    """Return the red 超时 line for a record's detail panel ('' when on time)."""
    late = overdue_reasons(view)
    if not late:
        return ""
    return f"<p style='color:{ERROR_COLOR}'><b>超时：</b>{escape('；'.join(late))}</p>"


def run_step(panel: Any, step: Callable[[], Any]) -> Any:
    """Run one button's service call for a detail panel; show a refusal, announce a change."""
    if panel.view is None:
        return None
    try:
        result = step()
    except UserError as exc:
        panel.message.setText(exc.message)
        QMessageBox.warning(panel, panel.tr("未完成"), exc.message)
        return None
    panel.changed.emit(panel.view.id)
    return result


def entry_buttons(screen: Any) -> QHBoxLayout:
    """Return the entry form's row: the last saved number, 清空 and 保存 (Ctrl+S)."""
    screen.saved_label = QLabel()
    screen.saved_label.setObjectName("saved")
    screen.save_button = QPushButton(screen.tr("保存 (Ctrl+S)"))
    screen.save_button.setObjectName("save")
    screen.save_button.clicked.connect(screen.save)
    clear = QPushButton(screen.tr("清空"))
    clear.clicked.connect(screen.clear_form)
    QShortcut(QKeySequence.StandardKey.Save, screen, screen.save)
    row = QHBoxLayout()
    row.addWidget(screen.saved_label, 1)
    row.addWidget(clear)
    row.addWidget(screen.save_button)
    return row
