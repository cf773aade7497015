"""The quote (报价) and material-issue (领料) tables: lines typed in, totals and 大写 kept live."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from wuyedesk.domain.errors import FormErrors, UserError, ValidationError
from wuyedesk.domain.money import (
    MAX_FEN,
    amount_in_words,
    format_yuan,
    line_amount,
    parse_quantity,
    parse_yuan,
)
from wuyedesk.i18n import tr
from wuyedesk.ui.binder import ERROR_COLOR, FORM_ERROR, clear_errors, show_errors
from wuyedesk.ui.repair_dialogs import Attempt, StepDialog

QUOTE_COLUMNS = ("kind", "item", "quantity", "unit_price", "amount")
MATERIAL_COLUMNS = ("item", "spec", "quantity", "unit_price", "amount")
HEADINGS = {
    "kind": tr("类别"),
    "item": tr("项目"),
    "spec": tr("规格"),
    "quantity": tr("数量"),
    "unit_price": tr("单价（元）"),
    "amount": tr("金额（元）"),
}
KIND_TEXT = {"labour": tr("人工"), "material": tr("材料")}
BAD_CELL = QColor("#ffcdd2")
MONEY_ALIGN = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def amount_of(quantity: str, unit_price: str) -> int | None:
    """Return a line's amount in fen, or None while its numbers are not readable."""
    if not unit_price.strip():
        return None
    try:
        milli = parse_quantity(quantity or "1", "quantity", tr("数量"))
        return line_amount(milli, parse_yuan(unit_price, "unit_price", tr("单价")))
    except ValidationError:
        return None


class LinesDialog(StepDialog):
    """A lines table (quote: 类别/项目/数量/单价; materials: 材料名称/规格/数量/单价)."""

    def __init__(
        self,
        title: str,
        signer: str,
        attempt: Attempt,
        *,
        quote: bool,
        lines: list[dict[str, str]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, signer, attempt, parent)
        self.quote = quote
        self.columns = QUOTE_COLUMNS if quote else MATERIAL_COLUMNS
        self.setMinimumWidth(640)
        self.table = QTableWidget(0, len(self.columns))
        self.table.setObjectName("lines")
        headings = [tr(HEADINGS[c]) for c in self.columns]
        if not quote:
            headings[0] = tr("材料名称")
        self.table.setHorizontalHeaderLabels(headings)
        self.table.verticalHeader().setVisible(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in zip((0, 2, 3, 4), (90 if quote else 160, 70, 100, 110), strict=True):
            self.table.setColumnWidth(column, width)
        self.table.setMinimumHeight(180)
        self.table.itemChanged.connect(lambda _item: self.update_totals())
        add = QPushButton(tr("添加一行"))
        add.setObjectName("add_line")
        add.setAutoDefault(False)
        add.clicked.connect(lambda: self.add_line({}))
        remove = QPushButton(tr("删除所选行"))
        remove.setObjectName("remove_line")
        remove.setAutoDefault(False)
        remove.clicked.connect(self.remove_line)
        self.totals = QLabel()
        self.totals.setObjectName("_totals")
        self.totals.setWordWrap(True)
        self.totals.setTextFormat(Qt.TextFormat.RichText)
        self.totals.setStyleSheet("font-size: 11pt;")
        tools = QWidget()
        row = QHBoxLayout(tools)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        self.grid.addWidget(self.table, 0, 0, 1, 2)
        message = QLabel()
        message.setObjectName("lines_error")
        message.setWordWrap(True)
        message.setVisible(False)
        self.grid.addWidget(message, 1, 0, 1, 2)
        self.grid.addWidget(tools, 2, 0, 1, 2)
        self.grid.addWidget(self.totals, 3, 0, 1, 2)
        self.set_lines(lines or [])

    # -- the table ----------------------------------------------------------------------------
    def set_lines(self, lines: list[dict[str, str]]) -> None:
        """Show these lines, then blank rows to type into (at least two rows in all)."""
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        self.table.blockSignals(False)
        for line in lines:
            self.add_line(line)
        if not lines:
            for kind in ("labour", "material") if self.quote else ("", "", ""):
                self.add_line({"kind": kind} if kind else {})
        self.update_totals()

    def add_line(self, line: dict[str, str]) -> None:
        """Append one row, filled from `line` (keys as the service takes them)."""
        self.table.blockSignals(True)
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, name in enumerate(self.columns):
            if name == "kind":
                box = QComboBox()
                box.setObjectName(f"kind_{row}")
                for value, text in KIND_TEXT.items():
                    box.addItem(tr(text), value)
                box.setCurrentIndex(max(0, box.findData(line.get("kind") or "labour")))
                box.currentIndexChanged.connect(lambda _i: self.update_totals())
                self.table.setCellWidget(row, column, box)
                continue
            default = "1" if name == "quantity" else ""
            item = QTableWidgetItem(str(line.get(name) or default))
            if name == "amount":
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if name in ("quantity", "unit_price", "amount"):
                item.setTextAlignment(MONEY_ALIGN)
            self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        self.update_totals()

    def remove_line(self) -> None:
        """Delete the selected row."""
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.update_totals()

    def _text(self, row: int, name: str) -> str:
        column = self.columns.index(name)
        if name == "kind":
            box = self.table.cellWidget(row, column)
            return str(box.currentData()) if isinstance(box, QComboBox) else "labour"
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def lines(self) -> list[dict[str, str]]:
        """Return every row as the service takes it (blank rows included; it skips them)."""
        return [
            {name: self._text(row, name) for name in self.columns if name != "amount"}
            for row in range(self.table.rowCount())
        ]

    def values(self) -> dict[str, Any]:
        """Return the lines."""
        return {"lines": self.lines()}

    # -- totals -------------------------------------------------------------------------------
    def update_totals(self) -> None:
        """Recompute each line's amount and the totals with the 大写 amount."""
        sums = {"labour": 0, "material": 0}
        self.table.blockSignals(True)
        for row, line in enumerate(self.lines()):
            fen = amount_of(line.get("quantity", ""), line.get("unit_price", ""))
            cell = self.table.item(row, self.columns.index("amount"))
            if cell is not None:
                cell.setText(format_yuan(fen) if fen is not None else "")
            if fen is not None:
                sums[line.get("kind") or "material"] += fen
        self.table.blockSignals(False)
        total = sums["labour"] + sums["material"]
        parts = []
        if self.quote:
            parts.append(tr("人工费 <b>{0}</b> 元").format(format_yuan(sums["labour"])))
            parts.append(tr("材料费 <b>{0}</b> 元").format(format_yuan(sums["material"])))
        parts.append(tr("合计 <b>{0}</b> 元").format(format_yuan(total)))
        capital = amount_in_words(total) if total <= MAX_FEN else ""
        self.total_fen = total
        capital_line = tr("大写：<b>{0}</b>").format(capital)
        self.totals.setText(("&nbsp;" * 5).join(parts) + "<br>" + capital_line)

    # -- errors -------------------------------------------------------------------------------
    def ok(self) -> None:
        """Run the step; bad cells turn red with their message listed under the table."""
        self.show_line_errors({})
        try:
            done = self.attempt(self.values())
        except FormErrors as exc:
            self.show_line_errors(exc.errors)
            return
        except ValidationError as exc:
            self.show_line_errors({exc.field: exc.message})
            return
        except UserError as exc:
            show_errors(self, {FORM_ERROR: exc.message})
            return
        if done is not None:
            self.result_view = done
            self.accept()

    def show_line_errors(self, errors: dict[str, str]) -> None:
        """Mark each bad cell and list the messages under the table ({} clears them)."""
        clear_errors(self)
        for row in range(self.table.rowCount()):
            for column in range(len(self.columns)):
                item = self.table.item(row, column)
                if item is not None:
                    item.setBackground(QBrush())
                    item.setToolTip("")
        lines: list[str] = []
        for key, message in errors.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
                row, name = int(parts[1]), parts[2]
                lines.append(tr("第 {0} 行：{1}").format(row + 1, message))
                if name in self.columns and row < self.table.rowCount():
                    item = self.table.item(row, self.columns.index(name))
                    if item is not None:
                        item.setBackground(QBrush(BAD_CELL))
                        item.setToolTip(message)
            else:
                lines.append(message)
        label = self.findChild(QLabel, "lines_error")
        assert label is not None
        label.setText("\n".join(lines))
        label.setStyleSheet(f"color: {ERROR_COLOR};")
        label.setVisible(bool(lines))
