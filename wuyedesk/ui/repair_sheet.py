"""One slip drawn as the paper reads: report, receipt, quote, finance stamp, work, acceptance."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.money import amount_in_words, format_quantity, format_yuan
from wuyedesk.domain.units import shown_unit_codes
from wuyedesk.i18n import tr
from wuyedesk.services.repair_views import RepairView, arrival_minutes
from wuyedesk.ui.binder import ERROR_COLOR
from wuyedesk.ui.record_table import overdue_warning, shown_time

SIGNATURE_HEIGHT = 44
WHEN = "%Y-%m-%d %H:%M"
EMPTY = "<span style='color:#9e9e9e'>—</span>"
STAMP_STYLE = (
    f"QGroupBox#stamp_box {{ border: 2px solid {ERROR_COLOR}; border-radius: 6px;"
    " margin-top: 1.4em; padding-top: 4px; }"
    f" QGroupBox#stamp_box::title {{ color: {ERROR_COLOR}; subcontrol-origin: margin;"
    " left: 10px; font-weight: bold; }"
)
MONEY_ALIGN = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def when(value: Any) -> str:
    """Return a time as the slip prints it ('' for none)."""
    return shown_time(value, WHEN) if value is not None else ""


def pairs_html(pairs: list[tuple[str, object]], columns: int = 2) -> str:
    """Return label/value pairs as an HTML table, `columns` pairs a row; empty values show —."""
    cells = [
        f"<td style='color:#555; padding-right:6px'>{escape(tr(k))}</td>"
        f"<td style='padding-right:18px'>{escape(str(v)) if v not in (None, '') else EMPTY}</td>"
        for k, v in pairs
    ]
    rows = "".join(
        f"<tr>{''.join(cells[i : i + columns])}</tr>" for i in range(0, len(cells), columns)
    )
    return f"<table cellspacing='0' cellpadding='2'>{rows}</table>"


def note(label: str, html: str) -> str:
    """Return one captioned paragraph: the caption grey, the text as given (HTML)."""
    return tr("<p><span style='color:#555'>{0}</span>　{html}</p>").format(
        escape(tr(label)), html=html
    )


def money(fen: int | None) -> str:
    """Return fen as yuan text with 元 ('' for none)."""
    return "" if fen is None else tr("{0} 元").format(format_yuan(fen))


def red(text: str) -> str:
    """Return text marked red and bold for a label's HTML."""
    return f"<b style='color:{ERROR_COLOR}'>{escape(text)}</b>"


class LinesTable(QTableWidget):
    """A read-only table of quote or material lines, as tall as its rows."""

    def __init__(self, headings: list[str], name: str, stretch: int) -> None:
        super().__init__(0, len(headings))
        self.setObjectName(name)
        self.setHorizontalHeaderLabels([tr(h) for h in headings])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.verticalHeader().setVisible(False)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)

    def set_lines(self, rows: list[list[str]], money_from: int) -> None:
        """Show these rows; columns from `money_from` on are right-aligned numbers."""
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if money_from <= c < money_from + 3:
                    item.setTextAlignment(MONEY_ALIGN)
                self.setItem(r, c, item)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        height = max(header.height(), header.sizeHint().height())
        self.setFixedHeight(height + self.verticalHeader().length() + 2 * self.frameWidth() + 2)
        self.setVisible(bool(rows))


def signature_label(name: str) -> QLabel:
    """Return a label that shows a drawn signature."""
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet("background: white; border: 1px solid #ccc; padding: 2px;")
    label.setVisible(False)
    return label


def show_signature(label: QLabel, png: bytes | None) -> None:
    """Show a signature's PNG scaled to the slip's line height (hidden when none)."""
    pixmap = QPixmap()
    if png and pixmap.loadFromData(png):
        label.setPixmap(
            pixmap.scaledToHeight(SIGNATURE_HEIGHT, Qt.TransformationMode.SmoothTransformation)
        )
        label.setFixedSize(label.sizeHint())
        label.setVisible(True)
    else:
        label.clear()
        label.setVisible(False)


class RepairSheet(QWidget):
    """The slip's boxes, filled as far as the slip has come."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("repair_sheet")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(6)
        self.labels: dict[str, QLabel] = {}
        self.boxes: dict[str, QGroupBox] = {}
        self.signatures: dict[str, QLabel] = {}
        self.head = self._label("head")
        layout.addWidget(self.head)
        self.quote_table = LinesTable(
            [tr("类别"), tr("项目"), tr("数量"), tr("单价"), tr("金额")], "quote_table", 1
        )
        self.materials_table = LinesTable(
            [tr("材料名称"), tr("规格"), tr("数量"), tr("单价"), tr("金额"), tr("仓管员")],
            "materials_table",
            0,
        )
        for key, title, extra in (
            ("report", tr("报修"), None),
            ("receive", tr("接单"), "receiver"),
            ("quote", tr("报价（有偿服务）"), "approval"),
            ("stamp", tr("财务收款盖章"), None),
            ("work", tr("派工 · 到场 · 完工"), None),
            ("materials", tr("领料"), None),
            ("acceptance", tr("住户验收"), "acceptance"),
            ("closing", tr("核对 · 归档"), None),
        ):
            layout.addWidget(self._box(key, title, extra))
        layout.addStretch(1)

    def _label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.labels[name] = label
        return label

    def _box(self, key: str, title: str, signature: str | None) -> QGroupBox:
        box = QGroupBox(tr(title))
        box.setObjectName(f"{key}_box")
        if key == "stamp":
            box.setStyleSheet(STAMP_STYLE)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(8, 4, 8, 6)
        if key == "quote":
            layout.addWidget(self.quote_table)
        if key == "materials":
            layout.addWidget(self.materials_table)
        text = self._label(key)
        if signature is not None:
            if key == "quote":  # the totals, then the household's approval beside its signature
                layout.addWidget(text)
                text = self._label("approval")
            self.signatures[signature] = signature_label(f"{signature}_signature")
            row = QHBoxLayout()
            row.addWidget(text, 1)
            row.addWidget(self.signatures[signature], 0, Qt.AlignmentFlag.AlignRight)
            layout.addLayout(row)
        else:
            layout.addWidget(text)
        self.boxes[key] = box
        return box

    # -- filling ------------------------------------------------------------------------------
    def show_view(self, v: RepairView) -> None:
        """Fill every box from the slip; the paid-only boxes show on paid slips only."""
        head = tr(
            "<p style='font-size:13pt'><b>{0}</b>　{1}　<span style='color:#1565c0'>{2}</span></p>"
        ).format(escape(v.number), escape(v.kind_label), escape(v.state_label))
        self.head.setText(head + overdue_warning(v))
        self.labels["report"].setText(self._report(v))
        self.labels["receive"].setText(
            pairs_html([(tr("接单人"), v.received_by), (tr("接单时间"), when(v.received_at))])
        )
        for key in ("quote", "stamp"):
            self.boxes[key].setVisible(v.is_paid)
        if v.is_paid:
            self._quote(v)
            self.labels["stamp"].setText(self._stamp(v))
        self.labels["work"].setText(self._work(v))
        self._materials(v)
        self.labels["acceptance"].setText(
            pairs_html(
                [
                    (tr("住户签名"), v.accepted_by),
                    (tr("验收时间"), when(v.accepted_at)),
                    (tr("满意度"), v.satisfaction_label),
                    (tr("住户意见"), v.household_remarks),
                ]
            )
        )
        self.labels["closing"].setText(self._closing(v))
        for key, label in self.signatures.items():
            show_signature(label, v.signatures.get(key))

    def _report(self, v: RepairView) -> str:
        return pairs_html(
            [
                (tr("报修时间"), when(v.reported_at)),
                (tr("报修方式"), v.channel_label),
                (tr("房号/部位"), shown_unit_codes(v.place)),
                (tr("报修类别"), v.category_label),
                (tr("报修人"), v.reporter_name),
                (tr("联系电话"), v.phone),
                (tr("预约上门"), when(v.appointment_at)),
                (tr("开单人"), v.opened_by),
            ]
        ) + note(tr("报修内容"), escape(v.content))

    def _quote(self, v: RepairView) -> None:
        self.quote_table.set_lines(
            [
                [
                    tr(line.kind_label),
                    line.item,
                    format_quantity(line.quantity_milli),
                    format_yuan(line.unit_price_fen),
                    format_yuan(line.amount_fen),
                ]
                for line in v.quote_lines
            ],
            2,
        )
        if v.quote_total_fen is None:
            self.labels["quote"].setText(pairs_html([(tr("报价"), "")], 1))
            self.labels["approval"].setText("")
            return
        totals = pairs_html(
            [
                (tr("人工费"), money(v.quote_labour_fen or 0)),
                (tr("材料费"), money(v.quote_material_fen or 0)),
                (tr("合计"), money(v.quote_total_fen)),
                (tr("报价时间"), when(v.quoted_at)),
            ]
        )
        capital = tr("大写：{0}").format(amount_in_words(v.quote_total_fen))
        self.labels["quote"].setText(f"{totals}<p><b>{escape(capital)}</b></p>")
        self.labels["approval"].setText(
            pairs_html([(tr("住户确认"), v.approved_by), (tr("确认时间"), when(v.approved_at))])
        )

    def _stamp(self, v: RepairView) -> str:
        if v.stamped_at is None:
            waiting = tr("未交费盖章：交费盖章后才能派工维修")
            return f"<p style='color:#9e9e9e'>{escape(waiting)}</p>"
        paid = v.paid_fen or 0
        return pairs_html(
            [
                (tr("收据号"), v.receipt_no),
                (tr("收款金额"), money(paid)),
                (tr("收款人"), v.finance),
                (tr("盖章时间"), when(v.stamped_at)),
            ]
        ) + note(
            tr("大写"),
            tr("<b>{0}</b>　{1}").format(escape(amount_in_words(paid)), red(tr("已盖章"))),
        )

    def _work(self, v: RepairView) -> str:
        minutes = arrival_minutes(v)
        arrival = ""
        if minutes is not None:
            arrival = tr("派工后 {0} 分钟").format(minutes)
        lines = pairs_html(
            [
                (tr("维修人员"), v.engineer),
                (tr("派工时间"), when(v.dispatched_at)),
                (tr("到场时限"), when(v.arrival_due)),
                (tr("到达现场"), when(v.arrived_at)),
                (tr("到场用时"), arrival),
                (tr("完成时间"), when(v.completed_at)),
            ]
        )
        if v.arrival_late:
            lines += f"<p>{red(tr('到场超时'))}</p>"
        described = escape(v.work_description) if v.work_description else EMPTY
        return lines + note(tr("维修情况说明"), described)

    def _materials(self, v: RepairView) -> None:
        self.materials_table.set_lines(
            [
                [
                    m.item,
                    m.spec,
                    format_quantity(m.quantity_milli),
                    format_yuan(m.unit_price_fen),
                    format_yuan(m.amount_fen),
                    m.by,
                ]
                for m in v.materials
            ],
            2,
        )
        total = tr("合计 {0}").format(money(v.material_total_fen)) if v.materials else ""
        self.labels["materials"].setText(pairs_html([(tr("领料"), total)], 1))

    def _closing(self, v: RepairView) -> str:
        pairs: list[tuple[str, object]] = [
            (tr("每日核对"), " ".join(filter(None, (v.reconciled_by, when(v.reconciled_at))))),
            (tr("归档"), " ".join(filter(None, (v.archived_by, when(v.archived_at))))),
        ]
        if v.close_reason:
            pairs.append(
                (v.state_label, tr("{0}（{1}）").format(v.close_reason, when(v.closed_at)))
            )
        if v.void_reason:
            pairs.append((tr("作废原因"), v.void_reason))
        return pairs_html(pairs, 1)
