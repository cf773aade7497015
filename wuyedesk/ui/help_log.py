"""The help-request log (业户求助信息登记表): record a call for help, follow it step by step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.kinds import HelpType, is_special, labels
from wuyedesk.domain.units import shown_unit_codes
from wuyedesk.i18n import tr
from wuyedesk.services import help_requests, help_views
from wuyedesk.services.context import Actor
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import (
    ERROR_COLOR,
    SHOWN_ZONE,
    clear_errors,
    field_widgets,
    fill_fields,
    load_form,
    read_fields,
    submit,
)
from wuyedesk.ui.help_panel import HelpPanel
from wuyedesk.ui.record_table import (
    RecordTable,
    date_filters,
    entry_buttons,
    qdatetime,
    shown_time,
)

Clock = Callable[[], datetime]
SPECIAL_TINT = "#ffebee"
EARLIEST = date(2000, 1, 1)


def _place(v: Any) -> str:
    return shown_unit_codes(getattr(v, "unit_code", None) or getattr(v, "location", None) or "")


def _linked(v: Any) -> str:
    return getattr(v, "contact_number", None) or getattr(v, "repair_number", None) or ""


COLUMNS: tuple[tuple[str, Callable[[Any], str]], ...] = (
    (tr("编号"), lambda v: v.number),
    (tr("时间"), lambda v: shown_time(v.at)),
    (tr("类别"), lambda v: v.category_label),
    (tr("求助类型"), lambda v: v.help_type_label),
    (tr("求助人"), lambda v: v.requester_name),
    (tr("楼层/房号"), _place),
    (tr("内容"), lambda v: v.content),
    (tr("状态"), lambda v: v.state_label),
    (tr("关联单号"), _linked),
)
SPECIAL_STYLE = (
    f"QGroupBox#help_entry {{ background-color: {SPECIAL_TINT}; border: 2px solid {ERROR_COLOR};"
    " border-radius: 4px; margin-top: 1.4em; padding-top: 6px; }"
    f" QGroupBox#help_entry::title {{ color: {ERROR_COLOR}; subcontrol-origin: margin;"
    " left: 10px; font-weight: bold; }"
)


class HelpLogWindow(QWidget):
    """Record help requests; special ones open a red step log, general ones are converted."""

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
        self.setObjectName("help_log")
        self.setWindowTitle(tr("业户求助信息登记表"))
        self.resize(1180, 780)
        self.form = load_form("help_request", self)
        self.fields = field_widgets(self.form)
        self.help_type = self.fields["help_type"]
        assert isinstance(self.help_type, QComboBox)
        for value, text in labels(HelpType).items():
            self.help_type.addItem(tr(text), value)
        self.entry = QGroupBox(tr("接报求助"))
        self.entry.setObjectName("help_entry")
        entry_layout = QVBoxLayout(self.entry)
        entry_layout.addWidget(self.form)
        entry_layout.addLayout(self._entry_buttons())
        self.table = RecordTable(COLUMNS, self)
        self.table.setObjectName("help_table")
        self.table.picked.connect(lambda view: self.panel.show_view(view))
        self.panel = HelpPanel(office, actor, self)
        self.panel.changed.connect(self.refresh)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.table)
        # A special request's step log grows with its notes: the panel scrolls, never clips.
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setWidget(self.panel)
        lower.addWidget(scroller)
        lower.setStretchFactor(0, 1)
        lower.setSizes([700, 480])
        self.scope, self.date_from, self.date_to, filters = date_filters(
            self,
            (tr("今日"), tr("按日期范围"), tr("全部未结"), tr("全部超时"), tr("特别求助")),
            self.refresh,
        )
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.entry)
        layout.addLayout(filters)
        layout.addWidget(lower, 1)
        self.help_type.currentIndexChanged.connect(lambda _i: self.type_changed())
        self.clear_form()
        self.table.records.fetch_failed.connect(self.saved_label.setText)
        self.refresh()

    def _entry_buttons(self) -> QHBoxLayout:
        return entry_buttons(self)

    # -- the form -----------------------------------------------------------------------------
    def now(self) -> datetime:
        """Return the office's current time (a test may inject its own clock)."""
        return self.clock() if self.clock is not None else datetime.now(SHOWN_ZONE)

    def is_special(self) -> bool:
        """Tell whether the chosen type is special help (life, property, public order)."""
        return is_special(str(self.help_type.currentData()))

    def type_changed(self) -> None:
        """Tint the form red for special help; show the enquiry options only for enquiries."""
        special = self.is_special()
        self.entry.setProperty("special", special)
        self.entry.setStyleSheet(SPECIAL_STYLE if special else "")
        self.entry.setTitle(tr("接报求助 — 特别求助，立即处理") if special else tr("接报求助"))
        category = self.form.findChild(QLabel, "category")
        if category is not None:
            category.setText(tr("特别求助") if special else tr("一般求助"))
            category.setStyleSheet(
                f"font-weight: bold; color: {ERROR_COLOR if special else '#333'};"
            )
        enquiry = self.help_type.currentData() == HelpType.enquiry.value
        for name in ("_enquiry_options", "_enquiry_label"):
            widget = self.form.findChild(QWidget, name)
            if widget is not None:
                widget.setVisible(enquiry)

    def form_data(self) -> dict[str, Any]:
        """Return the form's values as the service takes them."""
        data = read_fields(self.form)
        if data.get("help_type") != HelpType.enquiry.value:
            data["written"] = data["confidential"] = False
        return data

    def clear_form(self) -> None:
        """Empty the form for the next call; the time is now."""
        blank = dict.fromkeys(("requester_name", "unit", "location", "phone", "content"), "")
        fill_fields(self.form, blank)
        fill_fields(self.form, {"written": False, "confidential": False})
        self.help_type.setCurrentIndex(self.help_type.findData(HelpType.other.value))
        self.fields["at"].setDateTime(qdatetime(self.now()))  # type: ignore[attr-defined]
        clear_errors(self.form)
        self.type_changed()

    def save(self) -> Any | None:
        """Record the request; special help opens its step log at once."""
        data = self.form_data()
        view = submit(self.form, lambda: help_requests.record_help(self.office, self.actor, data))
        if view is None:
            return None
        self.clear_form()
        self.saved_label.setText(tr("已登记 {0}").format(view.number))
        self.refresh(select_id=view.id)
        return view

    # -- the list -----------------------------------------------------------------------------
    def filters(self) -> dict[str, Any]:
        """Return the list's filters as list_help takes them."""
        scope = self.scope.currentIndex()
        if scope == 0:
            today: date | None = self.now().astimezone(SHOWN_ZONE).date()
            date_from, date_to = today, today
        elif scope == 1:
            date_from, date_to = self.date_from.date().toPython(), self.date_to.date().toPython()
        elif scope == 4:  # every special request, however old
            date_from, date_to = EARLIEST, self.now().astimezone(SHOWN_ZONE).date()
        else:
            date_from = date_to = None
        return {
            "date_from": date_from,
            "date_to": date_to,
            "open_only": scope == 2,
            "overdue_only": scope == 3,
            "special_only": scope == 4,
            "now": self.now(),
        }

    def refresh(self, select_id: int | None = None) -> None:
        """Read the list again; the chosen request stays chosen."""
        keep = select_id if select_id is not None else self.panel.record_id()
        filters = self.filters()
        try:
            self.table.set_pages(
                lambda after, limit: help_views.list_help_page(
                    self.office, self.actor, after=after, limit=limit, **filters
                )
            )
        except UserError as exc:
            self.saved_label.setText(exc.message)
            self.table.set_rows([])
        if keep is not None and not self.table.select_id(keep):
            self.panel.show_view(None)
