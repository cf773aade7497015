"""The supervisor's desk (主管工作台): the period's figures, the records behind each, two charts.

A line under the period row tells whether the audit log's hash chain is intact (red when
a line was edited or deleted); it is checked when the desk opens and on 刷新.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QPieSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.sla import half_year_of
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.dashboard import PERIODS, AuditChain, Desk, Figure, supervisor_desk
from wuyedesk.services.settings import get_rules
from wuyedesk.services.visit_plan import BuildingCoverage, routine_coverage
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import ERROR_COLOR, SHOWN_ZONE
from wuyedesk.ui.start import wait_cursor

Clock = Callable[[], datetime]
CARD_COLUMNS = 4
MET_COLOR = "#2e7d32"
SATISFACTION_COLORS = {tr("满意"): "#2e7d32", tr("基本满意"): "#f9a825", tr("不满意"): ERROR_COLOR}
CARD_STYLE = (
    "QFrame#{name} {{ border: 1px solid {border}; border-radius: 6px; background: {back}; }}"
)


class FigureCard(QFrame):
    """One figure: its label above, its value large below; red when it breaches a rule."""

    clicked = Signal(str)

    def __init__(self, figure: Figure, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figure = figure
        self.setObjectName(f"card_{figure.key}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.label = QLabel(figure.label)
        self.label.setObjectName("label")
        self.value = QLabel(figure.shown)
        self.value.setObjectName("value")
        big = QFont(self.value.font())
        big.setPointSizeF(big.pointSizeF() * 1.8)
        big.setBold(True)
        self.value.setFont(big)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.value)
        count = len(figure.numbers)
        self.setToolTip(tr("点击查看 {0} 张单据").format(count) if count else "")
        self.set_selected(False)

    def set_selected(self, selected: bool) -> None:
        """Draw the card's frame thicker while its records fill the side list."""
        border = ERROR_COLOR if self.figure.breach else ("#1565c0" if selected else "#b0bec5")
        back = "#ffebee" if self.figure.breach else ("#e3f2fd" if selected else "#ffffff")
        self.setStyleSheet(CARD_STYLE.format(name=self.objectName(), border=border, back=back))
        colour = ERROR_COLOR if self.figure.breach else "#263238"
        self.value.setStyleSheet(f"color: {colour};")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Say which figure was clicked."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.figure.key)
        super().mouseReleaseEvent(event)


class SupervisorDeskWindow(QWidget):
    """The figures for today, this month or this half-year; a click lists the records behind."""

    open_numbers = Signal(list)  # the numbers behind a clicked figure
    open_number = Signal(str)  # one number double-clicked in the side list

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
        self.desk: Desk | None = None
        self.audit: AuditChain | None = None
        self.coverage: list[BuildingCoverage] = []
        self.cards: dict[str, FigureCard] = {}
        self.setObjectName("supervisor_desk")
        self.setWindowTitle(tr("主管工作台"))
        self.resize(1320, 860)
        self.refusal = QLabel()
        self.refusal.setObjectName("refusal")
        self.refusal.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;")
        self.refusal.setVisible(False)
        layout = QVBoxLayout(self)
        self.audit_label = QLabel()
        self.audit_label.setObjectName("audit_chain")
        self.audit_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addLayout(self._top_row())
        layout.addWidget(self.audit_label)
        layout.addWidget(self.refusal)
        self.body = self._body()
        layout.addWidget(self.body, 1)
        self.refresh()

    # -- building -----------------------------------------------------------------------------
    def _top_row(self) -> QHBoxLayout:
        self.period = QComboBox()
        self.period.setObjectName("period")
        for key, text in PERIODS.items():
            self.period.addItem(tr(text), key)
        # Another period reads other figures; the audit chain is checked again only on 刷新.
        self.period.currentIndexChanged.connect(lambda _i: self.refresh(check_audit=False))
        reload = QPushButton(tr("刷新"))
        reload.setObjectName("reload")
        reload.clicked.connect(lambda: self.refresh())
        self.range_label = QLabel()
        self.range_label.setObjectName("range")
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("期间")))
        row.addWidget(self.period)
        row.addWidget(reload)
        row.addWidget(self.range_label, 1)
        return row

    def _body(self) -> QSplitter:
        self.grid = QGridLayout()
        self.grid.setSpacing(8)
        cards = QWidget()
        cards.setObjectName("cards")
        cards.setLayout(self.grid)
        self.satisfaction_view = self._chart_view("satisfaction_chart")
        self.coverage_view = self._chart_view("coverage_chart")
        charts = QHBoxLayout()
        charts.addWidget(self.satisfaction_view, 2)
        charts.addWidget(self.coverage_view, 3)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(cards)
        column.addLayout(charts, 1)
        self.numbers_box = QGroupBox(tr("点击上方数字查看单据"))
        self.numbers_box.setObjectName("numbers_box")
        self.numbers = QListWidget()
        self.numbers.setObjectName("numbers")
        self.numbers.itemDoubleClicked.connect(self._number_opened)
        self.numbers_hint = QLabel(tr("双击单号打开单据"))
        box = QVBoxLayout(self.numbers_box)
        box.addWidget(self.numbers, 1)
        box.addWidget(self.numbers_hint)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.numbers_box)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([1060, 260])
        return splitter

    def _chart_view(self, name: str) -> QChartView:
        view = QChartView()
        view.setObjectName(name)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(300)
        return view

    # -- time ---------------------------------------------------------------------------------
    def now(self) -> datetime:
        """Return the office's current time (a test may inject its own clock)."""
        return self.clock() if self.clock is not None else datetime.now(SHOWN_ZONE)

    # -- reading ------------------------------------------------------------------------------
    def refresh(self, *, check_audit: bool = True) -> None:
        """Read the period's figures and the half-year's coverage again and redraw.

        With `check_audit` the audit chain is verified again (a few seconds on a long log).
        """
        now = self.now()
        try:
            with wait_cursor():
                self.desk = supervisor_desk(
                    self.office,
                    self.actor,
                    str(self.period.currentData()),
                    now=now,
                    check_audit=check_audit or self.audit is None,
                )
                self.coverage = routine_coverage(
                    self.office, self.actor, *half_year_of(now), now=now
                )
        except UserError as exc:
            self.desk, self.coverage = None, []
            self.refusal.setText(exc.message)
            self.refusal.setVisible(True)
            self.body.setVisible(False)
            self.audit_label.setVisible(False)
            self.period.setEnabled(False)
            return
        if self.desk.audit is not None:
            self.audit = self.desk.audit
            self._show_audit(self.audit)
        self.refusal.setVisible(False)
        self.body.setVisible(True)
        first, last = self.desk.start, self.desk.end
        shown = (
            f"{first:%Y-%m-%d}"
            if first == last
            else tr("{first:%Y-%m-%d} 至 {last:%Y-%m-%d}").format(first=first, last=last)
        )
        self.range_label.setText(shown)
        self._fill_cards(self.desk.figures)
        self.satisfaction_view.setChart(self._satisfaction_chart(self.desk.satisfaction))
        self.coverage_view.setChart(self._coverage_chart(self.coverage))
        self.show_figure(None)

    def _show_audit(self, chain: AuditChain) -> None:
        """Say whether the audit log is intact, with its length and when it was checked."""
        checked = f"{chain.checked_at.astimezone(SHOWN_ZONE):%Y-%m-%d %H:%M}"
        if chain.ok:
            text = tr("审计日志：完整（共 {0} 条，最近核验 {1}）").format(
                f"{chain.lines:,}", checked
            )
            style = f"color: {MET_COLOR};"
        else:
            text = tr("审计日志被改动：{0}（最近核验 {1}）").format(chain.reason or "", checked)
            style = f"color: {ERROR_COLOR}; font-weight: bold;"
        self.audit_label.setText(text)
        self.audit_label.setStyleSheet(style)
        self.audit_label.setProperty("breach", not chain.ok)
        self.audit_label.setToolTip(
            tr("逐条重算审计日志的哈希链（用时 {0:.1f} 秒）；命令行：wuyedesk audit verify").format(
                chain.seconds
            )
        )
        self.audit_label.setVisible(True)

    def _fill_cards(self, figures: list[Figure]) -> None:
        for card in self.cards.values():
            self.grid.removeWidget(card)
            card.hide()  # deleteLater waits for the event loop; a stale card must not show
            card.deleteLater()
        self.cards = {}
        for index, figure in enumerate(figures):
            card = FigureCard(figure)
            card.clicked.connect(self.show_figure)
            self.grid.addWidget(card, index // CARD_COLUMNS, index % CARD_COLUMNS)
            self.cards[figure.key] = card

    # -- the records behind a figure -----------------------------------------------------------
    def show_figure(self, key: str | None) -> None:
        """List the records behind one figure beside the cards, and offer them to be opened."""
        self.numbers.clear()
        for card_key, card in self.cards.items():
            card.set_selected(card_key == key)
        chosen = self.cards.get(key) if key is not None else None
        if chosen is None:
            self.numbers_box.setTitle(tr("点击上方数字查看单据"))
            return
        figure = chosen.figure
        self.numbers_box.setTitle(tr("{0}（{1} 张）").format(figure.label, len(figure.numbers)))
        for number in figure.numbers:
            self.numbers.addItem(QListWidgetItem(number))
        if figure.numbers:
            self.open_numbers.emit(list(figure.numbers))

    def _number_opened(self, item: QListWidgetItem) -> None:
        self.open_number.emit(item.text())

    # -- charts -------------------------------------------------------------------------------
    def _chart(self, title: str) -> QChart:
        chart = QChart()
        font = QFont(QApplication.font())
        chart.setFont(font)
        chart.legend().setFont(font)
        title_font = QFont(font)
        title_font.setBold(True)
        chart.setTitleFont(title_font)
        chart.setTitle(title)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        return chart

    def _satisfaction_chart(self, split: dict[str, int]) -> QChart:
        answered = sum(split.values())
        chart = self._chart(tr("维修满意度（{0} 份）").format(answered))
        series = QPieSeries()
        series.setObjectName("satisfaction")
        for label, count in split.items():
            piece = series.append(f"{tr(label)} {count}", count)
            piece.setColor(QColor(SATISFACTION_COLORS.get(label, "#90a4ae")))
            piece.setLabelFont(QFont(QApplication.font()))
            piece.setLabelVisible(bool(count))
        chart.addSeries(series)
        if not answered:
            chart.setTitle(tr("维修满意度（本期无评价）"))
        return chart

    def _coverage_chart(self, lines: list[BuildingCoverage]) -> QChart:
        buildings = [line for line in lines if line.building_id is not None]
        total = next((line for line in lines if line.building_id is None), None)
        title = tr("本半年日常回访覆盖率")
        if total is not None:
            title += tr("：全小区已访 {0} 户，应访 {1} 户（共 {2} 户）").format(
                total.visited, total.needed, total.households
            )
        chart = self._chart(title)
        met, short = QBarSet(tr("已达标")), QBarSet(tr("未达标"))
        met.setColor(QColor(MET_COLOR))
        short.setColor(QColor(ERROR_COLOR))
        for line in buildings:
            percent = round(line.share * 100, 1)
            met.append(percent if line.met else 0)
            short.append(0 if line.met else percent)
        series = QStackedBarSeries()
        series.setObjectName("coverage")
        series.append([met, short])
        chart.addSeries(series)
        font = QFont(QApplication.font())
        axis_x = QBarCategoryAxis()
        # Under each building: visited / needed, so a building with no visit still reads short.
        short_mark = tr("（未达标）")
        axis_x.append(
            [
                # one part a line: a category label longer than its bar's width is cut short
                f"{line.building_label}<br>{line.visited}/{line.needed}"
                + ("" if line.met else "<br>" + short_mark.strip())
                for line in buildings
            ]
        )
        axis_x.setLabelsFont(font)
        axis_x.setTitleText(tr("楼栋  已访/应访 户"))
        axis_x.setTitleFont(font)
        target = get_rules(self.office).routine_visit_share * 100
        top = max([target * 2, *(line.share * 100 for line in buildings)]) * 1.1
        axis_y = QValueAxis()
        axis_y.setRange(0, top)
        axis_y.applyNiceNumbers()
        axis_y.setLabelFormat("%.0f%%")
        axis_y.setLabelsFont(font)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        line_series = QLineSeries()
        line_series.setObjectName("target")
        line_series.setName(tr("应访 {0:.0f}%").format(target))
        line_series.append(-0.5, target)
        line_series.append(max(len(buildings), 1) - 0.5, target)
        line_series.setPen(QPen(QColor("#37474f"), 2, Qt.PenStyle.DashLine))
        chart.addSeries(line_series)
        line_series.attachAxis(axis_x)
        line_series.attachAxis(axis_y)
        return chart
