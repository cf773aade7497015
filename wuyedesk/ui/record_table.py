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
    QStyle,
    QTableView,
    QWidget,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.units import shown_unit_codes
from wuyedesk.i18n import tr
from wuyedesk.services.paging import Cursor, Page
from wuyedesk.ui.binder import ERROR_COLOR, SHOWN_ZONE

Column = tuple[str, Callable[[Any], str]]
# A paged list: (after, limit) -> the services' Page of the rows after that cursor.
PageSource = Callable[[Cursor | None, int], Page[Any]]
PAGE_ROWS = 50  # rows read a page at a time: two screenfuls, a blink to read
SEEK_ROWS = 500  # select_id reads down to here looking for a record (at least)
FIT_ROWS = 40  # the columns fit the texts of this many first rows (a screenful and more)
MAX_COLUMN_WIDTH = 260
OVERDUE_BACKGROUND = QColor("#ffcdd2")
OVERDUE_TEXT = QColor("#b71c1c")
Index = QModelIndex | QPersistentModelIndex
_ANSWERED = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.ToolTipRole,
    }
)


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
    return [tr("已超时")] if value else []


class RecordTableModel(QAbstractTableModel):
    """Rows of record views; the columns are (heading, text of a view).

    The rows are given whole (set_rows), or read a page at a time from a service
    (set_pages): the first page at once, the next ones when the view scrolls to the end.
    """

    fetch_failed = Signal(str)  # a later page was refused: the reason, in Chinese

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.rows: list[Any] = []
        self.rows_before = 0  # how many rows were read before the list was last replaced
        self.page_rows = PAGE_ROWS
        self._source: PageSource | None = None
        self._after: Cursor | None = None

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.rows_before, self.rows = len(self.rows), list(rows)
        self._source, self._after = None, None
        self.endResetModel()

    def set_pages(self, source: PageSource, page_rows: int = PAGE_ROWS) -> None:
        """Show a list read page by page: `source(after, limit)` returns a services Page.

        The first page is read here, so a refusal (UserError) reaches the caller and the
        rows shown before stay; later pages are read by fetchMore as the view scrolls.
        """
        first = source(None, page_rows)
        self.beginResetModel()
        self.rows_before, self.rows = len(self.rows), list(first.rows)
        self.page_rows = page_rows
        self._after = first.after
        self._source = source if first.after is not None else None
        self.endResetModel()

    @property
    def complete(self) -> bool:
        """Tell whether every row of the list is read (no page left to fetch)."""
        return self._source is None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        """Tell the view that more rows wait when the list has a page left to read."""
        return not parent.isValid() and self._source is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """Read the next page and append its rows (the view calls this at the end)."""
        if not self.canFetchMore(parent):
            return
        assert self._source is not None
        try:
            page = self._source(self._after, self.page_rows)
        except UserError as exc:
            self._source = None  # the rows read stay; asking again would be refused again
            self.fetch_failed.emit(exc.message)
            return
        self._after = page.after
        if page.after is None:
            self._source = None
        if page.rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self.rows.extend(page.rows)
            self.endInsertRows()

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
            return tr(self.columns[section][0])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return a cell's text; overdue rows get a red background and their reasons as tip."""
        # The view asks a dozen roles of every cell it measures or paints: answer the few
        # used here first, and the rest without looking at the record.
        if role not in _ANSWERED or not index.isValid():
            return None
        view = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = self.columns[index.column()][1](view)
            return shown_unit_codes(text.replace("\n", " ")) if isinstance(text, str) else text
        reasons = overdue_reasons(view)
        if role == Qt.ItemDataRole.BackgroundRole and reasons:
            return QBrush(OVERDUE_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and reasons:
            return QBrush(OVERDUE_TEXT)
        if role == Qt.ItemDataRole.ToolTipRole:
            if reasons:
                return tr("超时：") + tr("；").join(reasons)
            tip = self.columns[index.column()][1](view)
            return shown_unit_codes(tip) if isinstance(tip, str) else tip
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
        self._fit_columns()

    def set_pages(self, source: PageSource, page_rows: int = PAGE_ROWS) -> None:
        """Show a list read page by page (see RecordTableModel.set_pages); none selected."""
        self.records.set_pages(source, page_rows)
        self._fit_columns()

    def _fit_columns(self) -> None:
        # Fit each column to its heading and the texts of the first rows, up to a limit.
        # Measured here rather than by resizeColumnsToContents, which asks the model a
        # dozen roles of every cell of every row read (most of a long list's first screen).
        metrics = self.fontMetrics()
        header = self.horizontalHeader()
        margin = 2 * (self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) + 4
        sample = self.records.rows[:FIT_ROWS]
        for column, (_heading, text_of) in enumerate(self.records.columns):
            widest = max(
                (metrics.horizontalAdvance(str(text_of(v)).replace("\n", " ")) for v in sample),
                default=0,
            )
            width = max(widest + margin, header.sectionSizeHint(column))
            self.setColumnWidth(column, min(width, MAX_COLUMN_WIDTH))

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.picked.emit(self.records.rows[current.row()] if current.isValid() else None)

    def select_id(self, record_id: int) -> bool:
        """Select the row of this record id; return whether it is listed.

        Pages not read yet are read while looking, down to SEEK_ROWS rows or as far as the
        list was read before it was last replaced (a record acted on far down is found
        again after the refresh); a record further down counts as not listed.
        """
        records, start = self.records, 0
        reach = max(SEEK_ROWS, records.rows_before)
        while True:
            for row in range(start, len(records.rows)):
                view = records.rows[row]
                if view.id == record_id:
                    flags = (
                        QItemSelectionModel.SelectionFlag.ClearAndSelect
                        | QItemSelectionModel.SelectionFlag.Rows
                    )
                    self.selectionModel().setCurrentIndex(records.index(row, 0), flags)
                    self.picked.emit(view)
                    return True
            start = len(records.rows)
            if records.complete or start >= reach:
                return False
            records.fetchMore(QModelIndex())

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
        scope.addItem(tr(text))
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
    row.addWidget(QLabel(tr("显示")))
    row.addWidget(scope)
    row.addWidget(date_from)
    row.addWidget(QLabel(tr("至")))
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
    return tr("<p style='color:{ERROR_COLOR}'><b>超时：</b>{0}</p>").format(
        escape(tr("；").join(late)), ERROR_COLOR=ERROR_COLOR
    )


def run_step(panel: Any, step: Callable[[], Any]) -> Any:
    """Run one button's service call for a detail panel; show a refusal, announce a change."""
    if panel.view is None:
        return None
    try:
        result = step()
    except UserError as exc:
        panel.message.setText(exc.message)
        QMessageBox.warning(panel, tr("未完成"), exc.message)
        return None
    panel.changed.emit(panel.view.id)
    return result


def entry_buttons(screen: Any) -> QHBoxLayout:
    """Return the entry form's row: the last saved number, 清空 and 保存 (Ctrl+S)."""
    screen.saved_label = QLabel()
    screen.saved_label.setObjectName("saved")
    screen.save_button = QPushButton(tr("保存 (Ctrl+S)"))
    screen.save_button.setObjectName("save")
    screen.save_button.clicked.connect(screen.save)
    clear = QPushButton(tr("清空"))
    clear.clicked.connect(screen.clear_form)
    QShortcut(QKeySequence.StandardKey.Save, screen, screen.save)
    row = QHBoxLayout()
    row.addWidget(screen.saved_label, 1)
    row.addWidget(clear)
    row.addWidget(screen.save_button)
    return row
