"""The visitor/call register (住户来访/来电登记表): a call filled fast, the day's register below."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.kinds import ContactKind, ContactMethod, Department, labels
from wuyedesk.domain.roles import MANAGERS
from wuyedesk.domain.units import shown_unit_codes
from wuyedesk.i18n import tr
from wuyedesk.services import contact_views, contacts, places
from wuyedesk.services.context import Actor
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import (
    SHOWN_ZONE,
    clear_errors,
    field_widgets,
    fill_fields,
    load_form,
    read_fields,
    submit,
)
from wuyedesk.ui.contact_panel import ContactPanel
from wuyedesk.ui.pdf_preview import preview_path, show_pdf
from wuyedesk.ui.record_table import (
    RecordTable,
    date_filters,
    entry_buttons,
    qdatetime,
    shown_time,
)
from wuyedesk.ui.unit_picker import offer_residents, pick_unit

Clock = Callable[[], datetime]
COLUMNS: tuple[tuple[str, Callable[[Any], str]], ...] = (
    (tr("编号"), lambda v: v.number),
    (tr("时间"), lambda v: shown_time(v.at)),
    (tr("方式"), lambda v: v.method_label),
    (tr("房号"), lambda v: v.unit_code or ""),
    (tr("来访/来电人"), lambda v: v.caller_name),
    (tr("事由"), lambda v: v.kind_label),
    (tr("内容"), lambda v: v.content),
    (tr("转达"), lambda v: " ".join(filter(None, (v.relayed_department_label, v.relayed_to)))),
    (tr("状态"), lambda v: v.state_label),
)


class RegisterWindow(QWidget):
    """Record calls and visits; list, filter, relay, follow up, archive and print them."""

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
        self.setObjectName("register")
        self.setWindowTitle(tr("住户来访/来电登记表"))
        self.resize(1180, 760)
        self.preview: QWidget | None = None
        self.form = load_form("contact", self)
        self.fields = field_widgets(self.form)
        self.caller = self.fields["caller_name"]
        assert isinstance(self.caller, QComboBox)
        self._fill_choices()
        entry = QGroupBox(tr("登记"))
        entry_layout = QVBoxLayout(entry)
        entry_layout.addWidget(self.form)
        entry_layout.addLayout(self._entry_buttons())
        self.table = RecordTable(COLUMNS, self)
        self.table.setObjectName("register_table")
        self.table.picked.connect(self.show_record)
        self.panel = ContactPanel(office, actor, self.now, self)
        self.panel.changed.connect(self.refresh)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.table)
        lower.addWidget(self.panel)
        lower.setStretchFactor(0, 1)
        lower.setSizes([760, 420])
        layout = QVBoxLayout(self)
        layout.addWidget(entry)
        layout.addLayout(self._filter_bar())
        layout.addWidget(lower, 1)
        self._connect()
        self.clear_form()
        self.table.records.fetch_failed.connect(self.saved_label.setText)
        self.refresh()

    # -- building -----------------------------------------------------------------------------
    def _fill_choices(self) -> None:
        for name, enum in (("method", ContactMethod), ("kind", ContactKind)):
            box = self.fields[name]
            assert isinstance(box, QComboBox)
            for value, text in labels(enum).items():
                box.addItem(tr(text), value)
        department = self.fields["complained_department"]
        assert isinstance(department, QComboBox)
        department.addItem(tr("（请选择）"), "")
        for value, text in labels(Department).items():
            department.addItem(tr(text), value)
        self.caller.lineEdit().setPlaceholderText(tr("从档案选择或直接输入姓名"))

    def _entry_buttons(self) -> QHBoxLayout:
        return entry_buttons(self)

    def _filter_bar(self) -> QHBoxLayout:
        self.scope, self.date_from, self.date_to, row = date_filters(
            self, (tr("今日"), tr("按日期范围"), tr("全部未结"), tr("全部超时")), self.refresh
        )
        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("kind_filter")
        self.kind_filter.addItem(tr("全部类别"), None)
        for value, text in labels(ContactKind).items():
            self.kind_filter.addItem(tr(text), value)
        self.building_filter = QComboBox()
        self.building_filter.setObjectName("building_filter")
        self.building_filter.addItem(tr("全部楼栋"), None)
        try:
            for building in places.estate_overview(self.office, self.actor):
                self.building_filter.addItem(building.name or building.label, building.label)
        except UserError:
            pass  # a role that may not list the estate filters by kind only
        for box in (self.kind_filter, self.building_filter):
            box.currentIndexChanged.connect(lambda _i: self.refresh())
            row.addWidget(box)
        row.addStretch(1)
        self.print_button = QPushButton(tr("打印登记表…"))
        self.print_button.setObjectName("print_register")
        self.print_button.clicked.connect(self.print_register)
        row.addWidget(self.print_button)
        return row

    def _connect(self) -> None:
        unit = self.fields["unit"]
        assert isinstance(unit, QLineEdit)
        unit.editingFinished.connect(self.offer_callers)
        # Typing 3-2-1502 is fastest; the tree is there for whoever does not know the code.
        pick = unit.addAction(
            self.style().standardIcon(self.style().StandardPixmap.SP_DirOpenIcon),
            QLineEdit.ActionPosition.TrailingPosition,
        )
        pick.setToolTip(tr("从楼栋树中选择房号"))
        pick.setObjectName("pick_unit")
        pick.triggered.connect(self.pick_unit_from_tree)
        self.caller.currentIndexChanged.connect(self._caller_picked)
        kind = self.fields["kind"]
        assert isinstance(kind, QComboBox)
        kind.currentIndexChanged.connect(lambda _i: self._show_complaint_fields())

    # -- the form -----------------------------------------------------------------------------
    def now(self) -> datetime:
        """Return the office's current time (a test may inject its own clock)."""
        return self.clock() if self.clock is not None else datetime.now(SHOWN_ZONE)

    def _show_complaint_fields(self) -> None:
        is_complaint = self.fields["kind"].currentData() == ContactKind.complaint.value  # type: ignore[attr-defined]
        for name in ("complained_department", "_complained_department_label"):
            widget = self.form.findChild(QWidget, name)
            if widget is not None:
                widget.setVisible(is_complaint)

    def pick_unit_from_tree(self) -> None:
        """Let the clerk pick the unit in the estate tree, then offer its residents."""
        code = pick_unit(self.office, self.actor, self)
        if code:
            self.fields["unit"].setText(shown_unit_codes(code))  # type: ignore[attr-defined]
            self.offer_callers()

    def offer_callers(self) -> None:
        """Fill the caller list with the unit's residents from the archive."""
        text = self.fields["unit"].text().strip()  # type: ignore[attr-defined]
        typed = self.caller.currentText()
        found = offer_residents(self.office, self.actor, self.form, self.caller, text)
        if not text or found is None:
            return
        self.saved_label.setText(
            tr("该户档案中有 {0} 人，可在「来访/来电人」中选择").format(found)
            if found
            else tr("档案中没有该户住户，请直接输入来访/来电人")
        )
        if found and not typed:
            self.caller.setFocus()
            self.caller.showPopup()

    def _caller_picked(self, index: int) -> None:
        phone = self.caller.itemData(index, Qt.ItemDataRole.ToolTipRole) if index >= 0 else None
        self.fields["phone"].setPlaceholderText(  # type: ignore[attr-defined]
            tr("档案电话 {0}").format(phone) if phone else tr("选住户时自动带出")
        )

    def picked_resident(self) -> int | None:
        """Return the archive resident the caller box names, or None for a typed-in caller."""
        index = self.caller.currentIndex()
        if index >= 0 and self.caller.itemText(index) == self.caller.currentText():
            value = self.caller.itemData(index)
            return int(value) if value is not None else None
        return None

    def caller_name(self) -> str:
        """Return the caller's name as typed, without the role a suggestion shows."""
        text = self.caller.currentText().strip()
        if self.picked_resident() is not None and tr("（") in text:
            return text.split(tr("（"), 1)[0]
        return text

    def form_data(self) -> dict[str, Any]:
        """Return the form's values as the service takes them."""
        data = read_fields(self.form)
        data["caller_name"] = self.caller_name()
        data["resident_id"] = self.picked_resident()
        data["unit"] = str(data.get("unit") or "").strip() or None
        if data.get("kind") != ContactKind.complaint.value or not data["complained_department"]:
            data["complained_department"] = None
        return data

    def clear_form(self) -> None:
        """Empty the form for the next call; the time is now."""
        fill_fields(
            self.form,
            {"unit": "", "phone": "", "content": "", "method": ContactMethod.call.value},
        )
        fill_fields(self.form, {"kind": ContactKind.enquiry.value, "complained_department": ""})
        self.fields["at"].setDateTime(qdatetime(self.now()))  # type: ignore[attr-defined]
        self.caller.clear()
        self.caller.setEditText("")
        clear_errors(self.form)
        self._show_complaint_fields()
        self.fields["unit"].setFocus()

    def save(self) -> Any | None:
        """Record the call; show every message beside its field; clear for the next call."""
        data = self.form_data()
        now = self.now()
        view = submit(
            self.form, lambda: contacts.record_contact(self.office, self.actor, data, now=now)
        )
        if view is None:
            return None
        self.clear_form()
        self.saved_label.setText(tr("已登记 {0}").format(view.number))
        self.refresh(select_id=view.id)
        return view

    # -- the register -------------------------------------------------------------------------
    def filters(self) -> dict[str, Any]:
        """Return the list's filters as list_contacts takes them."""
        scope = self.scope.currentIndex()
        date_from, date_to = self.print_range()
        return {
            "date_from": date_from if scope < 2 else None,
            "date_to": date_to if scope < 2 else None,
            "open_only": scope == 2,
            "overdue_only": scope == 3,
            "kind": self.kind_filter.currentData(),
            "building": self.building_filter.currentData(),
            "now": self.now(),
        }

    def print_range(self) -> tuple[date, date]:
        """Return the day range shown: today, or the chosen dates."""
        if self.scope.currentIndex() == 0:
            today = self.now().astimezone(SHOWN_ZONE).date()
            return today, today
        return self.date_from.date().toPython(), self.date_to.date().toPython()

    def refresh(self, select_id: int | None = None) -> None:
        """Read the register again with the filters; the selected entry stays selected."""
        keep = select_id if select_id is not None else self.panel.record_id()
        filters = self.filters()
        try:
            self.table.set_pages(
                lambda after, limit: contact_views.list_contacts_page(
                    self.office, self.actor, after=after, limit=limit, **filters
                )
            )
        except UserError as exc:
            self.saved_label.setText(exc.message)
            self.table.set_rows([])
        if keep is not None and self.table.select_id(keep):
            return
        if keep is not None:
            self.panel.show_view(None)

    def show_record(self, view: Any) -> None:
        """Show the chosen entry's detail and live actions."""
        self.panel.show_view(view)

    def print_register(self) -> Path | None:
        """Print the shown day range into a PDF and open the preview."""
        from wuyedesk.services import printing  # the PDF renderer loads only when printing

        date_from, date_to = self.print_range()
        out = preview_path(
            tr("登记表_{date_from}_{date_to}.pdf").format(date_from=date_from, date_to=date_to)
        )
        try:
            count = printing.print_register(self.office, self.actor, date_from, date_to, out)
        except UserError as exc:
            QMessageBox.warning(self, tr("未打印"), exc.message)
            return None
        self.saved_label.setText(tr("登记表共 {0} 条").format(count))
        self.preview = show_pdf(out, self)
        return out


def show_screen(window: Any, key: str, factory: Callable[..., QWidget]) -> QWidget:
    """Show the main window's one instance of a screen, making it on first use."""
    screens: dict[str, QWidget] = window.__dict__.setdefault("_screens", {})
    screen = screens.get(key)
    if screen is None:
        screen = factory(window.office, window.actor, window)
        screens[key] = screen
    screen.show()
    screen.raise_()
    screen.activateWindow()
    return screen


def install_screens(window: Any) -> None:
    """Wire the main window's papers (register, help, repairs, visits, reports) to screens."""
    from wuyedesk.ui.daily_report import DailyReportWindow
    from wuyedesk.ui.help_log import HelpLogWindow
    from wuyedesk.ui.repair_desk import RepairDeskWindow
    from wuyedesk.ui.visit_desk import VisitDeskWindow

    factories: dict[str, Callable[..., QWidget]] = {
        tr("来访/来电登记"): RegisterWindow,
        tr("求助"): HelpLogWindow,
        tr("维修单"): RepairDeskWindow,
        tr("回访"): VisitDeskWindow,
        tr("日工作呈报"): DailyReportWindow,
    }
    for action in list(window.placeholder_actions):
        key = action.text()
        if key == tr("月度报表"):
            window.placeholder_actions.remove(action)
            _wire_monthly_export(window, action)
            continue
        factory = factories.get(key)
        if factory is None:
            continue
        window.placeholder_actions.remove(action)
        action.setEnabled(True)
        action.setToolTip("")
        action.triggered.connect(lambda _checked=False, k=key, f=factory: show_screen(window, k, f))
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is not None and menu.title() == tr("报表(&P)"):
            printing_action = menu.addAction(tr("打印登记表…"))
            printing_action.setObjectName("print_register")
            printing_action.triggered.connect(
                lambda _checked=False: show_screen(
                    window, tr("来访/来电登记"), RegisterWindow
                ).print_register()
            )
            window.print_register_action = printing_action
            desk_action = menu.addAction(tr("主管工作台"))
            desk_action.setObjectName("supervisor_desk")
            desk_action.setVisible(window.actor.role in MANAGERS)
            desk_action.triggered.connect(lambda _checked=False: open_supervisor_desk(window))
            window.supervisor_desk_action = desk_action


def _wire_monthly_export(window: Any, action: Any) -> None:
    """报表 → 月度报表 opens the month export; only managers see it."""

    def open_export() -> None:
        from wuyedesk.ui.monthly_export import open_monthly_export  # loads the writer on use

        open_monthly_export(window)

    action.setObjectName("monthly_export")
    action.setEnabled(True)
    action.setToolTip("")
    action.setVisible(window.actor.role in MANAGERS)
    action.triggered.connect(lambda _checked=False: open_export())
    window.monthly_export_action = action


def open_supervisor_desk(window: Any) -> QWidget:
    """Show the supervisor's figures; a number clicked there opens its record."""
    from wuyedesk.ui.supervisor_desk import SupervisorDeskWindow

    fresh = tr("主管工作台") not in window.__dict__.get("_screens", {})
    desk = show_screen(window, tr("主管工作台"), SupervisorDeskWindow)
    if fresh:
        desk.open_number.connect(window.open_number)  # type: ignore[attr-defined]
    return desk


def _repair_screen() -> tuple[str, Callable[..., QWidget]]:
    from wuyedesk.ui.repair_desk import RepairDeskWindow

    return tr("维修单"), RepairDeskWindow


def _visit_screen() -> tuple[str, Callable[..., QWidget]]:
    from wuyedesk.ui.visit_desk import VisitDeskWindow

    return tr("回访"), VisitDeskWindow


def _help_screen() -> tuple[str, Callable[..., QWidget]]:
    from wuyedesk.ui.help_log import HelpLogWindow

    return tr("求助"), HelpLogWindow


# Which screen shows a record kind (`lookup.RecordRef.kind`), made on first use.
RECORD_SCREENS: dict[str, Callable[[], tuple[str, Callable[..., QWidget]]]] = {
    "contact": lambda: (tr("来访/来电登记"), RegisterWindow),
    "repair": _repair_screen,
    "visit": _visit_screen,
    "help": _help_screen,
}
