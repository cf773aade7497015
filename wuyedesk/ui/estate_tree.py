"""The left tree: estate → building → entrance → floor → unit, with counts and stale marks."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QWidget

from wuyedesk.domain.units import shown_unit_codes
from wuyedesk.i18n import tr
from wuyedesk.services.estate import BuildingNode

_Index = QModelIndex | QPersistentModelIndex
STALE_COLOR = "#ef6c00"
UNIT_CODE_ROLE = Qt.ItemDataRole.UserRole
KIND_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(eq=False)
class TreeNode:
    """One row of the tree: what it is, its label, counts, and where it sits."""

    kind: str  # estate, building, entrance, floor, unit
    label: str
    parent: TreeNode | None = None
    children: list[TreeNode] = field(default_factory=list)
    row: int = 0
    units: int = 0
    residents: int = 0
    stale: int = 0
    code: str | None = None

    def add(self, child: TreeNode) -> TreeNode:
        """Append a child and return it."""
        child.parent = self
        child.row = len(self.children)
        self.children.append(child)
        return child

    def total(self) -> None:
        """Sum the counts of the children into this node (depth first)."""
        if self.kind == "unit":
            return
        for child in self.children:
            child.total()
        self.units = sum(c.units for c in self.children)
        self.residents = sum(c.residents for c in self.children)
        self.stale = sum(c.stale for c in self.children)


def build_tree(
    estate_name: str, buildings: list[BuildingNode]
) -> tuple[TreeNode, dict[str, TreeNode]]:
    """Turn the service's building list into tree nodes; return the root and units by code."""
    root = TreeNode("estate", estate_name)
    by_code: dict[str, TreeNode] = {}
    for building in buildings:
        b_node = root.add(TreeNode("building", tr("{0}栋").format(building.label)))
        for entrance in building.entrances:
            holder = b_node
            if entrance.number is not None:
                holder = b_node.add(TreeNode("entrance", tr("{0}单元").format(entrance.number)))
            for floor in entrance.floors:
                f_node = holder.add(TreeNode("floor", tr("{0}层").format(floor.label)))
                for unit in floor.units:
                    u_node = f_node.add(
                        TreeNode(
                            "unit",
                            unit.room,
                            units=1,
                            residents=unit.residents,
                            stale=unit.stale,
                            code=unit.code,
                        )
                    )
                    by_code[unit.code] = u_node
    root.total()
    return root, by_code


def _stale_icon() -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(STALE_COLOR))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)


class EstateTreeModel(QAbstractItemModel):
    """A read-only tree model over the estate's nodes; cheap for thousands of units."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.root = TreeNode("estate", "")
        self._top = TreeNode("top", "")  # invisible parent of the estate row
        self.by_code: dict[str, TreeNode] = {}
        self._stale_icon: QIcon | None = None

    def set_estate(self, estate_name: str, buildings: list[BuildingNode]) -> None:
        """Replace the whole tree."""
        self.beginResetModel()
        self.root, self.by_code = build_tree(estate_name, buildings)
        self._top = TreeNode("top", "")
        self._top.add(self.root)
        self.endResetModel()

    def node(self, index: _Index) -> TreeNode:
        """Return the node behind an index (the invisible top for the root index)."""
        return index.internalPointer() if index.isValid() else self._top

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """Return the index of a child row."""
        holder = self.node(parent)
        if column != 0 or not 0 <= row < len(holder.children):
            return QModelIndex()
        return self.createIndex(row, 0, holder.children[row])

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        """Return the parent's index."""
        if not index.isValid():
            return QModelIndex()
        up = self.node(index).parent
        if up is None or up is self._top:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Return how many children a node has."""
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Return one column."""
        return 1

    def index_of(self, code: str) -> QModelIndex:
        """Return a unit's index by its code, or an invalid index."""
        unit = self.by_code.get(code)
        return QModelIndex() if unit is None else self.createIndex(unit.row, 0, unit)

    def text(self, node: TreeNode) -> str:
        """Return a row's text with its counts."""
        if node.kind == "unit":
            if node.residents:
                return tr("{room}　{n} 人").format(room=node.label, n=node.residents)
            return node.label
        return tr("{label}（{units} 户 · {residents} 人）").format(
            label=node.label, units=node.units, residents=node.residents
        )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Return a row's text, stale mark, tooltip and unit code."""
        if not index.isValid():
            return None
        node = self.node(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(node)
        if role == UNIT_CODE_ROLE:
            return node.code
        if role == KIND_ROLE:
            return node.kind
        if role == Qt.ItemDataRole.DecorationRole and node.stale:
            if self._stale_icon is None:
                self._stale_icon = _stale_icon()
            return self._stale_icon
        if role == Qt.ItemDataRole.ForegroundRole and node.kind == "unit" and node.stale:
            return QBrush(QColor(STALE_COLOR))
        if role == Qt.ItemDataRole.ToolTipRole:
            if node.kind == "unit":
                tip = shown_unit_codes(node.code or "")
                return tip + (tr("\n资料待更新（{0} 人）").format(node.stale) if node.stale else "")
            if node.stale:
                return tr("资料待更新：{0} 位住户").format(node.stale)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Rows are selectable, never editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class EstateTreeView(QTreeView):
    """The tree widget: arrows move, Enter or a click on a unit emits `open_unit(code)`."""

    open_unit = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("estate_tree")
        self.estate_model = EstateTreeModel(self)
        self.setModel(self.estate_model)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)  # keeps thousands of rows fast
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.clicked.connect(self._activated)  # Enter is handled in keyPressEvent

    def set_estate(self, estate_name: str, buildings: list[BuildingNode]) -> None:
        """Show this estate; the estate row and its buildings are open."""
        self.estate_model.set_estate(estate_name, buildings)
        self.expand(self.estate_model.index(0, 0))

    def current_code(self) -> str | None:
        """Return the selected unit's code, or None."""
        index = self.currentIndex()
        return index.data(UNIT_CODE_ROLE) if index.isValid() else None

    def select_unit(self, code: str) -> bool:
        """Open the tree down to this unit and select it; tell whether it exists."""
        index = self.estate_model.index_of(code)
        if not index.isValid():
            return False
        parent = index.parent()
        while parent.isValid():
            self.expand(parent)
            parent = parent.parent()
        self.setCurrentIndex(index)
        self.scrollTo(index)
        return True

    def _activated(self, index: QModelIndex) -> None:
        code = index.data(UNIT_CODE_ROLE)
        if code:
            self.open_unit.emit(code)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter opens a unit or opens/closes a branch."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            index = self.currentIndex()
            if index.isValid() and index.data(UNIT_CODE_ROLE):
                self.open_unit.emit(index.data(UNIT_CODE_ROLE))
            elif index.isValid():
                self.setExpanded(index, not self.isExpanded(index))
            return
        super().keyPressEvent(event)
