"""The main window: the office's estate at a glance; later parts add the registers."""

from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.services import office as office_service
from wuyedesk.services.context import Actor
from wuyedesk.services.places import BuildingSummary, estate_overview
from wuyedesk.store.office_file import OfficeFile

_Index = QModelIndex | QPersistentModelIndex


class BuildingTableModel(QAbstractTableModel):
    """The estate's buildings with their counts, and a total line at the bottom."""

    COLUMNS = (
        QT_TRANSLATE_NOOP("BuildingTableModel", "楼栋"),
        QT_TRANSLATE_NOOP("BuildingTableModel", "单元数"),
        QT_TRANSLATE_NOOP("BuildingTableModel", "楼层数"),
        QT_TRANSLATE_NOOP("BuildingTableModel", "户数"),
        QT_TRANSLATE_NOOP("BuildingTableModel", "住户数"),
        QT_TRANSLATE_NOOP("BuildingTableModel", "已入住户数"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buildings: list[BuildingSummary] = []

    def set_buildings(self, buildings: list[BuildingSummary]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.buildings = list(buildings)
        self.endResetModel()

    def totals(self) -> tuple[int, int, int, int, int]:
        """Return the estate's sums: entrances, floors, units, residents, occupied units."""
        b = self.buildings
        return (
            sum(x.entrances for x in b),
            sum(x.floors for x in b),
            sum(x.units for x in b),
            sum(x.residents for x in b),
            sum(x.occupied_units for x in b),
        )

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Return the building rows plus the total row."""
        if parent.isValid() or not self.buildings:
            return 0
        return len(self.buildings) + 1

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Return the number of columns."""
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """Return the Chinese column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.COLUMNS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Return a cell: the building's name and counts, or the totals."""
        if not index.isValid():
            return None
        total_row = index.row() == len(self.buildings)
        if role == Qt.ItemDataRole.DisplayRole:
            if total_row:
                if index.column() == 0:
                    return self.tr("合计 {0} 栋").format(len(self.buildings))
                return self.totals()[index.column() - 1]
            b = self.buildings[index.row()]
            return (b.name, b.entrances, b.floors, b.units, b.residents, b.occupied_units)[
                index.column()
            ]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and total_row:
            return QColor("#eef3f8")
        if role == Qt.ItemDataRole.FontRole and total_row:
            font = QFont()
            font.setBold(True)
            return font
        return None


class MainWindow(QMainWindow):
    """The desk's window for one open office file."""

    def __init__(self, office: OfficeFile, actor: Actor | None = None) -> None:
        super().__init__()
        self.office = office
        # Part 1 has no staff login yet: the window acts as the office itself.
        self.actor = actor or Actor.command_line()
        self.info = office_service.office_info(office)
        self.setWindowTitle(
            self.tr("wuyedesk — {office} · {estate}").format(
                office=self.info.name, estate=self.info.estate_name
            )
        )
        self.resize(900, 560)
        self._build_menu()
        self._build_overview()
        self.path_label = QLabel(self.tr("办公文件：{0}").format(office.path))
        self.path_label.setObjectName("office_path")
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summary")
        self.summary_label.setContentsMargins(8, 0, 0, 0)
        self.statusBar().addWidget(self.summary_label, 1)
        self.statusBar().addPermanentWidget(self.path_label)
        self.refresh()

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu(self.tr("文件(&F)"))
        refresh = QAction(self.tr("刷新(&R)"), self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.refresh)
        menu.addAction(refresh)
        menu.addSeparator()
        leave = QAction(self.tr("退出(&X)"), self)
        leave.setShortcut(QKeySequence.StandardKey.Quit)
        leave.triggered.connect(self.close)
        menu.addAction(leave)

    def _build_overview(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(16, 14, 16, 10)
        layout.setSpacing(10)
        heading = QLabel(self.tr("{estate} · 楼栋一览").format(estate=self.info.estate_name))
        heading.setObjectName("heading")
        heading.setStyleSheet("font-size: 15pt; font-weight: bold;")
        layout.addWidget(heading)
        self.model = BuildingTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("buildings")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a read-only overview: no cell cursor
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label = QLabel(self.tr("还没有楼栋：可用 wuyedesk demo 生成演示小区"))
        self.empty_label.setObjectName("empty_estate")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #666666; font-size: 13pt;")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.pages.addWidget(self.empty_label)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

    def refresh(self) -> None:
        """Read the estate again and show it."""
        buildings = estate_overview(self.office, self.actor)
        self.model.set_buildings(buildings)
        self.pages.setCurrentWidget(self.table if buildings else self.empty_label)
        if buildings:
            _, _, units, residents, occupied = self.model.totals()
            self.summary_label.setText(
                self.tr("共 {0} 栋 · {1} 户 · 住户 {2} 人 · 已入住 {3} 户").format(
                    len(buildings), units, residents, occupied
                )
            )
        else:
            self.summary_label.setText(self.tr("尚无楼栋"))
